import { Injectable } from '@nestjs/common';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import { badRequest, toCsv, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import type { SchemeTargetDto } from './schemes.dto';
import { SchemeReportRepository, type SchemeTarget } from './scheme-report.repository';
import { SchemesRepository } from './schemes.repository';

// Type aliases (not interfaces) so rows are plain records for toCsv.
export type SchemeReportRow = {
  npuCode: string;
  type: string;
  /** Active schemes. */
  current: number;
  /** Distinct active residents in active schemes of this type. */
  members: number;
  /** null when no target is set. */
  target: number | null;
  dueDate: string | null;
  /** max(target − current, 0); null when no target is set. */
  required: number | null;
};

export interface SchemeReport {
  rows: SchemeReportRow[];
  /** members: distinct across all rows (a resident in two schemes counts once); target/required: sums of the set targets. */
  totals: { current: number; members: number; target: number; required: number };
}

/** Who sets an NPU's scheme targets (NPU-bound: their own NPU). */
export const TARGET_SETTER_ROLES: StaffRole[] = ['admin', 'npu_lead'];

const CSV_COLUMNS = ['npuCode', 'type', 'current', 'members', 'target', 'dueDate', 'required'];

/** Schemes against targets, per NPU per type. Public: the reports lib builds the SIM pack from it. */
@Injectable()
export class SchemeReportService {
  constructor(
    private readonly repo: SchemeReportRepository,
    private readonly schemes: SchemesRepository,
    private readonly geography: GeographyService,
  ) {}

  /** Upsert, by TARGET_SETTER_ROLES of that NPU (force-wide admins: any). */
  async setTarget(staff: StaffPrincipal, dto: SchemeTargetDto): Promise<SchemeTarget> {
    assertNpuAccess(staff, dto.npuCode);
    if (!(await this.geography.npuExists(dto.npuCode))) throw badRequest(`npuCode ${dto.npuCode} does not exist`);
    if (!(await this.schemes.typeExists(dto.type))) throw badRequest(`type ${dto.type} is not a scheme type`);
    return this.repo.upsertTarget({ npuCode: dto.npuCode, type: dto.type, target: dto.target, dueDate: dto.dueDate }, `staff:${staff.id}`);
  }

  listTargets(staff: StaffPrincipal, npu?: string): Promise<SchemeTarget[]> {
    return this.repo.listTargets(scopedNpu(staff, npu));
  }

  /** Every NPU (or one) × every scheme type. */
  async schemesReport(npuCode?: string): Promise<SchemeReport> {
    const [counts, members] = await Promise.all([this.repo.countsByNpuAndType(npuCode), this.repo.distinctActiveMembers(npuCode)]);
    const rows = counts.map((r) => ({ ...r, required: r.target === null ? null : Math.max(r.target - r.current, 0) }));
    const sum = (f: (r: SchemeReportRow) => number | null) => rows.reduce((acc, r) => acc + (f(r) ?? 0), 0);
    return {
      rows,
      totals: { current: sum((r) => r.current), members, target: sum((r) => r.target), required: sum((r) => r.required) },
    };
  }

  /** The report as CSV, its totals as a last line with npuCode TOTAL. */
  toCsv(report: SchemeReport): string {
    return toCsv([...report.rows, { npuCode: 'TOTAL', type: null, dueDate: null, ...report.totals }], CSV_COLUMNS);
  }
}
