import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, InjectConfig, notFound, StaffPage, type AppConfig } from '@beacon/core';
import { BidService, FundingService, isFinancialYear, OPEN_BID_STATUSES, VOTING_ROUND_SETTERS, VotingService } from '@beacon/funding';
import { GeographyService } from '@beacon/geography';
import { CsrfGuard, errorSummary, type FormError } from '@beacon/web';
import { yearText } from './acf.controller';
import { ConsoleExceptionFilter, ConsolePages, field, fields, me } from './console-pages';
import { dateToUkLocal, ukLocalToDate } from './message-form';

interface RoundForm {
  opensAt: string;
  closesAt: string;
  maxVotes: string;
  bidIds: string[];
}

/** An NPU's participatory-budgeting round: set it (until it opens), follow the results. */
@ApiExcludeController()
@StaffPage({ npuFrom: ['params.npuCode'] })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/acf/voting/:npuCode/:year')
export class ConsoleAcfVotingController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly voting: VotingService,
    private readonly bids: BidService,
    private readonly funding: FundingService,
    private readonly geography: GeographyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('npuCode') npuCode: string, @Param('year') year: string, @Query('done') done?: string) {
    return this.page(req, res, npuCode, year, { errors: [], notice: done === 'set' ? 'The voting round is saved.' : null });
  }

  @StaffPage({ roles: VOTING_ROUND_SETTERS, npuFrom: ['params.npuCode'] })
  @Post()
  async set(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('npuCode') npuCode: string, @Param('year') year: string, @Body() body: unknown) {
    const values: RoundForm = { opensAt: field(body, 'opensAt'), closesAt: field(body, 'closesAt'), maxVotes: field(body, 'maxVotes'), bidIds: fields(body, 'bidIds') };
    const opensAt = ukLocalToDate(values.opensAt);
    const closesAt = ukLocalToDate(values.closesAt);
    const k = /^\d{1,2}$/.test(values.maxVotes) ? Number(values.maxVotes) : NaN;
    const errors: FormError[] = [];
    if (!opensAt) errors.push({ field: 'opensAt', message: 'Enter when voting opens' });
    if (!closesAt) errors.push({ field: 'closesAt', message: 'Enter when voting closes' });
    else if (closesAt.getTime() <= Date.now()) errors.push({ field: 'closesAt', message: 'Voting must close in the future' });
    else if (opensAt && closesAt <= opensAt) errors.push({ field: 'closesAt', message: 'Voting must close after it opens' });
    if (!values.bidIds.length || values.bidIds.some((id) => !/^[0-9a-f-]{36}$/i.test(id))) errors.push({ field: 'bidIds', message: 'Choose the bids on the ballot' });
    if (!(k >= 1 && k <= 50)) errors.push({ field: 'maxVotes', message: 'Enter how many bids each resident may vote for, from 1 to 50' });
    else if (values.bidIds.length && k > values.bidIds.length) errors.push({ field: 'maxVotes', message: 'Each resident cannot have more votes than there are bids on the ballot' });
    if (errors.length) return this.page(req, res, npuCode, year, { errors, values });
    try {
      await this.voting.setRound(npuCode, year, { opensAt: opensAt!, closesAt: closesAt!, maxVotesPerResident: k, bidIds: values.bidIds });
    } catch (e) {
      if (!(e instanceof DomainException) || !['CONFLICT', 'VALIDATION'].includes(e.code)) throw e;
      const message = e.code === 'CONFLICT' && /opened/.test(e.message) ? 'Voting has opened: the round can no longer be changed' : 'Only bids of this fund that are still open can be on the ballot';
      return this.page(req, res, npuCode, year, { errors: [{ field: 'bidIds', message }], values, status: e.code === 'CONFLICT' ? 409 : 400 });
    }
    return res.redirect(303, `/console/acf/voting/${npuCode}/${year}?done=set`);
  }

  private async page(req: Request, res: Response, npuCode: string, year: string, o: { errors: FormError[]; notice?: string | null; values?: RoundForm; status?: number }) {
    const staff = me(req);
    const npu = (await this.geography.listNpus()).find((n) => n.code === npuCode);
    if (!npu || !isFinancialYear(year)) throw notFound('Voting round');
    const fund = await this.funding.findFund(npuCode, year);
    if (!fund) throw notFound(`An Active Citizens Fund for ${npu.name} in ${yearText(year)}`);
    const round = await this.voting.ballot(npuCode, year).catch((e: unknown) => (e instanceof DomainException && e.code === 'NOT_FOUND' ? null : Promise.reject(e)));
    const results = round ? await this.voting.results(npuCode, year) : null;
    const editable = VOTING_ROUND_SETTERS.includes(staff.role) && (!round || round.state === 'scheduled');
    const open = editable ? (await this.bids.list(staff, { npuCode, financialYear: year }, undefined, 200)).items.filter((b) => OPEN_BID_STATUSES.includes(b.status)) : [];
    const values: RoundForm = o.values ?? {
      opensAt: round ? dateToUkLocal(round.opensAt) : '',
      closesAt: round ? dateToUkLocal(round.closesAt) : '',
      maxVotes: round ? String(round.maxVotesPerResident) : '',
      bidIds: round ? round.bids.map((b) => b.id) : [],
    };
    if (o.errors.length) res.status(o.status ?? 400);
    return this.pages.render(req, res, 'acf-voting.njk', 'acf', {
      npuName: npu.name,
      yearName: yearText(year),
      action: `/console/acf/voting/${npuCode}/${year}`,
      round,
      results,
      editable,
      values,
      bidOptions: open.map((b) => ({ value: b.id, text: b.title, hint: { text: `${b.applicantName}, asking for ${new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(b.amountRequestedPence / 100)}` }, checked: values.bidIds.includes(b.id) })),
      // The link for the message announcing the round: a resident signs in with their e-mail address and lands on their ballot.
      ballotUrl: `${this.config.http.publicUrl}/me/vote`,
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
      backLink: { href: `/console/acf?year=${year}`, text: `Active Citizens Fund, ${yearText(year)}` },
    });
  }
}
