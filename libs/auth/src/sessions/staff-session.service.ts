import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { CookieOptions } from 'express';
import { AuditService, badRequest, DomainException, InjectConfig, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { deviceName } from './device-name';
import { StaffSessionRepository } from './staff-session.repository';

const hashOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
// 32 random bytes, base64url: 43 characters.
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const HANDLE = /^[0-9a-f]{64}$/;

/** One signed-in browser, as its owner and admins see it. */
export interface SessionView {
  /** What a revoke form names (the stored hash: it opens nothing). */
  handle: string;
  device: string;
  ip: string | null;
  signedInAt: Date;
  lastSeenAt: Date;
  /** The browser asking. */
  current: boolean;
}

export interface SessionPrincipal extends StaffPrincipal {
  /** The cookie's value (what CSRF tokens are bound to). */
  sessionId: string;
}

/**
 * Staff browser sessions (the console): a random id in an HttpOnly cookie, its hash in
 * `staff_session`, an idle timeout and an absolute lifetime. Kept small on purpose: how a
 * person proved who they are (password today; OIDC or a second factor later) is the caller's
 * business; this only starts, resolves and ends sessions.
 */
@Injectable()
export class StaffSessionService {
  constructor(
    private readonly sessions: StaffSessionRepository,
    @InjectConfig() private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** `__Host-` in production: the browser then insists on Secure, Path=/ and no Domain. */
  get cookieName(): string {
    return this.config.env === 'production' ? '__Host-beacon-session' : 'beacon-session';
  }

  cookieOptions(): CookieOptions {
    return { httpOnly: true, secure: this.config.env === 'production', sameSite: 'lax', path: '/', maxAge: this.config.auth.sessionMaxSeconds * 1000 };
  }

  /**
   * `pendingMfa`: the password is checked but not the second factor; such a session is refused
   * by `resolve` (so by every page and route) and reaches only `resolvePending`'s pages.
   */
  async start(staffId: string, client: { ip?: string | null; userAgent?: string | null } = {}, opts: { pendingMfa?: boolean } = {}): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.sessions.insert({ idHash: hashOf(id), staffId, ip: client.ip?.slice(0, 64) ?? null, userAgent: client.userAgent?.slice(0, 300) ?? null, pendingMfa: !!opts.pendingMfa });
    return id;
  }

  /** The staff member of a session still waiting for its second factor, or null. */
  async resolvePending(sessionId: string | undefined): Promise<SessionPrincipal | null> {
    if (!sessionId || !SESSION_ID.test(sessionId)) return null;
    // Five minutes to type the code, however long the idle timeout.
    const row = await this.sessions.touchActive(hashOf(sessionId), Math.min(300, this.config.auth.sessionIdleSeconds), this.config.auth.sessionMaxSeconds, true);
    if (!row) return null;
    return { kind: 'staff', id: row.staffId, email: row.email, name: row.name, role: row.role, npuCode: row.npuCode, sessionId };
  }

  /** The signed-in staff member of a cookie value, or null (unknown, revoked, expired, deactivated). */
  async resolve(sessionId: string | undefined): Promise<SessionPrincipal | null> {
    if (!sessionId || !SESSION_ID.test(sessionId)) return null;
    const { sessionIdleSeconds, sessionMaxSeconds } = this.config.auth;
    const row = await this.sessions.touchActive(hashOf(sessionId), sessionIdleSeconds, sessionMaxSeconds);
    if (!row) return null;
    return { kind: 'staff', id: row.staffId, email: row.email, name: row.name, role: row.role, npuCode: row.npuCode, sessionId };
  }

  async end(sessionId: string | undefined): Promise<void> {
    if (sessionId && SESSION_ID.test(sessionId)) await this.sessions.revoke(hashOf(sessionId));
  }

  /** Every browser of a staff member (deactivation, a changed password). */
  endAllFor(staffId: string): Promise<number> {
    return this.sessions.revokeAllFor(staffId);
  }

  /** The account's sessions still in use (device, IP, last seen), newest first; `current` marks the asking browser's. */
  async listFor(staffId: string, currentSessionId?: string): Promise<SessionView[]> {
    const { sessionIdleSeconds, sessionMaxSeconds } = this.config.auth;
    const mine = currentSessionId ? hashOf(currentSessionId) : null;
    return (await this.sessions.listActiveFor(staffId, sessionIdleSeconds, sessionMaxSeconds)).map((r) => ({
      handle: r.idHash,
      device: deviceName(r.userAgent),
      ip: r.ip,
      signedInAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      current: r.idHash === mine,
    }));
  }

  /**
   * Ends one session of `staffId` (by the staff member or an admin who may manage them): the
   * browser is refused from its next request, as `resolve` reads `revoked_at` each time. Audited.
   */
  async revoke(by: StaffPrincipal, staffId: string, handle: string): Promise<void> {
    if (!HANDLE.test(handle)) throw badRequest('Choose a session to end');
    if (!(await this.sessions.revokeOf(staffId, handle))) throw new DomainException('NOT_FOUND', 'That session has ended already');
    await this.audit.recordStaff(by, 'staff.session-revoked', `staff:${staffId}`, { session: handle.slice(0, 8) });
  }

  /** "Sign out everywhere else": every session of the account but this one. Audited. */
  async revokeOthers(me: SessionPrincipal): Promise<number> {
    const ended = await this.sessions.revokeAllExcept(me.id, hashOf(me.sessionId));
    await this.audit.recordStaff(me, 'staff.sessions-revoked', `staff:${me.id}`, { sessionsEnded: ended });
    return ended;
  }

  purgeExpired(): Promise<number> {
    return this.sessions.deleteExpired(this.config.auth.sessionMaxSeconds);
  }
}
