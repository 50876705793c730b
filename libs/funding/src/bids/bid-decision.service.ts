import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, badRequest, conflict, DomainException, londonDay, type StaffPrincipal } from '@beacon/core';
import { FundRepository } from '../funds/fund.repository';
import { formatPounds } from '../money';
import { ApplicantNotifier } from '../notifications/applicant-notifier';
import { ApplicantNotice } from '../notifications/applicant-notifications';
import { assertTransition, AWARDED_BID_STATUSES, invalidTransition, statusesLeadingTo } from './bid-status';
import { BidRepository, type BidView, type PaymentView } from './bid.repository';
import { BidService } from './bid.service';

/** Decisions that move money: approval against the fund's budget, rejection, payments against the award. */
@Injectable()
export class BidDecisionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bids: BidRepository,
    private readonly funds: FundRepository,
    private readonly bidService: BidService,
    private readonly notifier: ApplicantNotifier,
    private readonly audit: AuditService,
  ) {}

  /**
   * One transaction: the bid moves under_review → approved, the award is added to the fund's
   * allocation only if it fits (else 409 BUDGET_EXCEEDED and nothing is written), the decision
   * is audited with its amounts and the applicant's e-mail is enqueued. `reason` (why less than
   * asked, say) is kept as the decision's reason.
   */
  async approve(staff: StaffPrincipal, id: string, amountAwardedPence: number, reason: string | null = null): Promise<BidView> {
    const bid = await this.bidService.findForStaff(staff, id);
    if (amountAwardedPence > bid.amountRequestedPence) {
      throw badRequest(`amountAwardedPence must not exceed the ${bid.amountRequestedPence} pence requested`);
    }
    assertTransition(bid.status, 'approved');
    return this.db.transaction(async (tx) => {
      // Bid row first, then fund row: the same lock order as every other writer.
      const approved = await this.bids.decide(
        id,
        { from: statusesLeadingTo('approved'), to: 'approved', decidedById: staff.id, amountAwardedPence, reason: reason || null },
        tx,
      );
      if (!approved) throw invalidTransition(bid.status, 'approved');
      const fund = await this.funds.allocate(bid.npuCode, bid.financialYear, amountAwardedPence, tx);
      if (!fund) {
        const current = await this.funds.find(bid.npuCode, bid.financialYear, tx);
        const left = current ? current.budgetPence - current.allocatedPence : 0;
        throw new DomainException(
          'BUDGET_EXCEEDED',
          `Awarding ${formatPounds(amountAwardedPence)} would exceed the ${bid.npuCode} ${bid.financialYear} budget: ${formatPounds(left)} is left`,
        );
      }
      await this.audit.recordStaff(
        staff,
        'bid.approve',
        `bid:${id}`,
        {
          npuCode: bid.npuCode,
          financialYear: bid.financialYear,
          amountRequestedPence: bid.amountRequestedPence,
          amountAwardedPence,
          fundBudgetPence: fund.budgetPence,
          fundAllocatedPence: fund.allocatedPence,
        },
        tx,
      );
      await this.notifier.enqueueEmail(ApplicantNotice.approved, { bidId: approved.id }, { manager: tx });
      return approved;
    });
  }

  async reject(staff: StaffPrincipal, id: string, reason: string): Promise<BidView> {
    const bid = await this.bidService.findForStaff(staff, id);
    assertTransition(bid.status, 'rejected');
    return this.db.transaction(async (tx) => {
      const rejected = await this.bids.decide(
        id,
        { from: statusesLeadingTo('rejected'), to: 'rejected', decidedById: staff.id, amountAwardedPence: null, reason },
        tx,
      );
      if (!rejected) throw invalidTransition(bid.status, 'rejected');
      await this.audit.recordStaff(staff, 'bid.reject', `bid:${id}`, { npuCode: bid.npuCode, financialYear: bid.financialYear, reason }, tx);
      await this.notifier.enqueueEmail(ApplicantNotice.rejected, { bidId: rejected.id }, { manager: tx });
      return rejected;
    });
  }

  /** A payment against an approved or completed bid, made by today; the total paid never exceeds the award (409). */
  async recordPayment(staff: StaffPrincipal, id: string, amountPence: number, paidOn: string): Promise<PaymentView & { paidPence: number; amountAwardedPence: number }> {
    const bid = await this.bidService.findForStaff(staff, id);
    // today in England: a payment cannot be dated after it
    if (paidOn > londonDay()) throw badRequest('paidOn is in the future: record a payment once it has been made');
    if (!AWARDED_BID_STATUSES.includes(bid.status)) throw conflict(`Payments are recorded only against approved or completed bids; this bid is ${bid.status}`);
    return this.db.transaction(async (tx) => {
      const paid = await this.bids.addPaid(id, AWARDED_BID_STATUSES, amountPence, tx);
      if (!paid) {
        const current = await this.bids.findById(id);
        const left = (current?.amountAwardedPence ?? 0) - (current?.paidPence ?? 0);
        throw new DomainException('BUDGET_EXCEEDED', `Paying ${formatPounds(amountPence)} would exceed the award: ${formatPounds(left)} is left to pay`);
      }
      const payment = await this.bids.insertPayment({ bidId: id, amountPence, paidOn, recordedById: staff.id }, tx);
      const amountAwardedPence = paid.amountAwardedPence!;
      await this.audit.recordStaff(
        staff,
        'bid.payment',
        `bid:${id}`,
        { paymentId: payment.id, amountPence, paidOn, paidPence: paid.paidPence, amountAwardedPence },
        tx,
      );
      return { ...payment, paidPence: paid.paidPence, amountAwardedPence };
    });
  }
}
