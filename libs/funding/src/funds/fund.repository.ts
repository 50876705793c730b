import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import { penceColumn } from '../money';

export interface FundView {
  npuCode: string;
  financialYear: string;
  budgetPence: number;
  allocatedPence: number;
}

export interface FundPositionRow extends FundView {
  spentPence: number;
}

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
  position(financialYear: string): Promise<FundPositionRow[]> {
    // Sums of bigint are numeric in PostgreSQL: no overflow; spent <= allocated <= budget per fund.
    return this.db.query<FundPositionRow[]>(
      `SELECT f.npu_code AS "npuCode", f.financial_year AS "financialYear", ${penceColumn('f.budget_pence', 'budgetPence')},
              ${penceColumn('f.allocated_pence', 'allocatedPence')}, ${penceColumn('COALESCE(sum(b.paid_pence), 0)', 'spentPence')}
         FROM fund f
         LEFT JOIN bid b ON b.npu_code = f.npu_code AND b.financial_year = f.financial_year
        WHERE f.financial_year = $1
        GROUP BY f.npu_code, f.financial_year
        ORDER BY f.npu_code`,
      [financialYear],
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
