import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertNpuAccess, StaffService } from '@beacon/auth';
import { AuditService, badRequest, decodeCursor, notFound, toPage, type Page, type StaffPrincipal } from '@beacon/core';
import { CONTACT_MASKED_ROLES, maskEmail } from '@beacon/residents';
import { FundRepository } from '../funds/fund.repository';
import { ApplicantNotifier } from '../notifications/applicant-notifier';
import { ApplicantNotice } from '../notifications/applicant-notifications';
import { assertTransition, invalidTransition, statusesLeadingTo, type BidStatus } from './bid-status';
import { BidRepository, type BidFilter, type BidView, type EvaluationView, type NewBid, type PaymentView } from './bid.repository';
import type { RecordEvaluationDto } from './bid.dto';

export interface BidDetail extends BidView {
  payments: PaymentView[];
  evaluation: EvaluationView | null;
}

/**
 * A bid as this staff member may see it: the roles that see residents' contacts masked
 * (analysts, cadet leaders) see the applicant's e-mail masked the same way.
 */
export function bidForStaff<T extends BidView>(staff: StaffPrincipal, bid: T): T {
  return CONTACT_MASKED_ROLES.includes(staff.role) ? { ...bid, contactEmail: maskEmail(bid.contactEmail) ?? '' } : bid;
}

/** Bids from submission to completion: intake, review, alignment to staff, withdrawal, evaluation. */
@Injectable()
export class BidService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bids: BidRepository,
    private readonly funds: FundRepository,
    private readonly staff: StaffService,
    private readonly notifier: ApplicantNotifier,
    private readonly audit: AuditService,
  ) {}

  /** Public submission: the fund must exist; the applicant's acknowledgement commits with the bid. */
  async submit(input: NewBid): Promise<{ id: string; status: BidStatus }> {
    if (!(await this.funds.find(input.npuCode, input.financialYear))) {
      throw badRequest(`There is no Active Citizens Fund for ${input.npuCode} in ${input.financialYear}`);
    }
    const bid = await this.db.transaction(async (tx) => {
      const created = await this.bids.insert(input, tx);
      await this.notifier.enqueueEmail(ApplicantNotice.submitted, { bidId: created.id }, { manager: tx });
      return created;
    });
    return { id: bid.id, status: bid.status };
  }

  /** The bid, if this staff member's NPU covers it (404, then 403). */
  async findForStaff(staff: StaffPrincipal, id: string): Promise<BidView> {
    const bid = await this.bids.findById(id);
    if (!bid) throw notFound('Bid');
    assertNpuAccess(staff, bid.npuCode);
    return bid;
  }

  async get(staff: StaffPrincipal, id: string): Promise<BidDetail> {
    const bid = await this.findForStaff(staff, id);
    const [payments, evaluation] = await Promise.all([this.bids.listPayments(id), this.bids.findEvaluation(id)]);
    return bidForStaff(staff, { ...bid, payments, evaluation });
  }

  /** `filter.npuCode` must already be scoped to the caller (scopedNpu). */
  async list(staff: StaffPrincipal, filter: BidFilter, cursor: string | undefined, limit = 50): Promise<Page<BidView>> {
    const rows = await this.bids.list(filter, decodeCursor(cursor), limit);
    const page = toPage(rows, limit, (b) => ({ key: b.submittedAt, id: b.id }));
    return { ...page, items: page.items.map((b) => bidForStaff(staff, b)) };
  }

  async review(staff: StaffPrincipal, id: string): Promise<BidView> {
    return bidForStaff(staff, await this.move(staff, id, 'under_review'));
  }

  async withdraw(staff: StaffPrincipal, id: string): Promise<BidView> {
    return bidForStaff(staff, await this.move(staff, id, 'withdrawn'));
  }

  /** Aligns the bid to an active staff member of its own NPU. */
  async assign(staff: StaffPrincipal, id: string, staffId: string): Promise<BidView> {
    const bid = await this.findForStaff(staff, id);
    const assignee = await this.staff.findActive(staffId);
    if (!assignee) throw badRequest('staffId is not an active staff member');
    if (assignee.npuCode !== bid.npuCode) throw badRequest(`staffId must be a staff member of NPU ${bid.npuCode}`);
    const updated = await this.bids.setAlignedStaff(id, staffId);
    if (!updated) throw notFound('Bid');
    return bidForStaff(staff, updated);
  }

  /** The evaluation closes the project: an approved bid becomes completed, once. */
  async evaluate(staff: StaffPrincipal, id: string, dto: RecordEvaluationDto): Promise<EvaluationView & { status: BidStatus }> {
    const bid = await this.findForStaff(staff, id);
    assertTransition(bid.status, 'completed');
    return this.db.transaction(async (tx) => {
      const completed = await this.bids.moveStatus(id, statusesLeadingTo('completed'), 'completed', tx);
      if (!completed) throw invalidTransition(bid.status, 'completed');
      const evaluation = await this.bids.insertEvaluation({ bidId: id, outcome: dto.outcome, notes: dto.notes, evaluatedById: staff.id }, tx);
      await this.audit.recordStaff(staff, 'bid.evaluate', `bid:${id}`, { outcome: dto.outcome, paidPence: completed.paidPence, amountAwardedPence: completed.amountAwardedPence }, tx);
      return { ...evaluation, status: completed.status };
    });
  }

  /** A status change with no money attached; the conditional update settles races. */
  private async move(staff: StaffPrincipal, id: string, to: BidStatus): Promise<BidView> {
    const bid = await this.findForStaff(staff, id);
    assertTransition(bid.status, to);
    const moved = await this.bids.moveStatus(id, statusesLeadingTo(to), to);
    if (!moved) throw invalidTransition(bid.status, to);
    return moved;
  }
}
