import { Injectable } from '@nestjs/common';
import { NotificationComposerProvider, type Compose, type EmailMessage, type NotificationComposer, type SmsMessage } from '@beacon/channels';
import type { NotificationJob } from '@beacon/core';
import type { ResidentEntity } from './resident.entity';
import { LINK_TTL, ResidentLinksService, signInDestination } from './resident-links.service';
import { alreadySubscribedEmail, alreadySubscribedSms, importWelcomeEmail, importWelcomeSms, manageLinkSms, signInEmail, smsCodeMessage, verifyEmailMessage } from './resident-messages';
import { ResidentRepository } from './resident.repository';

/** The residents lib's one-off messages, queued as template + resident id (see NotificationJob). */
export const ResidentNotice = {
  verifyEmail: 'resident.verify-email',
  signIn: 'resident.sign-in',
  alreadySubscribed: 'resident.already-subscribed',
  smsCode: 'resident.sms-code',
  /** The welcome option of an import (libs/imports): to a new resident's verified address. */
  importWelcome: 'resident.import-welcome',
  manageLink: 'resident.manage-link',
} as const;

export const residentNotice = (template: string, residentId: string, extra: Record<string, string> = {}): NotificationJob => ({
  template,
  ref: { residentId, ...extra },
});

/**
 * Renders them when the job runs, from the resident row as it is then: an erased resident (or
 * one whose address has gone) gets nothing, and the queue never held their address or name.
 * Links are signed at send time for the address the message goes to.
 */
@NotificationComposerProvider()
@Injectable()
export class ResidentNotifications implements NotificationComposer {
  constructor(
    private readonly residents: ResidentRepository,
    private readonly links: ResidentLinksService,
  ) {}

  private live = async (residentId: string | undefined): Promise<ResidentEntity | null> => {
    const r = residentId ? await this.residents.findById(residentId) : null;
    return r && r.status !== 'erased' ? r : null;
  };

  private byEmail = (render: (r: ResidentEntity, email: string, ref: Record<string, string>) => EmailMessage | null): Compose<EmailMessage> => async (ref) => {
    const r = await this.live(ref.residentId);
    return r?.email ? render(r, r.email, ref) : null;
  };

  private byPhone = (render: (r: ResidentEntity, phone: string, ref: Record<string, string>) => SmsMessage | null): Compose<SmsMessage> => async (ref) => {
    const r = await this.live(ref.residentId);
    return r?.phoneE164 ? render(r, r.phoneE164, ref) : null;
  };

  readonly email = {
    [ResidentNotice.verifyEmail]: this.byEmail((r, email) => verifyEmailMessage(email, this.links.verifyEmailUrl(r.id, email))),
    // `next`: the page the link lands on (a destination key, e.g. the ballot), checked again here.
    [ResidentNotice.signIn]: this.byEmail((r, email, ref) => signInEmail(email, r.firstName, this.links.signInUrl(r.id, email, signInDestination(ref.next)))),
    [ResidentNotice.alreadySubscribed]: this.byEmail((r, email) => alreadySubscribedEmail(email, r.firstName, this.links.signInUrl(r.id, email))),
    // Verified addresses only (a verified address is the resident's own, so the name may appear).
    [ResidentNotice.importWelcome]: this.byEmail((r, email) =>
      r.emailVerifiedAt && r.status === 'active' ? importWelcomeEmail(email, r.firstName, this.links.manageUrl(r.id), this.links.unsubscribeUrl(r.id, 'all')) : null,
    ),
  };

  readonly sms = {
    // The code itself rides in the ref (only its HMAC is stored): a random number, not personal data.
    [ResidentNotice.smsCode]: this.byPhone((_r, phone, ref) => (/^\d{6}$/.test(ref.code ?? '') ? smsCodeMessage(phone, ref.code) : null)),
    [ResidentNotice.alreadySubscribed]: this.byPhone((r, phone) => alreadySubscribedSms(phone, this.links.signInUrl(r.id, phone))),
    [ResidentNotice.importWelcome]: this.byPhone((r, phone) => (r.phoneVerifiedAt && r.status === 'active' ? importWelcomeSms(phone, this.links.manageUrl(r.id)) : null)),
    // Only to a number still verified when the job runs (it may have changed since MANAGE).
    [ResidentNotice.manageLink]: this.byPhone((r, phone) => (r.phoneVerifiedAt ? manageLinkSms(phone, this.links.manageUrl(r.id, LINK_TTL.manageByText)) : null)),
  };
}
