import { Injectable } from '@nestjs/common';
import { toCsv } from '@beacon/core';
import { CadetsRepository } from './cadets.repository';

// Type aliases (not interfaces) so rows are plain records for toCsv.
export type CadetReportRow = { npuCode: string; juniorPcsos: number; cadets: number; total: number };
export type CadetReport = { rows: CadetReportRow[]; totals: Omit<CadetReportRow, 'npuCode'> };

/** Active cadets and Junior PCSOs per NPU. Public: the reports lib builds the SIM pack from it. */
@Injectable()
export class CadetReportService {
  constructor(private readonly repo: CadetsRepository) {}

  /** Every NPU (or one), zeros included; members who left and leaders are not counted. */
  async cadetsReport(npuCode?: string): Promise<CadetReport> {
    const rows = (await this.repo.countsByNpu(npuCode)).map((r) => ({ ...r, total: r.juniorPcsos + r.cadets }));
    const sum = (f: (r: CadetReportRow) => number) => rows.reduce((acc, r) => acc + f(r), 0);
    return { rows, totals: { juniorPcsos: sum((r) => r.juniorPcsos), cadets: sum((r) => r.cadets), total: sum((r) => r.total) } };
  }

  /** The report as CSV, its totals as a last line with npuCode TOTAL. */
  toCsv(report: CadetReport): string {
    return toCsv([...report.rows, { npuCode: 'TOTAL', ...report.totals }], ['npuCode', 'juniorPcsos', 'cadets', 'total']);
  }
}
