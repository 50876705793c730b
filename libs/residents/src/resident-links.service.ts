import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { badRequest, forbidden, InjectConfig, type AppConfig } from '@beacon/core';
import type { Channel } from './resident.entity';

const DAY = 24 * 3600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ManageLevel = 'full' | 'prefs';

/** How long each kind of link works. */
export const LINK_TTL = {
  verifyEmail: 7 * DAY,
  signIn: 3600,
  /** The manage link in every message: preferences only, and a message may be forwarded. */
  managePrefs: 30 * DAY,
  /** The link texted back to MANAGE: preferences only. */
  manageByText: DAY,
  /** The hidden-field session of the manage page. */
  manageSession: 2 * 3600,
  /** Unsubscribe links must keep working for as long as someone may keep an old message. */
  unsubscribe: 400 * DAY,
} as const;

/**
 * Where a sign-in link may land instead of the preferences page (the e-mail's link carries the
 * key, outside the signature: only these pages, so it is no open redirect). The page gets a full
 * manage session, as the preferences page would.
 */
export const SIGN_IN_DESTINATIONS = { vote: '/me/vote', schemes: '/me/schemes' } as const;
export type SignInDestination = keyof typeof SIGN_IN_DESTINATIONS;
export const signInDestination = (v: unknown): SignInDestination | undefined =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(SIGN_IN_DESTINATIONS, v) ? (v as SignInDestination) : undefined;

export type UnsubscribeScope = Channel | 'all';

/**
 * Signed links to resident pages. Messaging puts unsubscribeUrl / manageUrl (and the
 * List-Unsubscribe headers) into every e-mail and SMS it sends.
 */
@Injectable()
export class ResidentLinksService {
  private readonly base: string;

  constructor(
    private readonly links: LinkTokenService,
    @InjectConfig() config: AppConfig,
  ) {
    this.base = config.http.publicUrl;
  }

  /** RFC 8058 one-click unsubscribe for this channel (or 'all'); GET shows a page, POST unsubscribes. */
  unsubscribeUrl(residentId: string, channel: UnsubscribeScope): string {
    return `${this.base}/u/${this.links.sign('unsubscribe', { r: residentId, c: channel }, LINK_TTL.unsubscribe)}`;
  }

  /** Headers for every broadcast e-mail (RFC 2369 + RFC 8058). */
  listUnsubscribeHeaders(residentId: string): Record<string, string> {
    return { 'List-Unsubscribe': `<${this.unsubscribeUrl(residentId, 'email')}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }

  /** Preferences page (ward, channels, topics, quiet hours); not contact details or erasure. */
  manageUrl(residentId: string, ttlSeconds: number = LINK_TTL.managePrefs): string {
    return `${this.base}/me?token=${this.manageToken(residentId, 'prefs', ttlSeconds)}`;
  }

  verifyEmailUrl(residentId: string, email: string): string {
    return `${this.base}/verify?token=${this.links.sign('verify-email', { r: residentId, a: email }, LINK_TTL.verifyEmail)}`;
  }

  /** Magic link, bound to the address it was sent to: it dies when that address changes. */
  signInUrl(residentId: string, address: string, next?: SignInDestination): string {
    return `${this.base}/me?token=${this.links.sign('magic-link', { r: residentId, a: address }, LINK_TTL.signIn)}${next ? `&next=${next}` : ''}`;
  }

  manageToken(residentId: string, level: ManageLevel, ttlSeconds: number = LINK_TTL.manageSession): string {
    return this.links.sign('manage', { r: residentId, l: level }, ttlSeconds);
  }

  /**
   * The resident and level a manage token names (the session of the manage page and the pages
   * it links to): 400 tampered or another purpose, 410 expired. Whether the resident is still
   * there is the caller's check.
   */
  manageSession(token: unknown): { residentId: string; level: ManageLevel } {
    if (typeof token !== 'string' || !token) throw badRequest('This link is not valid');
    const claims = this.links.verify('manage', token);
    if (!UUID.test(claims.r ?? '') || (claims.l !== 'full' && claims.l !== 'prefs')) throw badRequest('This link is not valid');
    return { residentId: claims.r, level: claims.l };
  }

  /**
   * A full (signed-in) manage session, as the scheme and ballot pages need: a preferences-only
   * link (one a message carries, which can be forwarded) is a 403 saying `refusal`. Returns the
   * resident and a fresh full token for the next form.
   */
  fullSession(token: unknown, refusal: string): { residentId: string; token: string } {
    const { residentId, level } = this.manageSession(token);
    if (level !== 'full') throw forbidden(refusal);
    return { residentId, token: this.manageToken(residentId, 'full') };
  }
}
