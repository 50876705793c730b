import { Injectable } from '@nestjs/common';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import { asAtDay, badRequest, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { reportCsv, type CsvHeadings } from '@beacon/web';
import { GeographyService } from '@beacon/geography';
import type { SchemeTargetDto } from './schemes.dto';
import { SchemeReportRepository, type SchemeTarget } from './scheme-report.repository';
import { SchemesRepository } from './schemes.repository';

// Type aliases (not interfaces) so rows are plain records for toCsv.
export type SchemeReportRow = {
  npuCode: string;
  type: string;
  /** Schemes open at the end of the day. */
  current: number;
  /** Distinct members of those schemes (subscribed to messages or not). */
  members: number;
  /** The scheme target in force that day; null when none was set. */
  target: number | null;
  dueDate: string | null;
  /** max(target − current, 0); null when no target is set. */
  required: number | null;
  /** The member target in force; null when none was set. */
  memberTarget: number | null;
  /** max(memberTarget − members, 0); null when no member target is set. */
  membersRequired: number | null;
};

export interface SchemeReport {
  /** The day the figures are as at (end of that day, Europe/London). */
  asAt: string;
  rows: SchemeReportRow[];
  /** members: distinct across all rows (a resident in two schemes counts once); targets and required: sums of the set targets. */
  totals: { current: number; members: number; target: number; required: number; memberTarget: number; membersRequired: number };
}

/** Who sets an NPU's scheme targets (NPU-bound: their own NPU). */
export const TARGET_SETTER_ROLES: StaffRole[] = ['admin', 'npu_lead'];

const CSV_COLUMNS = ['npuCode', 'type', 'current', 'members', 'target', 'dueDate', 'required', 'memberTarget', 'membersRequired'];

/** Schemes against targets, per NPU per type, as at any past day. Public: the reports lib builds the SIM pack and QPR from it. */
@Injectable()
export class SchemeReportService {
  constructor(
    private readonly repo: SchemeReportRepository,
    private readonly schemes: SchemesRepository,
    private readonly geography: GeographyService,
  ) {}

  /** Upsert per NPU × type × due date, by TARGET_SETTER_ROLES of that NPU (force-wide admins: any). */
  async setTarget(staff: StaffPrincipal, dto: SchemeTargetDto): Promise<SchemeTarget> {
    assertNpuAccess(staff, dto.npuCode);
    const setOn = asAtDay(dto.setOn, new Date(), 'setOn');
    if (!(await this.geography.npuExists(dto.npuCode))) throw badRequest(`npuCode ${dto.npuCode} does not exist`);
    if (!(await this.schemes.typeExists(dto.type))) throw badRequest(`type ${dto.type} is not a scheme type`);
    return this.repo.upsertTarget(
      { npuCode: dto.npuCode, type: dto.type, target: dto.target, memberTarget: dto.memberTarget ?? null, dueDate: dto.dueDate, setOn },
      `staff:${staff.id}`,
    );
  }

  listTargets(staff: StaffPrincipal, npu?: string): Promise<SchemeTarget[]> {
    return this.repo.listTargets(scopedNpu(staff, npu));
  }

  /** Every NPU (or one) × every scheme type, as at the end of `asAt` (default today; 400 for a future day). */
  async schemesReport(npuCode?: string, asAt?: string): Promise<SchemeReport> {
    const day = asAtDay(asAt);
    const [counts, members] = await Promise.all([this.repo.countsByNpuAndType(npuCode, day), this.repo.distinctMembers(npuCode, day)]);
    const gap = (target: number | null, have: number) => (target === null ? null : Math.max(target - have, 0));
    const rows: SchemeReportRow[] = counts.map((r) => ({
      npuCode: r.npuCode,
      type: r.type,
      current: r.current,
      members: r.members,
      target: r.target,
      dueDate: r.dueDate,
      required: gap(r.target, r.current),
      memberTarget: r.memberTarget,
      membersRequired: gap(r.memberTarget, r.members),
    }));
    const sum = (f: (r: SchemeReportRow) => number | null) => rows.reduce((acc, r) => acc + (f(r) ?? 0), 0);
    return {
      asAt: day,
      rows,
      totals: {
        current: sum((r) => r.current),
        members,
        target: sum((r) => r.target),
        required: sum((r) => r.required),
        memberTarget: sum((r) => r.memberTarget),
        membersRequired: sum((r) => r.membersRequired),
      },
    };
  }

  /** The report as CSV, its totals as a last line with npuCode TOTAL. */
  /** The report as CSV: for people (headings and scheme types in words) or, with `keys`, for machines. */
  toCsv(report: SchemeReport, headings?: CsvHeadings): string {
    return reportCsv([...report.rows, { npuCode: 'TOTAL', type: null, dueDate: null, ...report.totals }], { columns: CSV_COLUMNS, headings });
  }
}
