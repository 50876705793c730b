import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffService } from '@beacon/auth';
import { badRequest, canAccessNpu, DomainException, scopedNpu, StaffPage, UuidParam } from '@beacon/core';
import {
  BID_ASSIGNERS,
  BID_CASEWORKERS,
  BID_DECIDERS,
  BID_STATUSES,
  BidDecisionService,
  BidService,
  EVALUATION_OUTCOMES,
  FUND_POSITION_READERS,
  FundingService,
  financialYearOf,
  isFinancialYear,
  parsePounds,
  type BidStatus,
  type EvaluationOutcome,
} from '@beacon/funding';
import { GeographyService } from '@beacon/geography';
import { CsrfGuard, errorSummary, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';
import { dateInputItems, dateParts, londonToday, readDateInput } from './date-input';

const NOTICES: Record<string, string> = {
  budget: 'The budget is saved.',
  review: 'The bid is now under review.',
  assigned: 'The bid is assigned.',
  approved: 'The bid is approved and the award is allocated from the fund.',
  rejected: 'The bid is rejected. The applicant will get an email.',
  withdrawn: 'The bid is withdrawn.',
  payment: 'The payment is recorded.',
  evaluation: 'The evaluation is recorded and the bid is completed.',
};
const FIRST_YEAR = 2019;
const pounds = (pence: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(pence / 100);
/** "2019-20" → "2019 to 2020". */
export const yearText = (year: string) => `${year.slice(0, 4)} to ${Number(year.slice(0, 4)) + 1}`;

/** The financial years a person may choose: 2019-20 up to next year. */
export function yearOptions(selected: string) {
  const last = Number(financialYearOf().slice(0, 4)) + 1;
  const years: string[] = [];
  for (let y = last; y >= FIRST_YEAR; y--) years.push(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
  return years.map((y) => ({ value: y, text: yearText(y), selected: y === selected }));
}

interface BidPageState {
  errors: FormError[];
  status?: number;
  notice?: string | null;
  values?: Record<string, string>;
}

/** The Active Citizens Fund: the fund position, budgets (force-wide admins), bids from review to evaluation. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/acf')
export class ConsoleAcfController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly funding: FundingService,
    private readonly bids: BidService,
    private readonly decisions: BidDecisionService,
    private readonly geography: GeographyService,
    private readonly staffService: StaffService,
  ) {}

  @Get()
  async overview(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('year') year?: string, @Query('status') status?: string, @Query('done') done?: string) {
    return this.overviewPage(req, res, { year, filter: status, notice: NOTICES[done ?? ''] ?? null, errors: [] });
  }

  /** The force shares the fund out between NPUs: force-wide admins only, as the API. */
  @StaffPage({ roles: ['admin'], forceWide: true })
  @Post('budgets')
  async setBudget(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const year = field(body, 'year');
    const npuCode = field(body, 'npuCode');
    const budget = field(body, 'budget');
    const values = { npuCode, budget };
    if (!isFinancialYear(year)) throw badRequest('Choose a financial year');
    const errors: FormError[] = [];
    if (!(await this.geography.npuExists(npuCode))) errors.push({ field: 'npuCode', message: 'Choose the NPU' });
    const pence = parsePounds(budget);
    if (pence === null) errors.push({ field: 'budget', message: 'Enter the budget in pounds, like 10,000 or 10,000.50' });
    if (errors.length) return this.overviewPage(req, res, { year, errors, values });
    try {
      await this.funding.setBudget(npuCode, year, pence!);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'BUDGET_EXCEEDED') throw e;
      return this.overviewPage(req, res, { year, errors: [{ field: 'budget', message: e.message }], values, httpStatus: 409 });
    }
    return res.redirect(303, `/console/acf?year=${year}&done=budget`);
  }

  @Get('bids/:id')
  async bid(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    return this.bidPage(req, res, id, { errors: [], notice: NOTICES[done ?? ''] ?? null });
  }

  @StaffPage({ roles: BID_CASEWORKERS })
  @Post('bids/:id/review')
  async review(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'review', () => this.bids.review(me(req), id));
  }

  @StaffPage({ roles: BID_CASEWORKERS })
  @Post('bids/:id/withdraw')
  async withdraw(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'withdrawn', () => this.bids.withdraw(me(req), id));
  }

  @StaffPage({ roles: BID_ASSIGNERS })
  @Post('bids/:id/assign')
  async assign(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const staffId = field(body, 'staffId');
    if (!/^[0-9a-f-]{36}$/i.test(staffId)) return this.bidPage(req, res, id, { errors: [{ field: 'staffId', message: 'Choose who looks after the bid' }] });
    return this.act(req, res, id, 'assigned', () => this.bids.assign(me(req), id, staffId), 'staffId', { staffId }, { VALIDATION: 'Choose an active colleague of the bid’s NPU' });
  }

  /** Awarding less than asked needs a reason (the applicant reads it); the fund must cover the award. */
  @StaffPage({ roles: BID_DECIDERS })
  @Post('bids/:id/approve')
  async approve(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const amount = field(body, 'amount');
    const reason = field(body, 'approveReason');
    const values = { amount, approveReason: reason };
    const bid = await this.bids.findForStaff(me(req), id);
    const pence = parsePounds(amount);
    const errors: FormError[] = [];
    if (pence === null || pence < 1 || pence > bid.amountRequestedPence) {
      errors.push({ field: 'amount', message: `Enter an amount between £0.01 and ${pounds(bid.amountRequestedPence)}` });
    } else if (pence < bid.amountRequestedPence && !reason) {
      errors.push({ field: 'approveReason', message: 'Enter why the award is less than the amount asked for' });
    }
    if (reason.length > 1000) errors.push({ field: 'approveReason', message: 'The reason must be 1,000 characters or fewer' });
    if (errors.length) return this.bidPage(req, res, id, { errors, values });
    return this.act(req, res, id, 'approved', () => this.decisions.approve(me(req), id, pence!, reason || null), 'amount', values, {
      BUDGET_EXCEEDED: async () => {
        const fund = await this.funding.findFund(bid.npuCode, bid.financialYear);
        return `Awarding ${pounds(pence!)} is more than the fund has left to allocate (${pounds(fund ? fund.budgetPence - fund.allocatedPence : 0)})`;
      },
    });
  }

  @StaffPage({ roles: BID_DECIDERS })
  @Post('bids/:id/reject')
  async reject(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const reason = field(body, 'rejectReason');
    if (!reason || reason.length > 1000) {
      return this.bidPage(req, res, id, { errors: [{ field: 'rejectReason', message: reason ? 'The reason must be 1,000 characters or fewer' : 'Enter the reason for rejecting the bid' }], values: { rejectReason: reason } });
    }
    return this.act(req, res, id, 'rejected', () => this.decisions.reject(me(req), id, reason), 'rejectReason');
  }

  @StaffPage({ roles: BID_DECIDERS })
  @Post('bids/:id/payments')
  async payment(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const amount = field(body, 'paymentAmount');
    const paidOn = readDateInput(body, 'paidOn');
    const values = { paymentAmount: amount, 'paidOn-day': paidOn.day, 'paidOn-month': paidOn.month, 'paidOn-year': paidOn.year };
    const pence = parsePounds(amount);
    const errors: FormError[] = [];
    if (pence === null || pence < 1) errors.push({ field: 'paymentAmount', message: 'Enter the amount paid in pounds, like 250 or 1,250.50' });
    if (!paidOn.date) errors.push({ field: 'paidOn-day', message: 'Enter the date of the payment, like 30 11 2019' });
    else if (paidOn.date > londonToday()) errors.push({ field: 'paidOn-day', message: 'The date of the payment must be today or in the past' });
    if (errors.length) return this.bidPage(req, res, id, { errors, values });
    return this.act(req, res, id, 'payment', () => this.decisions.recordPayment(me(req), id, pence!, paidOn.date!), 'paymentAmount', values);
  }

  @StaffPage({ roles: BID_CASEWORKERS })
  @Post('bids/:id/evaluation')
  async evaluate(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const outcome = field(body, 'outcome');
    const notes = field(body, 'notes');
    const errors: FormError[] = [];
    if (!(EVALUATION_OUTCOMES as readonly string[]).includes(outcome)) errors.push({ field: 'outcome', message: 'Choose whether the project achieved what it set out to do' });
    if (!notes) errors.push({ field: 'notes', message: 'Enter what the project did' });
    else if (notes.length > 5000) errors.push({ field: 'notes', message: 'The notes must be 5,000 characters or fewer' });
    if (errors.length) return this.bidPage(req, res, id, { errors, values: { outcome, notes } });
    return this.act(req, res, id, 'evaluation', () => this.bids.evaluate(me(req), id, { outcome: outcome as EvaluationOutcome, notes }), 'outcome', { outcome, notes });
  }

  /**
   * Runs one decision; a domain refusal (a status moved on, the money does not fit) comes back on
   * the form, in the console's words (the API's messages name fields and codes).
   */
  private async act(req: Request, res: Response, id: string, done: string, run: () => Promise<unknown>, fieldId = 'actions', values: Record<string, string> = {}, words: Partial<Record<string, string | (() => Promise<string>)>> = {}) {
    try {
      await run();
    } catch (e) {
      if (!(e instanceof DomainException) || !['BUDGET_EXCEEDED', 'INVALID_TRANSITION', 'CONFLICT', 'VALIDATION'].includes(e.code)) throw e;
      const word = words[e.code];
      const message = (typeof word === 'function' ? await word() : word) ?? (e.code === 'BUDGET_EXCEEDED' ? e.message : 'The bid has moved on since you opened it: look at its status and try again');
      return this.bidPage(req, res, id, { errors: [{ field: fieldId, message }], values, status: e.code === 'VALIDATION' ? 400 : 409 });
    }
    return res.redirect(303, `/console/acf/bids/${id}?done=${done}`);
  }

  private async overviewPage(req: Request, res: Response, o: { year?: string; filter?: string; notice?: string | null; errors: FormError[]; values?: Record<string, string>; httpStatus?: number }) {
    const staff = me(req);
    const year = o.year && isFinancialYear(o.year) ? o.year : financialYearOf();
    const chosenStatus = (BID_STATUSES as readonly string[]).includes(o.filter ?? '') ? (o.filter as BidStatus) : undefined;
    const [npus, page] = await Promise.all([this.geography.listNpus(), this.bids.list(staff, { npuCode: scopedNpu(staff), financialYear: year, status: chosenStatus }, undefined, 200)]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    const position = FUND_POSITION_READERS.includes(staff.role) ? await this.funding.position(year) : null;
    const row = (name: string, f: { budgetPence: number; allocatedPence: number; spentPence: number; outstandingPence: number }) => ({
      name,
      budget: f.budgetPence,
      allocated: f.allocatedPence,
      left: f.budgetPence - f.allocatedPence,
      spent: f.spentPence,
      outstanding: f.outstandingPence,
    });
    const admin = staff.role === 'admin' && staff.npuCode === null;
    // A voting round belongs to a fund: link only the NPUs (of this member of staff) that have one this year.
    const funded = new Set(await this.funding.npusWithFund(year));
    const votingNpus = npus.filter((n) => funded.has(n.code) && canAccessNpu(staff, n.code));
    if (o.errors.length) res.status(o.httpStatus ?? 400);
    return this.pages.render(req, res, 'acf.njk', 'acf', {
      year,
      yearName: yearText(year),
      yearOptions: yearOptions(year),
      statusOptions: [{ value: '', text: 'All bids', selected: !chosenStatus }, ...optionsOf('bidStatus', chosenStatus)],
      position: position && {
        rows: position.items.map((r) => row(npuName.get(r.npuCode) ?? 'Another NPU', r)),
        totals: row('All NPUs', position.totals),
      },
      bids: page.items.map((b) => ({ ...b, npuName: npuName.get(b.npuCode) ?? 'Another NPU' })),
      moreBids: !!page.nextCursor,
      votingLinks: votingNpus.map((n) => ({ text: n.name, href: `/console/acf/voting/${n.code}/${year}` })),
      budgetForm: admin
        ? {
            npuOptions: [{ value: '', text: 'Choose an NPU' }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === o.values?.npuCode }))],
            budget: o.values?.budget ?? '',
          }
        : null,
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
    });
  }

  private async bidPage(req: Request, res: Response, id: string, o: BidPageState) {
    const staff = me(req);
    const bid = await this.bids.get(staff, id);
    const [npus, colleagues, fund] = await Promise.all([
      this.geography.listNpus(),
      BID_ASSIGNERS.includes(staff.role) ? this.staffService.list(bid.npuCode) : Promise.resolve([]),
      BID_DECIDERS.includes(staff.role) ? this.funding.findFund(bid.npuCode, bid.financialYear) : Promise.resolve(null),
    ]);
    const staffName = new Map((await this.staffService.list()).map((s) => [s.id, s.name]));
    const v = o.values ?? {};
    const can = (roles: readonly string[], statuses: readonly BidStatus[]) => roles.includes(staff.role) && statuses.includes(bid.status);
    const paidOn = v['paidOn-day'] !== undefined ? { day: v['paidOn-day'], month: v['paidOn-month'], year: v['paidOn-year'] } : dateParts(londonToday());
    if (o.errors.length) res.status(o.status ?? 400);
    return this.pages.render(req, res, 'acf-bid.njk', 'acf', {
      bid: {
        ...bid,
        npuName: npus.find((n) => n.code === bid.npuCode)?.name ?? 'Another NPU',
        yearName: yearText(bid.financialYear),
        alignedName: bid.alignedStaffId ? (staffName.get(bid.alignedStaffId) ?? 'A former colleague') : null,
        decidedByName: bid.decidedById ? (staffName.get(bid.decidedById) ?? 'A former colleague') : null,
        awarded: bid.amountAwardedPence !== null,
        leftToPayPence: bid.amountAwardedPence === null ? null : bid.amountAwardedPence - bid.paidPence,
        payments: bid.payments.map((p) => ({ ...p, recordedByName: staffName.get(p.recordedById) ?? 'A former colleague' })),
        evaluation: bid.evaluation && { ...bid.evaluation, evaluatedByName: staffName.get(bid.evaluation.evaluatedById) ?? 'A former colleague' },
      },
      fund: fund && { budget: fund.budgetPence, allocated: fund.allocatedPence, left: fund.budgetPence - fund.allocatedPence },
      actions: {
        review: can(BID_CASEWORKERS, ['submitted']),
        withdraw: can(BID_CASEWORKERS, ['submitted', 'under_review']),
        decide: can(BID_DECIDERS, ['under_review']),
        pay: can(BID_DECIDERS, ['approved', 'completed']) && (bid.amountAwardedPence ?? 0) > bid.paidPence,
        evaluate: can(BID_CASEWORKERS, ['approved']),
        assign: BID_ASSIGNERS.includes(staff.role) && !['rejected', 'withdrawn'].includes(bid.status),
      },
      staffOptions: [
        { value: '', text: 'Choose a colleague' },
        ...colleagues.map((c) => ({ value: c.id, text: c.name, selected: c.id === (v.staffId ?? bid.alignedStaffId) })),
      ],
      values: {
        amount: v.amount ?? (bid.amountRequestedPence / 100).toFixed(2),
        approveReason: v.approveReason ?? '',
        rejectReason: v.rejectReason ?? '',
        paymentAmount: v.paymentAmount ?? '',
        notes: v.notes ?? '',
      },
      paidOnItems: dateInputItems(paidOn, !!o.errors.find((e) => e.field === 'paidOn-day')),
      outcomeOptions: optionsOf('evaluationOutcome', v.outcome),
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
      backLink: { href: `/console/acf?year=${bid.financialYear}`, text: `Active Citizens Fund, ${yearText(bid.financialYear)}` },
    });
  }
}

