import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { InjectConfig, type AppConfig } from '@beacon/core';

const DAY = 24 * 3600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How long an officer's campaign link works: a card left at a door is used weeks later, and the
 * report counts sign-ups with the code after the campaign ended.
 */
export const CAMPAIGN_OFFICER_LINK_TTL = 400 * DAY;

/** What the `officer` parameter of a sign-up link may look like (a signed link token). */
export const OFFICER_PARAMETER = /^[A-Za-z0-9_-]{1,1024}\.[A-Za-z0-9_-]{1,64}$/;

/**
 * An officer's own sign-up link for a campaign: `?campaign=<code>&officer=<token>`, the token
 * signed (`campaign-officer` purpose) over the campaign code and the officer's staff id, so it
 * cannot be re-written into another officer's name or carried to another campaign. A resident who
 * signs up through it records the officer as having assisted (`resident.assisted_by`).
 */
@Injectable()
export class CampaignOfficerLinkService {
  constructor(
    private readonly tokens: LinkTokenService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The link and its `officer` parameter for this campaign code and staff member. */
  linkFor(campaignCode: string, staffId: string): { officer: string; url: string } {
    const officer = this.tokens.sign('campaign-officer', { c: campaignCode, s: staffId }, CAMPAIGN_OFFICER_LINK_TTL);
    return { officer, url: `${this.config.http.publicUrl}/signup?campaign=${encodeURIComponent(campaignCode)}&officer=${officer}` };
  }

  /**
   * The staff id the parameter was signed for, when it is valid, unexpired and for this campaign
   * code; otherwise null. Never an error: a sign-up answers the same whatever the parameter, so
   * it tells nobody whether a forged one was close.
   */
  officerFor(campaignCode: string | null | undefined, officer: string | null | undefined): string | null {
    if (!campaignCode || !officer) return null;
    try {
      const claims = this.tokens.verify('campaign-officer', officer);
      return claims.c === campaignCode && typeof claims.s === 'string' && UUID.test(claims.s) ? claims.s : null;
    } catch {
      return null;
    }
  }
}
