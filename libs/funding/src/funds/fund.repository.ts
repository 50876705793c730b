import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { endOfLondonDay, rowsOf } from '@beacon/core';
import { penceColumn } from '../money';

export interface FundView {
  npuCode: string;
  financialYear: string;
  budgetPence: number;
  allocatedPence: number;
}

export interface FundPositionRow extends FundView {
  spentPence: number;
  awaitingBids: number;
  awaitingPence: number;
}

export interface ThemePositionRow {
  theme: string;
  approvedBids: number;
  allocatedPence: number;
  awaitingBids: number;
  awaitingPence: number;
}

// As at the end of London day $2: awarded = approved (or since completed) by then; spent = paid on or
// before the day; awaiting = submitted by then with no decision and not withdrawn by then.
const END = endOfLondonDay('$2');
const AWARDED_BY = `b.status IN ('approved', 'completed') AND b.decided_at < ${END}`;
const AWAITING_AT = `b.created_at < ${END} AND NOT (b.decided_at IS NOT NULL AND b.decided_at < ${END}) AND NOT (b.withdrawn_at IS NOT NULL AND b.withdrawn_at < ${END})`;

const FUND_COLUMNS = `npu_code AS "npuCode", financial_year AS "financialYear", ${penceColumn('budget_pence', 'budgetPence')}, ${penceColumn('allocated_pence', 'allocatedPence')}`;

@Injectable()
export class FundRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(npuCode: string, financialYear: string, manager: EntityManager = this.db.manager): Promise<FundView | null> {
    const rows = await manager.query<FundView[]>(`SELECT ${FUND_COLUMNS} FROM fund WHERE npu_code = $1 AND financial_year = $2`, [
      npuCode,
      financialYear,
    ]);
    return rows[0] ?? null;
  }

  /** The NPUs with a fund for the year. */
  async npusWithFund(financialYear: string): Promise<string[]> {
    const rows = await this.db.query<{ npuCode: string }[]>(`SELECT npu_code AS "npuCode" FROM fund WHERE financial_year = $1 ORDER BY npu_code`, [financialYear]);
    return rows.map((r) => r.npuCode);
  }

  /** Creates the fund or sets its budget; null (nothing written) when the budget is below what is already allocated. */
  async upsertBudget(npuCode: string, financialYear: string, budgetPence: number): Promise<FundView | null> {
    const rows = await this.db.query<FundView[]>(
      `INSERT INTO fund (npu_code, financial_year, budget_pence) VALUES ($1, $2, $3)
       ON CONFLICT (npu_code, financial_year) DO UPDATE SET budget_pence = EXCLUDED.budget_pence, updated_at = now()
         WHERE fund.allocated_pence <= EXCLUDED.budget_pence
       RETURNING ${FUND_COLUMNS}`,
      [npuCode, financialYear, budgetPence],
    );
    return rows[0] ?? null;
  }

  /**
   * Adds an award to the fund's allocation only if it still fits the budget. The row lock and
   * the re-checked WHERE make concurrent approvals queue up: the fund is never over-allocated.
   */
  async allocate(npuCode: string, financialYear: string, amountPence: number, manager: EntityManager): Promise<FundView | null> {
    const rows = rowsOf<FundView>(
      await manager.query(
        `UPDATE fund SET allocated_pence = allocated_pence + $3::bigint, updated_at = now()
          WHERE npu_code = $1 AND financial_year = $2 AND allocated_pence + $3::bigint <= budget_pence
         RETURNING ${FUND_COLUMNS}`,
        [npuCode, financialYear, amountPence],
      ),
    );
    return rows[0] ?? null;
  }

  /** Every fund of the year with what its bids have been paid. */
  /**
   * Per fund of the year as at the end of a day: budget (then in force), allocated, spent and awaiting
   * a decision. Sums of bigint are numeric in PostgreSQL: no overflow.
   */
  position(financialYear: string, asAt: string): Promise<FundPositionRow[]> {
    return this.db.query<FundPositionRow[]>(
      `SELECT f.npu_code AS "npuCode", f.financial_year AS "financialYear", ${penceColumn('COALESCE(bud.budget, f.budget_pence)', 'budgetPence')},
              ${penceColumn('COALESCE(a.allocated, 0)', 'allocatedPence')}, ${penceColumn('COALESCE(p.spent, 0)', 'spentPence')},
              COALESCE(a.awaiting_bids, 0)::int AS "awaitingBids", ${penceColumn('COALESCE(a.awaiting, 0)', 'awaitingPence')}
         FROM fund f
         -- The budget in force at the end of the day: the last set by then, or (for a fund set up
         -- after the day, e.g. entered later for a past year) the first it was given.
         LEFT JOIN LATERAL (
           SELECT c.budget_pence AS budget FROM fund_budget_change c
            WHERE c.npu_code = f.npu_code AND c.financial_year = f.financial_year
            ORDER BY c.changed_at < ${END} DESC, CASE WHEN c.changed_at < ${END} THEN c.changed_at END DESC, c.changed_at, c.id DESC LIMIT 1) bud ON true
         LEFT JOIN LATERAL (
           SELECT sum(b.amount_awarded_pence) FILTER (WHERE ${AWARDED_BY}) AS allocated,
                  count(*) FILTER (WHERE ${AWAITING_AT}) AS awaiting_bids,
                  sum(b.amount_requested_pence) FILTER (WHERE ${AWAITING_AT}) AS awaiting
             FROM bid b WHERE b.npu_code = f.npu_code AND b.financial_year = f.financial_year) a ON true
         LEFT JOIN LATERAL (
           SELECT sum(bp.amount_pence) AS spent FROM bid b JOIN bid_payment bp ON bp.bid_id = b.id
            WHERE b.npu_code = f.npu_code AND b.financial_year = f.financial_year AND bp.paid_on <= $2::date) p ON true
        WHERE f.financial_year = $1
        ORDER BY f.npu_code`,
      [financialYear, asAt],
    );
  }

  /** The year's bids by theme as at the end of a day: awarded (count, amount) and awaiting a decision (count, amount requested). */
  positionByTheme(financialYear: string, asAt: string, npuCode?: string): Promise<ThemePositionRow[]> {
    return this.db.query<ThemePositionRow[]>(
      `SELECT b.theme, count(*) FILTER (WHERE ${AWARDED_BY})::int AS "approvedBids",
              ${penceColumn(`COALESCE(sum(b.amount_awarded_pence) FILTER (WHERE ${AWARDED_BY}), 0)`, 'allocatedPence')},
              count(*) FILTER (WHERE ${AWAITING_AT})::int AS "awaitingBids",
              ${penceColumn(`COALESCE(sum(b.amount_requested_pence) FILTER (WHERE ${AWAITING_AT}), 0)`, 'awaitingPence')}
         FROM bid b
        WHERE b.financial_year = $1 AND ($3::varchar IS NULL OR b.npu_code = $3) AND b.created_at < ${END}
        GROUP BY b.theme
       HAVING count(*) FILTER (WHERE ${AWARDED_BY} OR ${AWAITING_AT}) > 0
        ORDER BY b.theme`,
      [financialYear, asAt, npuCode ?? null],
    );
  }

  /** Inserts the budgets of NPUs that exist and have no fund for the year yet; returns how many. */
  async insertMissing(financialYear: string, budgets: Record<string, number>, manager: EntityManager = this.db.manager): Promise<number> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO fund (npu_code, financial_year, budget_pence)
       SELECT n.code, $1, b.budget FROM unnest($2::varchar[], $3::bigint[]) AS b(npu, budget) JOIN npu n ON n.code = b.npu
       ON CONFLICT (npu_code, financial_year) DO NOTHING
       RETURNING npu_code`,
      [financialYear, Object.keys(budgets), Object.values(budgets)],
    );
    return rows.length;
  }
}
