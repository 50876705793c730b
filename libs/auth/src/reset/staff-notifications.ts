import { Injectable } from '@nestjs/common';
import { NotificationComposerProvider, type NotificationComposer } from '@beacon/channels';
import { PasswordResetService, STAFF_RESET_TEMPLATE } from './password-reset.service';

/** The auth lib's e-mails to staff, rendered at send time from the staff id in the job. */
@NotificationComposerProvider()
@Injectable()
export class StaffNotifications implements NotificationComposer {
  constructor(private readonly resets: PasswordResetService) {}

  readonly email = {
    [STAFF_RESET_TEMPLATE]: async (ref: Record<string, string>) => {
      const link = ref.staffId ? await this.resets.linkFor(ref.staffId) : null;
      if (!link) return null;
      return {
        to: link.to,
        subject: 'Reset your Beacon password',
        text: `Hello ${link.name},\n\nUse this link to choose a new password for the Beacon staff console (it works once, for 30 minutes):\n\n${link.url}\n\nSetting a new password signs you out everywhere. If you did not ask for this, you can ignore this email.\n`,
      };
    },
  };

}
