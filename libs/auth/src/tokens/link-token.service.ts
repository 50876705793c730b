import { Injectable } from '@nestjs/common';
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { DomainException, InjectConfig, type AppConfig } from '@beacon/core';

/** What a signed link is for; a token for one purpose never works for another. */
export type LinkPurpose =
  | 'verify-email'
  | 'magic-link'
  | 'rate'
  | 'unsubscribe'
  | 'manage'
  | 'survey'
  | 'web-version'
  | 'oidc-login'
  | 'staff-mfa'
  | 'staff-reset'
  | 'staff-device'
  | 'resident-flash'
  // An officer's own campaign sign-up link (libs/residents CampaignOfficerLinkService).
  | 'campaign-officer'
  // E-mail addresses (local parts) rather than links: Reply-To `reply+<token>` and the VERP return path `bounce+<token>`.
  | 'email-reply'
  | 'bounce';

export interface LinkClaims {
  /** Subject fields, e.g. { r: residentId, m: messageId }. */
  [key: string]: string;
}

/**
 * Compact signed links: base64url(JSON {p, e, ...claims}) + "." + HMAC-SHA256.
 * Short enough for an SMS, expiring, bound to purpose and subject.
 */
@Injectable()
export class LinkTokenService {
  // KeyObjects: HMAC keys are prepared once, not on every link opened. The first signs; all
  // verify (LINK_SECRETS_PREVIOUS: links sent before a rotation keep working). Links carry no
  // key id, to stay short enough for an SMS: an unknown MAC costs one HMAC per key.
  private readonly keys: KeyObject[];
  constructor(@InjectConfig() config: AppConfig) {
    this.keys = [config.auth.linkSecret, ...(config.auth.linkPreviousSecrets ?? [])].map((k) => createSecretKey(Buffer.from(k, 'utf8')));
  }

  sign(purpose: LinkPurpose, claims: LinkClaims, ttlSeconds: number, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ ...claims, p: purpose, e: Math.floor(now / 1000) + ttlSeconds })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** Returns the claims, or throws 400 (not a valid link) / 410 (expired). */
  verify(purpose: LinkPurpose, token: string, now = Date.now()): LinkClaims {
    const invalid = () => new DomainException('VALIDATION', 'This link is not valid');
    if (typeof token !== 'string' || token.length > 2048) throw invalid();
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) throw invalid();
    const given = Buffer.from(mac);
    if (!this.keys.some((key) => this.matches(this.mac(body, key), given))) throw invalid();
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (payload.p !== purpose) throw invalid();
    if (typeof payload.e !== 'number' || payload.e * 1000 < now) throw new DomainException('GONE', 'This link has expired');
    const { p: _p, e: _e, ...claims } = payload;
    return claims as LinkClaims;
  }

  /**
   * A short link token for one id (fits an SMS): `<id>.<expiry base36>.<mac>`, 96-bit MAC
   * over purpose, id and expiry.
   */
  signCompact(purpose: LinkPurpose, id: string, ttlSeconds: number, now = Date.now()): string {
    const exp = (Math.floor(now / 1000) + ttlSeconds).toString(36);
    return `${id}.${exp}.${this.mac(`${purpose}|${id}|${exp}`).slice(0, 16)}`;
  }

  /** Returns the id, or throws 400 (not a valid link) / 410 (expired). */
  verifyCompact(purpose: LinkPurpose, token: string, now = Date.now()): string {
    // Built only when thrown: an Error captures a stack trace (the rating link is a hot path).
    const invalid = () => new DomainException('VALIDATION', 'This link is not valid');
    const m = typeof token === 'string' ? /^([A-Za-z0-9_-]{1,64})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{16})$/.exec(token) : null;
    if (!m) throw invalid();
    const [, id, exp, mac] = m;
    const given = Buffer.from(mac);
    if (!this.keys.some((key) => this.matches(this.mac(`${purpose}|${id}|${exp}`, key).slice(0, 16), given))) throw invalid();
    if (parseInt(exp, 36) * 1000 < now) throw new DomainException('GONE', 'This link has expired');
    return id;
  }

  /**
   * A token to put in the local part of an e-mail address (`reply+<token>@…`): `<id>.<expiry
   * base36>.<mac>`, lower-case only (a relay or mailbox may fold the case of a local part), with a
   * 96-bit MAC in 24 hex digits over purpose, id and expiry. A base36 id of up to 13 characters
   * keeps it within 45 characters, so `bounce+` and it fit the 64 of a local part (RFC 5321).
   */
  signAddress(purpose: LinkPurpose, id: string, ttlSeconds: number, now = Date.now()): string {
    if (!/^[0-9a-z]{1,13}$/.test(id)) throw new Error('An address token id is 1 to 13 base36 characters');
    const exp = (Math.floor(now / 1000) + ttlSeconds).toString(36);
    return `${id}.${exp}.${this.addressMac(purpose, id, exp)}`;
  }

  /** The id of an address token (any case), or throws 400 (not valid: tampered, another purpose, another secret) / 410 (expired). */
  verifyAddress(purpose: LinkPurpose, token: string, now = Date.now()): string {
    const invalid = () => new DomainException('VALIDATION', 'This address is not valid');
    const m = typeof token === 'string' ? /^([0-9a-z]{1,13})\.([0-9a-z]{1,10})\.([0-9a-f]{24})$/.exec(token.toLowerCase()) : null;
    if (!m) throw invalid();
    const [, id, exp, mac] = m;
    const given = Buffer.from(mac);
    if (!this.keys.some((key) => this.matches(this.addressMac(purpose, id, exp, key), given))) throw invalid();
    if (parseInt(exp, 36) * 1000 < now) throw new DomainException('GONE', 'This address has expired');
    return id;
  }

  private addressMac(purpose: LinkPurpose, id: string, exp: string, key = this.keys[0]): string {
    return createHmac('sha256', key).update(`addr|${purpose}|${id}|${exp}`).digest('hex').slice(0, 24);
  }

  private mac(body: string, key = this.keys[0]): string {
    return createHmac('sha256', key).update(body).digest('base64url').slice(0, 32);
  }

  private matches(expected: string, given: Buffer): boolean {
    const e = Buffer.from(expected);
    return e.length === given.length && timingSafeEqual(e, given);
  }
}
