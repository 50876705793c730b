import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Keyset } from '@beacon/core';
import type { ApplicantType, BidTheme, EvaluationOutcome } from '../funding.entity';
import type { BidStatus } from './bid-status';
import { penceColumn } from '../money';

export interface NewBid {
  npuCode: string;
  financialYear: string;
  applicantName: string;
  applicantType: ApplicantType;
  contactEmail: string;
  title: string;
  summary: string;
  theme: BidTheme;
  amountRequestedPence: number;
}

export interface BidView extends NewBid {
  id: string;
  amountAwardedPence: number | null;
  paidPence: number;
  status: BidStatus;
  alignedStaffId: string | null;
  decidedById: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  /** ISO 8601 with microseconds: also the keyset of the list. */
  submittedAt: string;
}

export interface PaymentView {
  id: string;
  bidId: string;
  amountPence: number;
  paidOn: string;
  recordedById: string;
  recordedAt: Date;
}

export interface EvaluationView {
  bidId: string;
  outcome: EvaluationOutcome;
  notes: string;
  evaluatedById: string;
  evaluatedAt: Date;
}

export interface BidFilter {
  npuCode?: string;
  financialYear?: string;
  status?: BidStatus;
}

export interface Decision {
  to: BidStatus;
  from: BidStatus[];
  decidedById: string;
  amountAwardedPence: number | null;
  reason: string | null;
}

const BID_COLUMNS = `b.id, b.npu_code AS "npuCode", b.financial_year AS "financialYear", b.applicant_name AS "applicantName",
  b.applicant_type AS "applicantType", b.contact_email AS "contactEmail", b.title, b.summary, b.theme,
  ${penceColumn('b.amount_requested_pence', 'amountRequestedPence')}, ${penceColumn('b.amount_awarded_pence', 'amountAwardedPence')}, ${penceColumn('b.paid_pence', 'paidPence')},
  b.status, b.aligned_staff_id AS "alignedStaffId", b.decided_by_id AS "decidedById", b.decided_at AS "decidedAt",
  b.decision_reason AS "decisionReason", to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "submittedAt"`;

const PAYMENT_COLUMNS = `id, bid_id AS "bidId", ${penceColumn('amount_pence', 'amountPence')}, paid_on::text AS "paidOn", recorded_by_id AS "recordedById", created_at AS "recordedAt"`;

// TypeORM's query() gives [rows, rowCount] for UPDATE (also with RETURNING), rows for SELECT and INSERT.
@Injectable()
export class BidRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(bid: NewBid, manager: EntityManager = this.db.manager): Promise<BidView> {
    const rows = await manager.query<BidView[]>(
      `INSERT INTO bid AS b (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${BID_COLUMNS}`,
      [bid.npuCode, bid.financialYear, bid.applicantName, bid.applicantType, bid.contactEmail, bid.title, bid.summary, bid.theme, bid.amountRequestedPence],
    );
    return rows[0];
  }

  async findById(id: string): Promise<BidView | null> {
    const rows = await this.db.query<BidView[]>(`SELECT ${BID_COLUMNS} FROM bid b WHERE b.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first, keyset on (submittedAt, id); fetches limit + 1 rows for toPage. */
  list(filter: BidFilter, after: Keyset | undefined, limit: number): Promise<BidView[]> {
    return this.db.query<BidView[]>(
      `SELECT ${BID_COLUMNS} FROM bid b
        WHERE ($1::varchar IS NULL OR b.npu_code = $1)
          AND ($2::varchar IS NULL OR b.financial_year = $2)
          AND ($3::varchar IS NULL OR b.status = $3)
          AND ($4::timestamptz IS NULL OR (b.created_at, b.id) < ($4::timestamptz, $5::uuid))
        ORDER BY b.created_at DESC, b.id DESC
        LIMIT $6`,
      [filter.npuCode ?? null, filter.financialYear ?? null, filter.status ?? null, after?.key ?? null, after?.id ?? null, limit + 1],
    );
  }

  /** Moves the bid only if it is still in one of `from` (so concurrent requests cannot both move it). */
  async moveStatus(id: string, from: BidStatus[], to: BidStatus, manager: EntityManager = this.db.manager): Promise<BidView | null> {
    const [rows] = await manager.query<[BidView[], number]>(
      `UPDATE bid AS b SET status = $3::varchar, updated_at = now(), withdrawn_at = CASE WHEN $3::varchar = 'withdrawn' THEN now() ELSE withdrawn_at END
        WHERE b.id = $1 AND b.status = ANY($2::varchar[]) RETURNING ${BID_COLUMNS}`,
      [id, from, to],
    );
    return rows[0] ?? null;
  }

  /** Records an approval or rejection, only if the bid is still in one of `from`. */
  async decide(id: string, d: Decision, manager: EntityManager): Promise<BidView | null> {
    const [rows] = await manager.query<[BidView[], number]>(
      `UPDATE bid AS b SET status = $3, decided_by_id = $4, decided_at = now(), amount_awarded_pence = $5, decision_reason = $6, updated_at = now()
        WHERE b.id = $1 AND b.status = ANY($2::varchar[]) RETURNING ${BID_COLUMNS}`,
      [id, d.from, d.to, d.decidedById, d.amountAwardedPence, d.reason],
    );
    return rows[0] ?? null;
  }

  async setAlignedStaff(id: string, staffId: string): Promise<BidView | null> {
    const [rows] = await this.db.query<[BidView[], number]>(
      `UPDATE bid AS b SET aligned_staff_id = $2, updated_at = now() WHERE b.id = $1 RETURNING ${BID_COLUMNS}`,
      [id, staffId],
    );
    return rows[0] ?? null;
  }

  /**
   * Adds a payment to the bid's paid total only if the bid is awarded and the total stays within
   * the award; the row lock queues concurrent payments, so the award is never overpaid.
   */
  async addPaid(id: string, from: readonly BidStatus[], amountPence: number, manager: EntityManager): Promise<BidView | null> {
    const [rows] = await manager.query<[BidView[], number]>(
      `UPDATE bid AS b SET paid_pence = paid_pence + $3::bigint, updated_at = now()
        WHERE b.id = $1 AND b.status = ANY($2::varchar[]) AND b.paid_pence + $3::bigint <= b.amount_awarded_pence
       RETURNING ${BID_COLUMNS}`,
      [id, from, amountPence],
    );
    return rows[0] ?? null;
  }

  async insertPayment(
    p: { bidId: string; amountPence: number; paidOn: string; recordedById: string },
    manager: EntityManager,
  ): Promise<PaymentView> {
    const rows = await manager.query<PaymentView[]>(
      `INSERT INTO bid_payment (bid_id, amount_pence, paid_on, recorded_by_id) VALUES ($1, $2, $3, $4) RETURNING ${PAYMENT_COLUMNS}`,
      [p.bidId, p.amountPence, p.paidOn, p.recordedById],
    );
    return rows[0];
  }

  listPayments(bidId: string): Promise<PaymentView[]> {
    return this.db.query<PaymentView[]>(`SELECT ${PAYMENT_COLUMNS} FROM bid_payment WHERE bid_id = $1 ORDER BY paid_on, created_at`, [bidId]);
  }

  async insertEvaluation(e: { bidId: string; outcome: EvaluationOutcome; notes: string; evaluatedById: string }, manager: EntityManager): Promise<EvaluationView> {
    const rows = await manager.query<EvaluationView[]>(
      `INSERT INTO bid_evaluation (bid_id, outcome, notes, evaluated_by_id) VALUES ($1, $2, $3, $4)
       RETURNING bid_id AS "bidId", outcome, notes, evaluated_by_id AS "evaluatedById", created_at AS "evaluatedAt"`,
      [e.bidId, e.outcome, e.notes, e.evaluatedById],
    );
    return rows[0];
  }

  async findEvaluation(bidId: string): Promise<EvaluationView | null> {
    const rows = await this.db.query<EvaluationView[]>(
      `SELECT bid_id AS "bidId", outcome, notes, evaluated_by_id AS "evaluatedById", created_at AS "evaluatedAt" FROM bid_evaluation WHERE bid_id = $1`,
      [bidId],
    );
    return rows[0] ?? null;
  }

  async countInYear(financialYear: string, manager: EntityManager = this.db.manager): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>('SELECT count(*)::int AS n FROM bid WHERE financial_year = $1', [financialYear]);
    return row.n;
  }
}
