import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { CookieOptions } from 'express';
import { InjectConfig, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { StaffSessionRepository } from './staff-session.repository';

const hashOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
// 32 random bytes, base64url: 43 characters.
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

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

  purgeExpired(): Promise<number> {
    return this.sessions.deleteExpired(this.config.auth.sessionMaxSeconds);
  }
}
