import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { badRequest, InjectConfig, type AppConfig } from '@beacon/core';
import { ResidentLinksService } from '@beacon/residents';

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
  previewLinks(): { ratingUrl: string; unsubscribeUrl: string; manageUrl: string } {
    const base = this.config.http.publicUrl;
    return { ratingUrl: `${base}/r/000000.000000.preview-link-000`, unsubscribeUrl: `${base}/u/preview-link`, manageUrl: `${base}/me` };
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
