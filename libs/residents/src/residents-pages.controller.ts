import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LinkTokenService } from '@beacon/auth';
import { DomainException, InjectConfig, Public, RateLimit, type AppConfig } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { labelFor, seeOther } from '@beacon/web';
import { OFFICER_PARAMETER } from './campaign-officer-link.service';
import { maskEmail, maskPhone, normalisePhone } from './contact';
import { CHANNELS, SIGNUP_SOURCES, TOPICS, type Channel } from './resident.entity';
import { ResidentAccountService, type AccessLevel } from './resident-account.service';
import { ResidentLinksService, SIGN_IN_DESTINATIONS, signInDestination, type SignInDestination } from './resident-links.service';
import { MAGIC_LINK_LIMIT, RESEND_LIMIT, SIGNUP_LIMIT, UPDATE_LIMIT, VERIFY_LIMIT } from './resident-rate-limits';
import { MagicLinkDto, SignUpDto, UpdateMeDto, type ResidentProfile } from './residents.dto';
import { SignUpService } from './sign-up.service';
import { UnsubscribeService } from './unsubscribe.service';
import { DEAD_CODE, VerificationService, WRONG_CODE } from './verification.service';
import { errorsFromDetails, many, text, validateForm, type FieldErrors, type FieldMessages, type FormBody } from './pages/form-input';
import { PageExceptionFilter } from './pages/page-exception.filter';
import { checkboxItems, k, languageItems, ResidentPageRenderer, selectItems } from './pages/resident-page-renderer';
import { ResidentPageLanguage } from './pages/resident-page-language';
import { groupWards, type WardGroup } from './pages/wards';

type ManageLevel = AccessLevel;

interface ManageChannelValues {
  channel: Channel;
  enabled: boolean;
  minPriority: string;
  /** What to show next to the channel (masked on the preferences-only page). */
  address: string | null;
  verified: boolean;
}

interface ManageFormValues {
  wardCode: string;
  channels: ManageChannelValues[];
  topics: string[];
  interestGroups: string[];
  quietStart: string;
  quietEnd: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  ageBand?: string;
  ethnicity?: string;
  language?: string;
}

interface SignUpFormValues {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  wardCode?: string;
  channels: string[];
  topics: string[];
  interestGroups: string[];
  ageBand?: string;
  ethnicity?: string;
  language?: string;
  consent: boolean;
  source: string;
  /** From the campaign link (a hidden field); the page then shows no code field. */
  campaignCode?: string;
  /** A campaign code typed by the resident (from a card or leaflet), when they came by the plain page. */
  code?: string;
  /** An officer's own campaign link parameter (checked at sign-up; a bad one records nobody). */
  officer?: string;
}

// The error summary lists problems in the order the fields appear on each page.
const SIGNUP_ORDER = ['firstName', 'lastName', 'postcode', 'wardCode', 'channels', 'email', 'phone', 'topics', 'interestGroups', 'ageBand', 'ethnicity', 'language', 'code', 'consent'];
const MANAGE_ORDER = ['firstName', 'lastName', 'email', 'phone', 'postcode', 'wardCode', 'channels', 'topics', 'interestGroups', 'quietStart', 'quietEnd', 'ageBand', 'ethnicity', 'language', 'confirm'];

const FLASH_COOKIE = 'beacon-resident-flash';
/** The sign-up confirmation and the code form may be reloaded for as long as a code works. */
const FLASH_TTL = 15 * 60;

const CAMPAIGN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

// What a resident reads for each field the API would reject (any constraint unless named): page catalogue keys.
const MESSAGES: FieldMessages = {
  firstName: { '*': 'errors.firstName.required', maxLength: 'errors.firstName.maxLength', matches: 'errors.firstName.matches' },
  lastName: { '*': 'errors.lastName.maxLength', matches: 'errors.lastName.matches', hasVisibleCharacter: 'errors.lastName.blank' },
  email: { '*': 'errors.email.format', isDefined: 'errors.email.needed', service: 'errors.email.needed' },
  phone: { '*': 'errors.phone.format', isDefined: 'errors.phone.needed', service: 'errors.phone.needed' },
  postcode: { '*': 'errors.postcode' },
  wardCode: { '*': 'errors.wardCode' },
  channels: { '*': 'errors.channels' },
  topics: { '*': 'errors.topics' },
  interestGroups: { '*': 'errors.interestGroups' },
  ageBand: { '*': 'errors.ageBand' },
  ethnicity: { '*': 'errors.ethnicity' },
  language: { '*': 'errors.language.maxLength', hasVisibleCharacter: 'errors.language.blank' },
  consent: { '*': 'errors.consent' },
  quietStart: { '*': 'errors.quietStart' },
  quietEnd: { '*': 'errors.quietEnd' },
};

/** The SMS code's refusals (the verification service's messages) as page catalogue keys. */
const CODE_MESSAGES: Record<string, string> = { [WRONG_CODE]: 'errors.codeWrong', [DEAD_CODE]: 'errors.codeDead' };

/**
 * The resident web pages: plain HTML forms that work without JavaScript. The manage page
 * keeps its session in a signed, short-lived 'manage' token in a hidden field (no cookie), so
 * every POST carries a secret an attacker's page cannot know: CSRF-safe by construction.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageExceptionFilter)
@Controller()
export class ResidentsPagesController {
  constructor(
    private readonly signUps: SignUpService,
    private readonly verification: VerificationService,
    private readonly accounts: ResidentAccountService,
    private readonly unsubscribes: UnsubscribeService,
    private readonly links: ResidentLinksService,
    private readonly geography: GeographyService,
    private readonly pages: ResidentPageRenderer,
    private readonly tokens: LinkTokenService,
    private readonly language: ResidentPageLanguage,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Post/redirect/get: what the page after a form needs to say, based only on what was typed
   * (the channels chosen, the number to confirm), rides in a short-lived signed HttpOnly cookie
   * rather than the URL, so a reload shows the same page and posts nothing again.
   */
  private setFlash(res: Response, flash: { e?: string; p?: string }): void {
    // Claim names m/n: p and e are the token's own purpose and expiry.
    const value = this.tokens.sign('resident-flash', { m: flash.e ?? '', n: flash.p ?? '' }, FLASH_TTL);
    res.cookie(FLASH_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: this.config.env === 'production', path: '/', maxAge: FLASH_TTL * 1000 });
  }

  private flash(req: Request): { e: string; p: string } | null {
    const raw = (req as Request & { cookies?: Record<string, string | undefined> }).cookies?.[FLASH_COOKIE];
    if (!raw) return null;
    try {
      const c = this.tokens.verify('resident-flash', raw);
      return { e: c.m ?? '', p: c.n ?? '' };
    } catch {
      return null;
    }
  }

  @Get('signup')
  async signUpForm(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const source = typeof q.source === 'string' && (SIGNUP_SOURCES as readonly string[]).includes(q.source) ? q.source : 'online';
    const campaignCode = typeof q.campaign === 'string' && CAMPAIGN.test(q.campaign) ? q.campaign : undefined;
    const officer = campaignCode && typeof q.officer === 'string' && OFFICER_PARAMETER.test(q.officer) ? q.officer : undefined;
    const values: SignUpFormValues = { channels: ['email'], topics: [], interestGroups: [], consent: false, source, campaignCode, officer };
    return this.signUpPage(res, 200, values);
  }

  @RateLimit(SIGNUP_LIMIT)
  @Post('signup')
  async signUpSubmit(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const source = text(body, 'source');
    const campaignCode = text(body, 'campaignCode');
    const officer = text(body, 'officer');
    const values: SignUpFormValues = {
      firstName: text(body, 'firstName'),
      lastName: text(body, 'lastName'),
      email: text(body, 'email'),
      phone: text(body, 'phone'),
      postcode: text(body, 'postcode'),
      wardCode: text(body, 'wardCode'),
      channels: many(body, 'channels'),
      topics: many(body, 'topics'),
      interestGroups: many(body, 'interestGroups'),
      ageBand: text(body, 'ageBand'),
      ethnicity: text(body, 'ethnicity'),
      language: text(body, 'language'),
      consent: text(body, 'consent') === 'yes',
      // Hidden attribution fields: a tampered value is dropped, not shown as an error.
      source: source && (SIGNUP_SOURCES as readonly string[]).includes(source) ? source : 'online',
      campaignCode: campaignCode && CAMPAIGN.test(campaignCode) ? campaignCode : undefined,
      officer: officer && OFFICER_PARAMETER.test(officer) ? officer : undefined,
      code: text(body, 'code'),
    };
    // A typed code: spaces dropped, matched without regard to case against the campaigns; one that
    // names no campaign is a field error (a typo would otherwise lose the attribution silently).
    const typed = values.campaignCode ? undefined : values.code?.replace(/\s+/g, '');
    const typedCampaign = typed ? await this.signUps.campaignCodeFor(typed) : undefined;
    const demographics = { ageBand: values.ageBand, ethnicity: values.ethnicity, language: values.language };
    const { dto, errors } = await validateForm(
      SignUpDto,
      {
        email: values.email,
        phone: values.phone,
        firstName: values.firstName ?? '',
        lastName: values.lastName,
        postcode: values.postcode,
        // Without a ward chosen, the postcode places the resident (the list is the fallback).
        wardCode: values.wardCode || (values.postcode ? undefined : ''),
        channels: values.channels,
        topics: values.topics,
        interestGroups: values.interestGroups,
        source: values.source,
        campaignCode: values.campaignCode ?? typedCampaign ?? undefined,
        officer: values.officer,
        demographics: Object.values(demographics).some(Boolean) ? demographics : undefined,
        consent: values.consent || undefined,
      },
      MESSAGES,
    );
    let failed: FieldErrors = typed && !typedCampaign ? { ...errors, code: 'errors.campaignCode' } : errors;
    if (dto && !Object.keys(failed).length) {
      try {
        await this.signUps.signUp(dto);
      } catch (e) {
        if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
        failed = errorsFromDetails(e.details, MESSAGES);
      }
    }
    if (!dto || Object.keys(failed).length) return this.signUpPage(res, 400, values, failed);
    const phone = dto.channels.includes('sms') && dto.phone ? (normalisePhone(dto.phone) ?? dto.phone) : '';
    this.setFlash(res, { e: dto.channels.includes('email') && dto.email ? '1' : '', p: phone });
    return seeOther(res, '/signup/sent');
  }

  /** After a sign-up: what to do next. Without the cookie (opened later, elsewhere): the e-mail wording. */
  @Get('signup/sent')
  signUpSent(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const flash = this.flash(req) ?? { e: '1', p: '' };
    const sent = { email: !!flash.e, phone: flash.p || null };
    return this.pages.render(res, 200, 'signup-sent.njk', { sent, phone: flash.p, phoneIsKnown: !!flash.p });
  }

  @Get('verify')
  async verify(@Query('token') token: unknown, @Query('sent') sent: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (typeof token !== 'string' || !token) {
      const phone = this.flash(req)?.p || undefined;
      return this.smsCodePage(res, 200, phone, {}, sent === '1' && phone ? 'smsCode.resent' : undefined);
    }
    const v = await this.verification.verifyEmailToken(token);
    await this.language.use(res, v.residentId);
    return this.pages.render(res, 200, 'verified.njk', { firstName: v.firstName, manageUrl: this.manageSessionUrl(v.residentId, 'full') });
  }

  @RateLimit(VERIFY_LIMIT)
  @Post('verify')
  async verifyCode(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const typed = text(body, 'phone');
    const phone = typed ? normalisePhone(typed) : null;
    const code = text(body, 'code')?.replace(/\s/g, '');
    const errors: FieldErrors = {};
    if (!phone) errors.phone = MESSAGES.phone['*'];
    if (!code || !/^\d{6}$/.test(code)) errors.code = 'errors.code';
    if (!phone || Object.keys(errors).length) return this.smsCodePage(res, 400, phone ?? typed, errors);
    try {
      const v = await this.verification.verifySmsCode(phone, code!);
      return seeOther(res, `/verify/done?token=${this.links.manageToken(v.residentId, 'full')}`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.smsCodePage(res, 400, phone, { code: CODE_MESSAGES[e.message] ?? 'errors.code' });
    }
  }

  @RateLimit(RESEND_LIMIT)
  @Post('verify/resend')
  async resendCode(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const typed = text(body, 'phone');
    const phone = typed ? normalisePhone(typed) : null;
    if (!phone) return this.smsCodePage(res, 400, typed, { phone: MESSAGES.phone['*'] });
    await this.verification.resend({ phone });
    this.setFlash(res, { p: phone });
    return seeOther(res, '/verify?sent=1');
  }

  /** After the SMS code: the page says so and links to the preferences (the token is that page's session). */
  @Get('verify/done')
  async verified(@Query('token') token: unknown, @Res({ passthrough: true }) res: Response) {
    const { residentId, level } = this.accounts.residentFromManageToken(token);
    const profile = await this.accounts.profile(residentId);
    this.language.useStored(res, profile.demographics.language);
    return this.pages.render(res, 200, 'verified.njk', { firstName: profile.firstName, manageUrl: this.manageSessionUrl(residentId, level) });
  }

  /** `next` (a SIGN_IN_DESTINATIONS key): the page a sign-in lands on, e.g. the ACF ballot. */
  @Get('me')
  async manage(@Query('token') token: unknown, @Query('saved') saved: unknown, @Query('next') nextKey: unknown, @Res({ passthrough: true }) res: Response) {
    const next = signInDestination(nextKey);
    if (typeof token !== 'string' || !token) return this.signInPage(res, 200, '', {}, undefined, next);
    let session: { residentId: string; level: AccessLevel };
    try {
      session = await this.sessionFromLink(token);
    } catch (e) {
      if (e instanceof DomainException && e.code === 'GONE') return this.signInPage(res, 410, '', {}, 'signIn.expired', next);
      throw e;
    }
    // Only a full session goes on (the destination pages refuse a message's preferences link).
    if (next && session.level === 'full') return seeOther(res, `${SIGN_IN_DESTINATIONS[next]}?token=${this.links.manageToken(session.residentId, 'full')}`);
    const profile = await this.accounts.profile(session.residentId);
    return this.renderManage(res, 200, profile, session.level, saved === '1' ? 'manage.saved' : undefined);
  }

  @RateLimit(UPDATE_LIMIT)
  @Post('me')
  async manageSubmit(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const { residentId, level } = this.accounts.residentFromManageToken(body?.token);
    const profile = await this.accounts.profile(residentId);
    this.language.useStored(res, profile.demographics.language);
    const full = level === 'full';
    const shown = manageChannels(profile, level);
    const checked = many(body, 'channels');
    const topics = many(body, 'topics');
    const values: ManageFormValues = {
      wardCode: text(body, 'wardCode') ?? '',
      channels: shown.map((c) => ({ ...c, enabled: checked.includes(c.channel), minPriority: text(body, `minPriority-${c.channel}`) ?? c.minPriority })),
      topics,
      interestGroups: many(body, 'interestGroups'),
      quietStart: text(body, 'quietStart') ?? '',
      quietEnd: text(body, 'quietEnd') ?? '',
      ...(full
        ? {
            firstName: text(body, 'firstName'),
            lastName: text(body, 'lastName'),
            email: text(body, 'email'),
            phone: text(body, 'phone'),
            postcode: text(body, 'postcode'),
            ageBand: text(body, 'ageBand'),
            ethnicity: text(body, 'ethnicity'),
            language: text(body, 'language'),
          }
        : {}),
    };
    const had = new Set(profile.channels.map((c) => c.channel));
    const plain: Record<string, unknown> = {
      wardCode: values.wardCode,
      // A channel never chosen and still unticked is left alone (no row for it).
      channels: values.channels.filter((c) => c.enabled || had.has(c.channel)).map((c) => ({ channel: c.channel, enabled: c.enabled, minPriority: c.minPriority })),
      // As on sign-up: no topic ticked means every topic.
      topics: topics.length ? topics : [...TOPICS],
      interestGroups: values.interestGroups,
      quietStart: values.quietStart || null,
      quietEnd: values.quietEnd || null,
    };
    if (full) {
      Object.assign(plain, {
        firstName: values.firstName ?? '',
        lastName: values.lastName ?? null,
        email: values.email ?? null,
        phone: values.phone ?? null,
        postcode: values.postcode ?? null,
        demographics: { ageBand: values.ageBand ?? null, ethnicity: values.ethnicity ?? null, language: values.language ?? null },
      });
    }
    const { dto, errors } = await validateForm(UpdateMeDto, plain, MESSAGES);
    let failed = errors;
    let saved: ResidentProfile | undefined;
    if (dto) {
      try {
        saved = await this.accounts.update(residentId, dto, level);
      } catch (e) {
        if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
        failed = errorsFromDetails(e.details, MESSAGES);
      }
    }
    if (!saved) {
      const token = this.links.manageToken(residentId, level);
      return this.managePage(res, 400, { level, token, values, unsubscribed: profile.status === 'unsubscribed' }, failed);
    }
    return seeOther(res, `/me?token=${this.links.manageToken(saved.id, level)}&saved=1`);
  }

  @RateLimit(UPDATE_LIMIT)
  @Post('me/delete')
  async erase(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const { residentId } = this.fullSession(body?.token);
    if (text(body, 'confirm') !== 'yes') {
      const profile = await this.accounts.profile(residentId);
      return this.renderManage(res, 400, profile, 'full', undefined, { confirm: 'errors.confirmDelete' });
    }
    await this.accounts.erase(residentId);
    return seeOther(res, '/me/deleted');
  }

  @Get('me/deleted')
  deleted(@Res({ passthrough: true }) res: Response) {
    return this.pages.message(res, 200, k('manage.deletedTitle'), [k('manage.deleted'), k('manage.deletedCount')]);
  }

  @RateLimit(UPDATE_LIMIT)
  @Post('me/export')
  async download(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const { residentId } = this.fullSession(body?.token);
    const data = await this.accounts.export(residentId);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="beacon-my-data.json"');
    res.setHeader('Cache-Control', 'no-store');
    return JSON.stringify(data, null, 2);
  }

  @RateLimit(MAGIC_LINK_LIMIT)
  @Post('me/link')
  async signIn(@Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const typed = text(body, 'email');
    const next = signInDestination(text(body, 'next'));
    const { dto, errors } = await validateForm(MagicLinkDto, { email: typed }, MESSAGES);
    if (!dto) return this.signInPage(res, 400, typed, errors, undefined, next);
    await this.accounts.requestSignInLink(dto.email, next);
    // The same redirect and page whether or not the address is known.
    return seeOther(res, '/me/link/sent');
  }

  @Get('me/link/sent')
  signInSent(@Res({ passthrough: true }) res: Response) {
    return this.pages.message(res, 200, k('signIn.sentTitle'), [k('signIn.sent')]);
  }

  @Get('u/:token')
  async unsubscribeForm(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    const view = await this.unsubscribes.view(token);
    this.language.useStored(res, view.language);
    return this.unsubscribePage(res, token, view.channels);
  }

  /** RFC 8058 one-click (body List-Unsubscribe=One-Click: the token's channel) or the page's buttons (scope=…). */
  @Post('u/:token')
  async unsubscribe(@Param('token') token: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response) {
    const scope = text(body, 'scope');
    const done = await this.unsubscribes.unsubscribe(token, scope);
    await this.language.use(res, this.unsubscribes.parse(token).residentId);
    // A mail provider's one-click POST gets its answer; the page's buttons redirect (a reload posts nothing).
    if (scope === undefined) return this.unsubscribedPage(res, done.scope, done.stillOn);
    return seeOther(res, `/u/${token}/done?scope=${done.scope}`);
  }

  @Get('u/:token/done')
  async unsubscribed(@Param('token') token: string, @Query('scope') scope: unknown, @Res({ passthrough: true }) res: Response) {
    const view = await this.unsubscribes.view(token);
    this.language.useStored(res, view.language);
    const chosen: Channel | 'all' = scope === 'email' || scope === 'sms' ? scope : 'all';
    return this.unsubscribedPage(res, chosen, view.channels.filter((c) => c.enabled).map((c) => c.channel));
  }

  private async wards(): Promise<WardGroup[]> {
    const [npus, wards] = await Promise.all([this.geography.listNpus(), this.geography.listWards()]);
    return groupWards(npus, wards);
  }

  private manageSessionUrl(residentId: string, level: AccessLevel): string {
    return `/me?token=${this.links.manageToken(residentId, level)}`;
  }

  /** /me?token= takes a sign-in (magic) link, or a manage link (from a message or a page). */
  private async sessionFromLink(token: string): Promise<{ residentId: string; level: AccessLevel }> {
    try {
      return { residentId: await this.accounts.residentFromSignInLink(token), level: 'full' };
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.accounts.residentFromManageToken(token);
    }
  }

  private fullSession(token: unknown): { residentId: string } {
    const session = this.accounts.residentFromManageToken(token);
    if (session.level !== 'full') throw new DomainException('FORBIDDEN', 'Sign in with an email link to do this');
    return session;
  }

  private async renderManage(res: Response, status: number, p: ResidentProfile, level: AccessLevel, notice?: string, errors?: FieldErrors): Promise<string> {
    const values: ManageFormValues = {
      wardCode: p.wardCode,
      channels: manageChannels(p, level),
      topics: p.topics,
      interestGroups: p.interestGroups,
      quietStart: p.quietStart ?? '',
      quietEnd: p.quietEnd ?? '',
      firstName: p.firstName ?? undefined,
      lastName: p.lastName ?? undefined,
      email: p.email ?? undefined,
      phone: p.phone ?? undefined,
      postcode: p.postcode ?? undefined,
      ageBand: p.demographics.ageBand ?? undefined,
      ethnicity: p.demographics.ethnicity ?? undefined,
      language: p.demographics.language ?? undefined,
    };
    const token = this.links.manageToken(p.id, level);
    this.language.useStored(res, p.demographics.language);
    return this.managePage(res, status, { level, token, values, unsubscribed: p.status === 'unsubscribed', notice }, errors);
  }

  private async managePage(
    res: Response,
    status: number,
    p: { level: ManageLevel; token: string; values: ManageFormValues; unsubscribed: boolean; notice?: string },
    errors: FieldErrors = {},
  ): Promise<string> {
    const v = p.values;
    return this.pages.render(
      res,
      status,
      'manage.njk',
      {
        level: p.level,
        token: p.token,
        unsubscribed: p.unsubscribed,
        notice: p.notice ?? null,
        values: { ...v, channels: v.channels.map((c) => ({ ...c, priorityItems: selectItems('minPriority', c.minPriority) })) },
        wards: await this.wards(),
        topicItems: checkboxItems('topic', v.topics, 'topics'),
        interestItems: checkboxItems('interestSelf', v.interestGroups, 'interestGroups'),
        ageBandItems: selectItems('ageBand', v.ageBand, 'Not given'),
        languageItems: languageItems(this.config.languages, v.language),
        ethnicityItems: selectItems('ethnicity', v.ethnicity, 'Not given'),
      },
      errors,
      MANAGE_ORDER,
    );
  }

  private async signUpPage(res: Response, status: number, values: SignUpFormValues, errors: FieldErrors = {}): Promise<string> {
    return this.pages.render(
      res,
      status,
      'signup.njk',
      {
        values,
        wards: await this.wards(),
        channelItems: checkboxItems('channel', values.channels, 'channels'),
        topicItems: checkboxItems('topic', values.topics, 'topics'),
        interestItems: checkboxItems('interestSelf', values.interestGroups, 'interestGroups'),
        ageBandItems: selectItems('ageBand', values.ageBand, 'Not given'),
        languageItems: languageItems(this.config.languages, values.language),
        ethnicityItems: selectItems('ethnicity', values.ethnicity, 'Not given'),
      },
      errors,
      SIGNUP_ORDER,
    );
  }

  /** The SMS code form. With a known (already normalised) phone it is a hidden field. */
  private smsCodePage(res: Response, status: number, phone: string | undefined, errors: FieldErrors = {}, notice?: string): string {
    return this.pages.render(res, status, 'sms-code.njk', { phone: phone ?? '', phoneIsKnown: !!phone && !errors.phone, notice: notice ?? null }, errors);
  }

  private signInPage(res: Response, status: number, email = '', errors: FieldErrors = {}, notice?: string, next?: SignInDestination): string {
    return this.pages.render(res, status, 'sign-in.njk', { email, notice: notice ?? null, next: next ?? null }, errors);
  }

  private unsubscribePage(res: Response, token: string, channels: { channel: Channel; enabled: boolean; address: string | null }[]): string {
    const on = channels.filter((c) => c.enabled);
    if (!on.length) return this.pages.message(res, 200, k('unsubscribe.doneTitle'), [k('unsubscribe.none')]);
    return this.pages.render(res, 200, 'unsubscribe.njk', { token, channels: on });
  }

  private unsubscribedPage(res: Response, scope: Channel | 'all', stillOn: Channel[]): string {
    return this.pages.render(res, 200, 'message.njk', ({ t, pageLang }) => {
      const plural = (c: Channel) => (pageLang === 'en' ? labelFor('channelPlural', c) : t(`vocab.channelPlural.${c}`));
      return {
        title: t('unsubscribe.doneTitle'),
        paragraphs: [
          scope === 'all' ? t('unsubscribe.fromAll') : t('unsubscribe.fromChannel', { channels: plural(scope) }),
          stillOn.length ? t('unsubscribe.stillGet', { channels: stillOn.map(plural).join(t('unsubscribe.and')) }) : t('unsubscribe.noMore'),
        ],
        link: { before: `${t('unsubscribe.changedMind')} `, text: t('layout.manage'), href: '/me', after: '.' },
      };
    });
  }

}

/** The channels the manage page offers: both when signed in; those with an address otherwise. */
function manageChannels(p: ResidentProfile, level: AccessLevel) {
  return (CHANNELS as readonly Channel[])
    .map((channel) => {
      const row = p.channels.find((c) => c.channel === channel);
      const raw = channel === 'email' ? p.email : p.phone;
      const address = level === 'full' ? raw : channel === 'email' ? maskEmail(raw) : maskPhone(raw);
      const verified = channel === 'email' ? p.emailVerified : p.phoneVerified;
      return { channel, enabled: row?.enabled ?? false, minPriority: row?.minPriority ?? 'information', address, verified };
    })
    .filter((c) => level === 'full' || c.address);
}

