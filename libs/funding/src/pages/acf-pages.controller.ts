import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { DomainException, forbidden, Public, RateLimit } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { ResidentLinksService, ResidentPageLanguage } from '@beacon/residents';
import { CsrfGuard, CsrfService, errorSummary, optionsOf, PageExceptionFilter, seeOther, setPageHeaders, ViewRenderer, type FormError, type PageLanguage } from '@beacon/web';
import { SubmitBidDto } from '../bids/bid.dto';
import { BidService } from '../bids/bid.service';
import { financialYearOf } from '../funds/funding-demo-seed.service';
import { FundingService } from '../funds/funding.service';
import { parsePounds } from '../money';
import { VotingService } from '../voting/voting.service';

const VIEWS = new URL('../views/', import.meta.url);
type FormBody = Record<string, string | string[] | undefined>;
const text = (body: FormBody | undefined, name: string): string => {
  const v = body?.[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
};
const many = (body: FormBody | undefined, name: string): string[] => {
  const v = body?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean).slice(0, 60);
};

const BID_FIELDS = ['npuCode', 'applicantType', 'applicantName', 'contactEmail', 'title', 'summary', 'theme', 'amount'] as const;
type BidForm = Record<(typeof BID_FIELDS)[number], string>;
/** A field's problem: its catalogue key (`bidForm.errors.<property>`), translated when the page is rendered. */
const bidProblem = (property: string): string => `bidForm.errors.${property}`;

/**
 * The public Active Citizens Fund pages: the bid form (anyone; CSRF-protected with libs/web's
 * pre-session double-submit cookie, rate limited as the API's `POST /api/v1/bids`, sharing its
 * bucket) and the resident's ballot (the manage page's signed session token, full level, in the
 * link and a hidden field). The rules are BidService's and VotingService's.
 */
@ApiExcludeController()
@Public()
@UseGuards(CsrfGuard)
@UseFilters(PageExceptionFilter)
@Controller()
export class AcfPagesController {
  constructor(
    private readonly bids: BidService,
    private readonly funds: FundingService,
    private readonly voting: VotingService,
    private readonly geography: GeographyService,
    private readonly links: ResidentLinksService,
    private readonly csrf: CsrfService,
    private readonly views: ViewRenderer,
    private readonly language: ResidentPageLanguage,
  ) {}

  @Get('acf/bid')
  bidForm(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    return this.bidPage(req, res, 200, { npuCode: '', applicantType: '', applicantName: '', contactEmail: '', title: '', summary: '', theme: '', amount: '' }, []);
  }

  @RateLimit({ name: 'bid-submit', windowSeconds: 3600, perIp: 50, perValue: { fields: { contactEmail: 'email' }, limit: 10 } })
  @Post('acf/bid')
  async submitBid(@Req() req: Request, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const v = Object.fromEntries(BID_FIELDS.map((f) => [f, text(body, f)])) as BidForm;
    const pence = parsePounds(v.amount);
    const dto = plainToInstance(SubmitBidDto, {
      npuCode: v.npuCode,
      financialYear: financialYearOf(),
      applicantName: v.applicantName,
      applicantType: v.applicantType,
      contactEmail: v.contactEmail,
      title: v.title,
      summary: v.summary,
      theme: v.theme,
      amountRequestedPence: pence ?? -1,
    });
    const problems = new Set((await validate(dto, { whitelist: true, forbidNonWhitelisted: true })).map((e) => e.property));
    const errors: FormError[] = BID_FIELDS.map((f) => (f === 'amount' ? 'amountRequestedPence' : f))
      .filter((p) => problems.has(p))
      .map((p) => ({ field: p === 'amountRequestedPence' ? 'amount' : p, message: bidProblem(p) }));
    if (!errors.length && !(await this.funds.findFund(dto.npuCode, dto.financialYear))) errors.push({ field: 'npuCode', message: 'bidForm.errors.noFund' });
    if (errors.length) return this.bidPage(req, res, 400, v, errors);
    await this.bids.submit(dto);
    return seeOther(res, '/acf/bid/sent');
  }

  @Get('acf/bid/sent')
  bidSent(@Res({ passthrough: true }) res: Response): string {
    return this.renderTranslated(res, 200, 'acf-message.njk', ({ t }) => ({ title: t('bidForm.sentTitle'), paragraphs: [t('bidForm.sent')] }));
  }

  /**
   * The ballot. Without a session (the link in a message announcing the round is plain
   * `/me/vote`) or with an expired session: the sign-in page, whose e-mailed link lands back here
   * with a full session. A message's preferences-only link is still refused (403).
   */
  @Get('me/vote')
  async ballot(@Req() req: Request, @Query('token') token: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (this.needsSignIn(token)) return seeOther(res, '/me?next=vote');
    const me = await this.voter(token);
    await this.language.use(res, me.residentId);
    return this.ballotPage(req, res, 200, me, [], []);
  }

  @Post('me/vote')
  async vote(@Req() req: Request, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.voter(body?.token);
    await this.language.use(res, me.residentId);
    const chosen = many(body, 'bidIds');
    const round = await this.voting.ballot(me.npuCode, me.year);
    const errors: FormError[] = [];
    if (!chosen.length) errors.push({ field: 'bidIds', message: 'errors.votes.none' });
    else if (chosen.length > round.maxVotesPerResident) errors.push({ field: 'bidIds', message: 'errors.votes.tooMany', values: { count: round.maxVotesPerResident } });
    else if (chosen.some((id) => !round.bids.some((b) => b.id === id))) errors.push({ field: 'bidIds', message: 'errors.votes.list' });
    if (errors.length) return this.ballotPage(req, res, 400, me, chosen, errors);
    await this.voting.vote(me.residentId, me.npuCode, me.year, chosen);
    return seeOther(res, `/me/vote/done?token=${encodeURIComponent(me.token)}`);
  }

  @Get('me/vote/done')
  async voted(@Query('token') token: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.voter(token);
    await this.language.use(res, me.residentId);
    return this.renderTranslated(res, 200, 'acf-message.njk', ({ t }) => ({
      title: t('ballot.votedTitle'),
      paragraphs: [t('ballot.voted')],
      link: { href: `/me?token=${encodeURIComponent(me.token)}`, text: t('layout.backToPreferences') },
    }));
  }

  /** Whether there is a session to check: none (a plain link) or an expired one goes to sign in; a wrong one is refused by voter(). */
  private needsSignIn(token: unknown): boolean {
    if (typeof token !== 'string' || !token) return true;
    try {
      this.links.manageSession(token);
      return false;
    } catch (e) {
      return e instanceof DomainException && e.code === 'GONE';
    }
  }

  /** The resident a full manage session names, and the round they vote in (their NPU, this financial year). */
  private async voter(token: unknown) {
    const { residentId, token: fresh } = this.links.fullSession(token, 'Sign in with an email link to vote');
    const npuCode = await this.voting.voterNpu(residentId);
    if (!npuCode) throw forbidden('Only verified residents can vote');
    return { residentId, npuCode, year: financialYearOf(), token: fresh };
  }

  private async ballotPage(req: Request, res: Response, status: number, me: { npuCode: string; year: string; token: string }, chosen: string[], errors: FormError[]): Promise<string> {
    let round;
    try {
      round = await this.voting.ballot(me.npuCode, me.year);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'NOT_FOUND') throw e;
      return this.renderTranslated(res, 200, 'acf-message.njk', ({ t }) => ({ title: t('ballot.noneTitle'), paragraphs: [t('ballot.none')] }));
    }
    const npu = (await this.geography.listNpus()).find((n) => n.code === me.npuCode);
    const csrfToken = this.csrf.token(req, res);
    return this.renderTranslated(
      res,
      status,
      'ballot.njk',
      ({ t, pageLang }) => ({
        round,
        npuName: npu?.name ?? '',
        token: me.token,
        csrfToken,
        items: round.bids.map((b) => ({
          value: b.id,
          checked: chosen.includes(b.id),
          text: b.title,
          hint: { text: t('ballot.bid', { amount: formatPence(b.amountRequestedPence), theme: pageLang === 'en' ? labelTheme(b.theme) : t(`vocab.bidTheme.${b.theme}`), summary: b.summary }) },
        })),
      }),
      errors,
    );
  }

  private async bidPage(req: Request, res: Response, status: number, v: BidForm, errors: FormError[]): Promise<string> {
    const npus = await this.geography.listNpus();
    const csrfToken = this.csrf.token(req, res);
    // "2026-27" → 2026 to 2027.
    const [from, to] = financialYearOf().split('-');
    return this.renderTranslated(
      res,
      status,
      'bid-form.njk',
      ({ t, tItems }) => ({
        values: v,
        csrfToken,
        year: { from, to: `${from.slice(0, 2)}${to}` },
        npuItems: [{ value: '', text: t('bidForm.chooseNpu'), selected: !v.npuCode }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === v.npuCode }))],
        typeItems: tItems(optionsOf('applicantType', v.applicantType ? [v.applicantType] : []).map((o) => ({ value: o.value, text: o.text, checked: o.value === v.applicantType })), 'applicantType'),
        themeItems: tItems(optionsOf('bidTheme', v.theme ? [v.theme] : []).map((o) => ({ value: o.value, text: o.text, checked: o.value === v.theme })), 'bidTheme'),
      }),
      errors,
    );
  }

  /** The bid form's and the ballot's pages: in the page's language (libs/web renderPage; error keys translated there). */
  private renderTranslated(res: Response, status: number, view: string, context: (language: PageLanguage) => Record<string, unknown>, errors: FormError[] = []): string {
    setPageHeaders(res);
    res.status(status);
    return this.views.renderPage(res, VIEWS, view, (language) => ({ link: null, ...context(language), errors: errorSummary(errors) }));
  }
}

const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const formatPence = (pence: number) => GBP.format(pence / 100);
const labelTheme = (theme: string) => (optionsOf('bidTheme').find((o) => o.value === theme)?.text ?? '').toLowerCase();
