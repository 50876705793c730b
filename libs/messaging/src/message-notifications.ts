import { Injectable } from '@nestjs/common';
import { StaffService } from '@beacon/auth';
import { NotificationComposerProvider, type Compose, type EmailMessage, type NotificationComposer } from '@beacon/channels';
import { MessageService } from './message.service';

/** A test of a message to its sender's own address; ref: `{ messageId, staffId }`. */
export const TEST_TO_SELF_TEMPLATE = 'messaging.test-to-self';

/**
 * Renders the test e-mail when its job runs, from the message and the staff account as they
 * are then (the queue holds ids only); a deactivated sender, or one who may no longer read the
 * message, gets nothing.
 */
@NotificationComposerProvider()
@Injectable()
export class MessageNotifications implements NotificationComposer {
  constructor(
    private readonly messages: MessageService,
    private readonly staff: StaffService,
  ) {}

  readonly email: Record<string, Compose<EmailMessage>> = {
    [TEST_TO_SELF_TEMPLATE]: async (ref) => {
      const sender = ref.staffId ? await this.staff.findActive(ref.staffId) : null;
      if (!sender || !ref.messageId) return null;
      const preview = await this.messages.previewContent({ kind: 'staff', ...sender }, ref.messageId).catch(() => null);
      if (!preview) return null;
      const email = preview.email;
      const sms = preview.sms?.body ?? '';
      return {
        to: sender.email,
        subject: `[Test] ${email?.subject ?? 'Text message preview'}`,
        text: email ? email.text : `This message goes by text message only. Residents will get:\n\n${sms}\n`,
        html: email?.html,
      };
    },
  };
}
