import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokenService, LinkTokenService } from '@beacon/auth';
import { NotificationService } from '@beacon/channels';
import { badRequest, InjectConfig, JobName, QueueService, type AppConfig, type NotificationJob } from '@beacon/core';
import type { ResidentEntity, ResidentStatus } from './resident.entity';
import { ResidentNotice, residentNotice } from './resident-notifications';
import { ResidentRepository } from './resident.repository';

export const SMS_CODE_TTL_MS = 15 * 60 * 1000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One answer for an unknown number, no code and a wrong code: no hint of who signed up.
export const WRONG_CODE = 'That code is not right. Check it and try again, or ask for a new code.';
export const DEAD_CODE = 'That code can no longer be used. Ask for a new code.';

/** Messages (and SMS codes to store) decided for one or many requests, written together by `send`. */
export class VerificationOutbox {
  readonly emails: NotificationJob[] = [];
  readonly sms: NotificationJob[] = [];
  readonly smsCodes = new Map<string, { codeHash: string; expiresAt: Date }>();
}

export interface Verified {
  residentId: string;
  status: ResidentStatus;
  firstName: string | null;
  accessToken: string;
}

/**
 * Whom an unauthenticated request naming this address (sign-in link, resend) may message: the
 * resident who verified it, else the newest pending sign-up claiming it. Never a claim inside a
 * resident who holds another, verified, address: a code or link for it would let whoever acts on
 * it join an address to a record someone else controls (README "Address claims").
 * `rows` newest first (ResidentRepository.findByAddresses).
 */
export function reminderTarget(rows: ResidentEntity[], via: 'email' | 'sms', address: string): ResidentEntity | undefined {
  const holds = (r: ResidentEntity) => (via === 'email' ? r.email === address : r.phoneE164 === address);
  const verified = (r: ResidentEntity) => (via === 'email' ? r.emailVerifiedAt !== null : r.phoneVerifiedAt !== null);
  return rows.find((r) => holds(r) && verified(r) && r.status !== 'erased') ?? rows.find((r) => holds(r) && r.status === 'pending');
}

/** E-mail links and SMS codes that prove a resident holds an address. */
@Injectable()
export class VerificationService {
  private readonly secret: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly residents: ResidentRepository,
    private readonly notifications: NotificationService,
    private readonly queue: QueueService,
    private readonly linkTokens: LinkTokenService,
    private readonly accessTokens: AccessTokenService,
    @InjectConfig() config: AppConfig,
  ) {
    this.secret = config.auth.linkSecret;
  }

  /** Queues (in the caller's transaction) a link that verifies this e-mail address. */
  async sendEmailLink(r: { id: string }, email: string, tx: EntityManager): Promise<void> {
    const out = new VerificationOutbox();
    this.addEmailLink(out, r, email);
    await this.send(out, tx);
  }

  /** A new 6-digit code replaces any earlier one (fresh expiry, fresh attempts); only its HMAC is stored. */
  async sendSmsCode(residentId: string, phoneE164: string, tx: EntityManager): Promise<void> {
    const out = new VerificationOutbox();
    this.addSmsCode(out, residentId, phoneE164);
    await this.send(out, tx);
  }

  // The address is read again when the job runs (the queue holds no contact details).
  addEmailLink(out: VerificationOutbox, r: { id: string }, _email: string): void {
    out.emails.push(residentNotice(ResidentNotice.verifyEmail, r.id));
  }

  addSmsCode(out: VerificationOutbox, residentId: string, _phoneE164: string): void {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    // A later code for the same resident replaces an earlier one, as it would one request later.
    out.smsCodes.delete(residentId);
    out.smsCodes.set(residentId, { codeHash: this.hashCode(residentId, code), expiresAt: new Date(Date.now() + SMS_CODE_TTL_MS) });
    out.sms.push(residentNotice(ResidentNotice.smsCode, residentId, { code }));
  }

  addReminder(out: VerificationOutbox, r: ResidentEntity, via: 'email' | 'sms'): void {
    if (r.status === 'erased') return;
    if (via === 'email' && r.email) {
      if (r.status === 'pending' || !r.emailVerifiedAt) this.addEmailLink(out, r, r.email);
      else out.emails.push(residentNotice(ResidentNotice.alreadySubscribed, r.id));
    } else if (via === 'sms' && r.phoneE164) {
      if (r.status === 'pending' || !r.phoneVerifiedAt) this.addSmsCode(out, r.id, r.phoneE164);
      else out.sms.push(residentNotice(ResidentNotice.alreadySubscribed, r.id));
    }
  }

  /**
   * Stores the SMS codes and queues the messages, in the caller's transaction: two statements,
   * always (an empty code list too), so a sign-up's round trips say nothing about whether its
   * address was already known.
   */
  async send(out: VerificationOutbox, tx: EntityManager): Promise<void> {
    await this.residents.saveSmsCodes([...out.smsCodes].map(([residentId, c]) => ({ residentId, ...c })), tx);
    await this.notifications.enqueueAll({ emails: out.emails, sms: out.sms }, { manager: tx });
  }

  /**
   * "Send it again": always the same answer, and the same work (one job queued), whether or not
   * the address is known; the job (`ResidentReminderHandler`) decides what to send.
   */
  async resend(input: { email?: string; phone?: string }): Promise<{ status: 'accepted' }> {
    await this.queue.send(JobName.ResidentReminder, { purpose: 'resend', email: input.email, phone: input.phone });
    return { status: 'accepted' };
  }

  /** The resend job: a new verification to a pending sign-up, "already signed up" to a verified holder, else nothing. */
  async sendReminders(input: { email?: string; phone?: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await this.residents.findByAddresses(input.email ? [input.email] : [], input.phone ? [input.phone] : [], tx);
      const out = new VerificationOutbox();
      const byEmail = input.email ? reminderTarget(rows, 'email', input.email) : undefined;
      if (byEmail) this.addReminder(out, byEmail, 'email');
      const byPhone = input.phone ? reminderTarget(rows, 'sms', input.phone) : undefined;
      if (byPhone) this.addReminder(out, byPhone, 'sms');
      await this.send(out, tx);
    });
  }

  /** The e-mail link: valid only while the resident still has the address it was sent to. */
  async verifyEmailToken(token: string): Promise<Verified> {
    const claims = this.linkTokens.verify('verify-email', token);
    if (!UUID.test(claims.r ?? '') || !claims.a) throw badRequest('This link is not valid');
    const status = await this.db.transaction((tx) => this.residents.markVerified(claims.r, 'email', claims.a, tx));
    if (!status) throw badRequest('This link is not valid');
    return this.verified(claims.r, status);
  }

  async verifySmsCode(phoneE164: string, code: string): Promise<Verified> {
    // Attempts are committed before a wrong code is reported, so the transaction returns an outcome.
    // Several sign-ups may claim one number, each with its own code (bound to its resident by
    // the HMAC): a code verifies the number into the resident it was sent for, and no other. A
    // wrong guess counts against every live code of the number (no extra guesses per claim).
    const outcome = await this.db.transaction(async (tx): Promise<'wrong' | 'dead' | { id: string; status: ResidentStatus }> => {
      const codes = await this.residents.findSmsCodesForPhoneForUpdate(phoneE164, tx);
      const live = codes.filter((c) => c.attempts < SMS_CODE_MAX_ATTEMPTS && c.expiresAt.getTime() >= Date.now());
      if (!live.length) return codes.length ? 'dead' : 'wrong';
      await this.residents.countSmsAttempt(live.map((c) => c.residentId), tx);
      const match = live.find((c) => this.codeMatches(c.residentId, code, c.codeHash));
      if (!match) return 'wrong';
      await this.residents.deleteSmsCode(match.residentId, tx);
      const status = await this.residents.markVerified(match.residentId, 'sms', phoneE164, tx);
      return status ? { id: match.residentId, status } : 'wrong';
    });
    if (outcome === 'wrong') throw badRequest(WRONG_CODE, [`code: ${WRONG_CODE}`]);
    if (outcome === 'dead') throw badRequest(DEAD_CODE, [`code: ${DEAD_CODE}`]);
    return this.verified(outcome.id, outcome.status);
  }

  private async verified(residentId: string, status: ResidentStatus): Promise<Verified> {
    const r = await this.residents.findById(residentId);
    return { residentId, status, firstName: r?.firstName ?? null, accessToken: this.accessTokens.signResident(residentId) };
  }

  // HMAC with the link secret, bound to the resident: a leaked table gives no usable codes.
  private hashCode(residentId: string, code: string): string {
    return createHmac('sha256', this.secret).update(`sms-code:${residentId}:${code}`).digest('base64url');
  }

  private codeMatches(residentId: string, code: string, storedHash: string): boolean {
    const given = Buffer.from(this.hashCode(residentId, code));
    const stored = Buffer.from(storedHash);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }
}
