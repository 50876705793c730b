import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { badRequest, DomainException, InjectConfig, type AppConfig } from '@beacon/core';
import { ResidentLinksService } from '@beacon/residents';

/** A reply address (Reply-To) or a bounce address (the VERP return path). */
export type InboundAddressPurpose = 'email-reply' | 'bounce';
const ADDRESS_PREFIX: Record<InboundAddressPurpose, string> = { 'email-reply': 'reply+', bounce: 'bounce+' };

/** Per-recipient signed links carried by every broadcast. */
@Injectable()
export class MessageLinksService {
  constructor(
    private readonly links: LinkTokenService,
    private readonly residentLinks: ResidentLinksService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `/r/<token>`: the token names the delivery, so it is bound to one message and one resident. */
  ratingUrl(deliveryId: string): string {
    const token = this.links.signCompact('rate', BigInt(deliveryId).toString(36), this.config.messaging.ratingLinkTtlDays * 24 * 3600);
    return `${this.config.http.publicUrl}/r/${token}`;
  }

  /**
   * Links for a preview: not valid tokens, but as long as real ones (id, expiry, 16-character
   * MAC), so the SMS segment count of a preview is the count residents will get.
   */
  previewLinks(): { ratingUrl: string; unsubscribeUrl: string; manageUrl: string; surveyUrl: string; webUrl: string } {
    const base = this.config.http.publicUrl;
    return {
      webUrl: `${base}/m/${'0'.repeat(22)}.000000.preview-link-000`,
      ratingUrl: `${base}/r/000000.000000.preview-link-000`,
      unsubscribeUrl: `${base}/u/preview-link`,
      manageUrl: `${base}/me`,
      surveyUrl: `${base}/s/${'0'.repeat(44)}.000000.preview-link-000`,
    };
  }

  /** `/s/<token>`: the recipient's own link to a survey (one response per resident). */
  surveyUrl(surveyId: string, residentId: string): string {
    return `${this.config.http.publicUrl}/s/${signSurveyToken(this.links, surveyId, residentId)}`;
  }

  /**
   * The delivery's own reply and bounce addresses (REPLY_DOMAIN set): Reply-To
   * `reply+<token>@REPLY_DOMAIN` and the VERP return path `bounce+<token>@RETURN_PATH_DOMAIN`, each
   * token signed for its purpose and naming the delivery, so whatever comes back to them is tied to
   * the message and the resident without trusting any header. Null without REPLY_DOMAIN.
   */
  emailAddresses(deliveryId: string): { replyTo: string; returnPath: string } | null {
    const inbound = this.config.inboundEmail;
    if (!inbound) return null;
    const id36 = BigInt(deliveryId).toString(36);
    const ttl = this.config.messaging.ratingLinkTtlDays * 24 * 3600;
    return {
      replyTo: `${ADDRESS_PREFIX['email-reply']}${this.links.signAddress('email-reply', id36, ttl)}@${inbound.replyDomain}`,
      returnPath: `${ADDRESS_PREFIX.bounce}${this.links.signAddress('bounce', id36, ttl)}@${inbound.returnPathDomain}`,
    };
  }

  /**
   * What an address of ours names: `reply+…` at REPLY_DOMAIN or `bounce+…` at RETURN_PATH_DOMAIN
   * with a valid token → its purpose and delivery; `form` alone when it has our shape but a token
   * that does not verify (forged, tampered, another purpose or expired); null when it is no address
   * of ours at all (refused at RCPT).
   */
  readEmailAddress(address: string): { purpose: InboundAddressPurpose; deliveryId: string } | { purpose: InboundAddressPurpose; invalid: 'forged' | 'expired' } | null {
    const inbound = this.config.inboundEmail;
    const m = /^(reply|bounce)\+([^@]{1,60})@([^@]+)$/i.exec(address.trim());
    if (!inbound || !m) return null;
    const purpose: InboundAddressPurpose = m[1].toLowerCase() === 'reply' ? 'email-reply' : 'bounce';
    const domain = m[3].toLowerCase();
    if (domain !== (purpose === 'bounce' ? inbound.returnPathDomain : inbound.replyDomain)) return null;
    try {
      const id36 = this.links.verifyAddress(purpose, m[2]);
      return { purpose, deliveryId: [...id36].reduce((n, c) => n * 36n + BigInt(parseInt(c, 36)), 0n).toString() };
    } catch (err) {
      return { purpose, invalid: err instanceof DomainException && err.code === 'GONE' ? 'expired' : 'forged' };
    }
  }

  /**
   * `/m/<token>`: the message's web version, the same link for every recipient (it names the
   * message only); `?lang=` the translation the recipient got.
   */
  webVersionUrl(messageId: string, language?: string | null): string {
    const token = this.links.signCompact('web-version', uuidToB64(messageId), WEB_VERSION_TTL_SECONDS);
    return `${this.config.http.publicUrl}/m/${token}${language && language !== 'en' ? `?lang=${language}` : ''}`;
  }

  unsubscribeUrl(residentId: string, channel: 'email' | 'sms' | 'all'): string {
    return this.residentLinks.unsubscribeUrl(residentId, channel);
  }

  manageUrl(residentId: string): string {
    return this.residentLinks.manageUrl(residentId);
  }
}

/** The delivery id inside a rating token (base36 in the link). */
export function deliveryIdFromRatingToken(links: LinkTokenService, token: string): string {
  const id36 = links.verifyCompact('rate', token);
  if (!/^[0-9a-z]{1,13}$/.test(id36)) throw badRequest('This link is not valid');
  return [...id36].reduce((n, c) => n * 36n + BigInt(parseInt(c, 36)), 0n).toString();
}

/** Web versions stay readable for this long (unless withdrawn, then 410). */
const WEB_VERSION_TTL_SECONDS = 400 * 24 * 3600;

/** The message a web-version token names; 400 tampered, 410 expired. */
export function readWebVersionToken(links: LinkTokenService, token: string): string {
  const id = links.verifyCompact('web-version', token);
  if (id.length !== 22) throw badRequest('This link is not valid');
  return b64ToUuid(id);
}

/** Survey links stay valid for this long; a closed survey answers 410 whatever the token says. */
const SURVEY_LINK_TTL_SECONDS = 400 * 24 * 3600;

const uuidToB64 = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
const b64ToUuid = (b64: string) => Buffer.from(b64, 'base64url').toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/**
 * A compact `survey` token: the survey id and, for a resident's link, the resident id
 * (22 base64url characters each); without a resident it is the survey's anonymous public link.
 */
export function signSurveyToken(links: LinkTokenService, surveyId: string, residentId: string | null): string {
  return links.signCompact('survey', uuidToB64(surveyId) + (residentId ? uuidToB64(residentId) : ''), SURVEY_LINK_TTL_SECONDS);
}

/** The survey and resident (null: the public link) a survey token names; 400 tampered, 410 expired. */
export function readSurveyToken(links: LinkTokenService, token: string): { surveyId: string; residentId: string | null } {
  const id = links.verifyCompact('survey', token);
  if (id.length !== 22 && id.length !== 44) throw badRequest('This link is not valid');
  return { surveyId: b64ToUuid(id.slice(0, 22)), residentId: id.length === 44 ? b64ToUuid(id.slice(22)) : null };
}
