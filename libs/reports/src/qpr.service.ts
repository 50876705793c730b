import { Injectable } from '@nestjs/common';
import { scopedNpu } from '@beacon/auth';
import type { StaffPrincipal } from '@beacon/core';
import { CadetReportService } from '@beacon/cadets';
import { FundingService } from '@beacon/funding';
import { SchemeReportService } from '@beacon/schemes';
import { financialYearOf, monthRange } from './report-period';
import { quarterOf, shiftQuarter, type Quarter } from './quarter';
import { ReportsRepository } from './reports.repository';

export const QPR_FIGURES = [
  'newSignups',
  'leavers',
  'netSignups',
  'subscribers',
  'messagesSent',
  'ratings',
  'averageRating',
  'schemes',
  'schemeMembers',
  'cadets',
  'acfAllocatedPence',
  'acfSpentPence',
] as const;
export type QprFigureName = (typeof QPR_FIGURES)[number];

type PeriodFigures = Record<QprFigureName, number | null>;
type PeriodTargets = Partial<Record<QprFigureName, number | null>>;

export interface QprFigure {
  figure: QprFigureName;
  current: number | null;
  previousQuarter: number | null;
  sameQuarterLastYear: number | null;
  /** The target in force at the end of the quarter (scheme and member targets, the ACF budget); null when none. */
  target: number | null;
  /** current − target; null without a target. */
  againstTarget: number | null;
  /** current as a whole percent of target; null without a (non-zero) target. */
  percentOfTarget: number | null;
}

export interface QprPack {
  npuCode: string;
  quarter: string;
  periods: { current: Quarter; previousQuarter: Quarter; sameQuarterLastYear: Quarter };
  figures: QprFigure[];
  lastRefreshedAt: Date | null;
}

/**
 * The quarterly performance review: a quarter's figures beside the previous quarter and the same
 * quarter a year before, each against its target. Flows (sign-ups, messages, ratings) are over the
 * quarter's months; stocks (subscribers, schemes, members, cadets, ACF) as at its last day, so a
 * past quarter gives the same pack whenever it is run.
 */
@Injectable()
export class QprService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly funding: FundingService,
    private readonly schemes: SchemeReportService,
    private readonly cadets: CadetReportService,
  ) {}

  async pack(staff: StaffPrincipal, q: { quarter: string; npu?: string }): Promise<QprPack> {
    const npu = scopedNpu(staff, q.npu);
    const current = quarterOf(q.quarter);
    const previousQuarter = quarterOf(shiftQuarter(q.quarter, -1));
    const sameQuarterLastYear = quarterOf(shiftQuarter(q.quarter, -4));
    const [now, prev, lastYear, lastRefreshedAt] = await Promise.all([
      this.period(current, npu),
      this.period(previousQuarter, npu),
      this.period(sameQuarterLastYear, npu),
      this.repo.lastRefreshedAt(),
    ]);
    const figures = QPR_FIGURES.map((figure): QprFigure => {
      const value = now.figures[figure];
      const target = now.targets[figure] ?? null;
      return {
        figure,
        current: value,
        previousQuarter: prev.figures[figure],
        sameQuarterLastYear: lastYear.figures[figure],
        target,
        againstTarget: target === null || value === null ? null : value - target,
        percentOfTarget: target === null || value === null || target === 0 ? null : Math.round((value * 100) / target),
      };
    });
    return { npuCode: npu ?? 'FORCE', quarter: q.quarter, periods: { current, previousQuarter, sameQuarterLastYear }, figures, lastRefreshedAt };
  }

  private async period(p: Quarter, npu: string | undefined): Promise<{ figures: PeriodFigures; targets: PeriodTargets }> {
    const range = monthRange(p.from, p.to);
    const [signups, ratings, schemes, cadets, acf] = await Promise.all([
      this.repo.signups(range, 'force', npu ?? null),
      this.repo.ratingSummary(range, npu ?? null),
      this.schemes.schemesReport(npu, p.asAt),
      this.cadets.cadetsReport(npu, p.asAt),
      this.funding.position(financialYearOf(p.to), p.asAt, npu),
    ]);
    const newSignups = signups.reduce((n, r) => n + r.newSignups, 0);
    const leavers = signups.reduce((n, r) => n + r.leavers, 0);
    const anyTarget = schemes.rows.some((r) => r.target !== null);
    const anyMemberTarget = schemes.rows.some((r) => r.memberTarget !== null);
    return {
      figures: {
        newSignups,
        leavers,
        netSignups: newSignups - leavers,
        subscribers: signups.at(-1)?.cumulative ?? 0,
        messagesSent: ratings.inRange.messages,
        ratings: ratings.inRange.ratings,
        averageRating: ratings.inRange.averageRating,
        schemes: schemes.totals.current,
        schemeMembers: schemes.totals.members,
        cadets: cadets.totals.total,
        acfAllocatedPence: acf.totals.allocatedPence,
        acfSpentPence: acf.totals.spentPence,
      },
      targets: {
        schemes: anyTarget ? schemes.totals.target : null,
        schemeMembers: anyMemberTarget ? schemes.totals.memberTarget : null,
        acfAllocatedPence: acf.items.length ? acf.totals.budgetPence : null,
        acfSpentPence: acf.items.length ? acf.totals.budgetPence : null,
      },
    };
  }
}
