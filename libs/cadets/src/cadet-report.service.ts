import { Injectable } from '@nestjs/common';
import { asAtDay } from '@beacon/core';
import { reportCsv, type CsvHeadings } from '@beacon/web';
import { CadetsRepository } from './cadets.repository';

// Type aliases (not interfaces) so rows are plain records for toCsv.
export type CadetReportRow = { npuCode: string; juniorPcsos: number; cadets: number; total: number };
export type CadetReport = { asAt: string; rows: CadetReportRow[]; totals: Omit<CadetReportRow, 'npuCode'> };

/** Active cadets and Junior PCSOs per NPU. Public: the reports lib builds the SIM pack from it. */
@Injectable()
export class CadetReportService {
  constructor(private readonly repo: CadetsRepository) {}

  /**
   * Every NPU (or one), zeros included, as at the end of `asAt` (default today; 400 for a future
   * day): members who had joined and not yet left then; leaders are not counted.
   */
  async cadetsReport(npuCode?: string, asAt?: string): Promise<CadetReport> {
    const day = asAtDay(asAt);
    const rows = (await this.repo.countsByNpu(npuCode, day)).map((r) => ({ ...r, total: r.juniorPcsos + r.cadets }));
    const sum = (f: (r: CadetReportRow) => number) => rows.reduce((acc, r) => acc + f(r), 0);
    return { asAt: day, rows, totals: { juniorPcsos: sum((r) => r.juniorPcsos), cadets: sum((r) => r.cadets), total: sum((r) => r.total) } };
  }

  /** The report as CSV, its totals as a last line with npuCode TOTAL. */
  /** The report as CSV: for people (headings in words) or, with `keys`, for machines. */
  toCsv(report: CadetReport, headings?: CsvHeadings): string {
    return reportCsv([...report.rows, { npuCode: 'TOTAL', ...report.totals }], { columns: ['npuCode', 'juniorPcsos', 'cadets', 'total'], headings });
  }
}
