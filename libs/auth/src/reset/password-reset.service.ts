import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotificationService } from '@beacon/channels';
import { AuditService, badRequest, DomainException, InjectConfig, JobName, QueueService, type AppConfig } from '@beacon/core';
import { StaffSessionService } from '../sessions/staff-session.service';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../staff/password';
import { StaffRepository } from '../staff/staff.repository';
import { LinkTokenService } from '../tokens/link-token.service';

/** What staff creation requires (CreateStaffDto). */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 200;
const RESET_TTL_SECONDS = 30 * 60;
export const STAFF_RESET_TEMPLATE = 'staff.password-reset';

// The link is bound to the password hash it was sent for: once a new password is set (by this
// link or any other way) the fingerprint differs and the link is dead. Single use without a table.
const fingerprint = (passwordHash: string) => createHash('sha256').update(passwordHash, 'utf8').digest('base64url').slice(0, 22);

/**
 * "Forgot your password?" for local staff accounts. `request` does the same work (one job) for
 * every address; the job finds the account and queues an e-mail naming only its id; the
 * composer signs a 30-minute `staff-reset` link at send time.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly links: LinkTokenService,
    private readonly sessions: StaffSessionService,
    private readonly queue: QueueService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Always the same answer after the same work, whether or not the address is known. */
  async request(email: string): Promise<void> {
    await this.queue.send(JobName.StaffPasswordReset, { email: email.trim().toLowerCase() });
  }

  /** The job: an active account with a local password gets one e-mail; anyone else nothing. */
  async sendLink(email: string): Promise<void> {
    if (!this.config.auth.passwordLogin) return;
    const row = await this.staff.findByEmail(email, { withPasswordHash: true });
    if (!row?.active || !row.passwordHash) return;
    await this.notifications.enqueueEmail(STAFF_RESET_TEMPLATE, { staffId: row.id });
    await this.audit.record({ actor: 'public', action: 'staff.password-reset-requested', subject: `staff:${row.id}` });
  }

  /** The link for a staff member as they are now, or null (gone, inactive, no local password). */
  async linkFor(staffId: string, now = Date.now()): Promise<{ to: string; name: string; url: string } | null> {
    const row = await this.staff.findById(staffId, { withPasswordHash: true });
    if (!row?.active || !row.passwordHash) return null;
    const token = this.links.sign('staff-reset', { s: row.id, h: fingerprint(row.passwordHash) }, RESET_TTL_SECONDS, now);
    return { to: row.email, name: row.name, url: `${this.config.http.publicUrl}/console/reset-password?token=${encodeURIComponent(token)}` };
  }

  /** Throws 400 (not valid, already used) or 410 (expired). */
  private async live(token: string) {
    const claims = this.links.verify('staff-reset', token);
    const used = () => new DomainException('VALIDATION', 'This link is not valid: it may have been used already. Ask for a new one.');
    const row = claims.s ? await this.staff.findById(claims.s, { withPasswordHash: true }) : null;
    if (!row?.active || !row.passwordHash || typeof claims.h !== 'string') throw used();
    const [a, b] = [Buffer.from(fingerprint(row.passwordHash)), Buffer.from(claims.h)];
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw used();
    return { row, passwordHash: row.passwordHash, used };
  }

  /** For the form: is this link still good? */
  async check(token: string): Promise<void> {
    await this.live(token);
  }

  /**
   * A signed-in staff member's own change: the current password first. Ends every session of the
   * account (the caller starts a new one for this browser) and is audited.
   */
  async change(staffId: string, current: string, password: string): Promise<void> {
    const row = await this.staff.findById(staffId, { withPasswordHash: true });
    const ok = await verifyPassword(current, row?.passwordHash ?? DUMMY_HASH);
    if (!row?.active || !row.passwordHash) throw badRequest('Your account signs in with the force account and has no Beacon password');
    if (!ok) throw new DomainException('UNAUTHENTICATED', 'Your current password is not right');
    if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters`);
    if (password.length > MAX_PASSWORD_LENGTH) throw badRequest(`Choose a password of at most ${MAX_PASSWORD_LENGTH} characters`);
    if (!(await this.staff.replacePasswordHash(row.id, row.passwordHash, await hashPassword(password)))) throw new DomainException('CONFLICT', 'Your password was changed meanwhile: try again');
    const ended = await this.sessions.endAllFor(row.id);
    await this.audit.record({ actor: `staff:${row.id}`, action: 'staff.password-changed', subject: `staff:${row.id}`, data: { sessionsEnded: ended } });
  }

  /**
   * An admin's reset: the current password stops working (replaced by a random one nobody
   * knows), every session ends, and the reset e-mail goes out (its link signed for the new hash).
   * Returns how many sessions ended.
   */
  async forceReset(staffId: string): Promise<number> {
    if (!this.config.auth.passwordLogin) throw badRequest('Password sign-in is turned off: there is no password to reset');
    const row = await this.staff.findById(staffId, { withPasswordHash: true });
    if (!row?.active || !row.passwordHash) throw badRequest('This account has no Beacon password to reset (it signs in with the force account, or is deactivated)');
    if (!(await this.staff.replacePasswordHash(row.id, row.passwordHash, await hashPassword(randomBytes(32).toString('base64url'))))) {
      throw new DomainException('CONFLICT', 'The password was changed meanwhile: try again');
    }
    const ended = await this.sessions.endAllFor(row.id);
    await this.notifications.enqueueEmail(STAFF_RESET_TEMPLATE, { staffId: row.id });
    return ended;
  }

  /** Sets the new password, ends every session of the account, and audits it. */
  async reset(token: string, password: string): Promise<void> {
    const { row, passwordHash, used } = await this.live(token);
    if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters`);
    if (password.length > MAX_PASSWORD_LENGTH) throw badRequest(`Choose a password of at most ${MAX_PASSWORD_LENGTH} characters`);
    // Conditional on the old hash: two uses of one link at once, one wins.
    if (!(await this.staff.replacePasswordHash(row.id, passwordHash, await hashPassword(password)))) throw used();
    const ended = await this.sessions.endAllFor(row.id);
    await this.audit.record({ actor: `staff:${row.id}`, action: 'staff.password-reset', subject: `staff:${row.id}`, data: { sessionsEnded: ended } });
  }
}
