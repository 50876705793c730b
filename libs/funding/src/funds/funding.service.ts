import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asAtDay, DomainException, notFound } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { BidRepository, type NewBid } from '../bids/bid.repository';
import { formatPounds, percentOf } from '../money';
import { FundRepository, type FundView } from './fund.repository';

// Type aliases (not interfaces) so rows fit toCsv's Record<string, unknown>.
export type PositionFigures = {
  budgetPence: number;
  allocatedPence: number;
  spentPence: number;
  /** budget − spent */
  outstandingPence: number;
  percentSpent: number;
  percentAllocated: number;
  /** Bids submitted by then with no decision yet (not withdrawn). */
  awaitingBids: number;
  /** What those bids ask for. */
  awaitingPence: number;
  /** (allocated + awaiting) / budget: "80 % when all submitted bids are signed off". */
  percentAllocatedIfApproved: number;
};

export type ThemePosition = { theme: string; approvedBids: number; allocatedPence: number; awaitingBids: number; awaitingPence: number };

export interface PositionReport {
  /** Figures as at the end of this day (Europe/London); budgets are today's. */
  asAt: string;
  items: (PositionFigures & { npuCode: string })[];
  totals: PositionFigures;
  /** The year's bids by theme: awarded, and awaiting a decision. */
  byTheme: ThemePosition[];
}

export const POSITION_COLUMNS = [
  'npuCode',
  'budgetPence',
  'allocatedPence',
  'spentPence',
  'outstandingPence',
  'percentSpent',
  'percentAllocated',
  'awaitingBids',
  'awaitingPence',
  'percentAllocatedIfApproved',
];

type FundSums = { budgetPence: number; allocatedPence: number; spentPence: number; awaitingBids: number; awaitingPence: number };

function figures(s: FundSums): PositionFigures {
  return {
    budgetPence: s.budgetPence,
    allocatedPence: s.allocatedPence,
    spentPence: s.spentPence,
    outstandingPence: s.budgetPence - s.spentPence,
    percentSpent: percentOf(s.spentPence, s.budgetPence),
    percentAllocated: percentOf(s.allocatedPence, s.budgetPence),
    awaitingBids: s.awaitingBids,
    awaitingPence: s.awaitingPence,
    percentAllocatedIfApproved: percentOf(s.allocatedPence + s.awaitingPence, s.budgetPence),
  };
}

/** ACF 2019/20 budgets per NPU, in pence (DESIGN.md, reference data). */
export const DEMO_BUDGETS_2019_20: Record<string, number> = {
  BE: 10099600,
  BW: 9444200,
  CV: 8032400,
  DY: 11447500,
  SH: 4213700,
  WV: 7283000,
  SW: 6256200,
  WS: 6003800,
};

type DemoBid = Omit<NewBid, 'financialYear'> & { review?: boolean };

const DEMO_BIDS: DemoBid[] = [
  {
    npuCode: 'BE', applicantName: 'Hodge Hill Youth Boxing Club', applicantType: 'group', contactEmail: 'boxing@example.org',
    title: 'Friday night boxing sessions', summary: 'Free coached sessions for 11-17 year olds on Friday evenings, with mentoring.',
    theme: 'youth_violence', amountRequestedPence: 450000, review: true,
  },
  {
    npuCode: 'BE', applicantName: 'Shard End Residents Association', applicantType: 'group', contactEmail: 'shardend.ra@example.org',
    title: 'Community garden on Packington Avenue', summary: 'Turn a fly-tipping hotspot into a shared garden tended by neighbours.',
    theme: 'community_cohesion', amountRequestedPence: 180000, review: true,
  },
  {
    npuCode: 'BE', applicantName: 'Acocks Green Cycle Watch', applicantType: 'group', contactEmail: 'cyclewatch@example.org',
    title: 'Bike marking days', summary: 'Monthly bike marking and registration at the village green to cut cycle theft.',
    theme: 'crime_prevention', amountRequestedPence: 75000,
  },
  {
    npuCode: 'SW', applicantName: 'Smethwick Neighbourhood Watch', applicantType: 'group', contactEmail: 'smethwick.nw@example.org',
    title: 'Street signs and window stickers', summary: 'Signs and stickers for the six new watch schemes in Smethwick.',
    theme: 'crime_prevention', amountRequestedPence: 120000,
  },
];

/** Funds per NPU and year: budgets, the force-wide position report and the demo data. */
@Injectable()
export class FundingService {
  private readonly logger = new Logger('Funding');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly funds: FundRepository,
    private readonly bids: BidRepository,
    private readonly geography: GeographyService,
  ) {}

  /** Creates the fund or changes its budget; never below what is already allocated (409). */
  async setBudget(npuCode: string, financialYear: string, budgetPence: number): Promise<FundView> {
    if (!(await this.geography.npuExists(npuCode))) throw notFound(`NPU ${npuCode}`);
    const fund = await this.funds.upsertBudget(npuCode, financialYear, budgetPence);
    if (fund) return fund;
    const current = await this.funds.find(npuCode, financialYear);
    throw new DomainException(
      'BUDGET_EXCEEDED',
      `The budget cannot be set to ${formatPounds(budgetPence)}: ${formatPounds(current?.allocatedPence ?? 0)} is already allocated`,
    );
  }

  /** One NPU's fund for the year (budget and allocated), or null when it is not set up. */
  findFund(npuCode: string, financialYear: string): Promise<FundView | null> {
    return this.funds.find(npuCode, financialYear);
  }

  /** The NPUs that have a fund set up for the year (a voting round needs one). */
  npusWithFund(financialYear: string): Promise<string[]> {
    return this.funds.npusWithFund(financialYear);
  }

  /**
   * Every NPU's fund for the year, plus totals, as at the end of `asAt` (default today; 400 for a
   * future day): allocated = awards decided by then, spent = payments paid on or before it,
   * awaiting = bids submitted by then and not yet decided or withdrawn; outstanding = budget − spent.
   * `npuCode` narrows the items and themes to one NPU (totals are then that NPU's).
   */
  async position(financialYear: string, asAt?: string, npuCode?: string): Promise<PositionReport> {
    const day = asAtDay(asAt);
    const [all, byTheme] = await Promise.all([this.funds.position(financialYear, day), this.funds.positionByTheme(financialYear, day, npuCode)]);
    const rows = npuCode ? all.filter((r) => r.npuCode === npuCode) : all;
    const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
    return {
      asAt: day,
      items: rows.map((r) => ({ npuCode: r.npuCode, ...figures(r) })),
      totals: figures({
        budgetPence: sum((r) => r.budgetPence),
        allocatedPence: sum((r) => r.allocatedPence),
        spentPence: sum((r) => r.spentPence),
        awaitingBids: sum((r) => r.awaitingBids),
        awaitingPence: sum((r) => r.awaitingPence),
      }),
      byTheme,
    };
  }

  /**
   * Demo data, idempotent: the ACF 2019/20 budgets of the NPUs that exist, and a few open bids
   * the first time the year has none (decisions are left to the demo staff).
   */
  async seedDemo(): Promise<{ funds: number; bids: number }> {
    const year = '2019-20';
    return this.db.transaction(async (tx) => {
      const funds = await this.funds.insertMissing(year, DEMO_BUDGETS_2019_20, tx);
      if ((await this.bids.countInYear(year, tx)) > 0) return { funds, bids: 0 };
      let bids = 0;
      for (const { review, ...demo } of DEMO_BIDS) {
        if (!(await this.funds.find(demo.npuCode, year, tx))) continue;
        const bid = await this.bids.insert({ ...demo, financialYear: year }, tx);
        if (review) await this.bids.moveStatus(bid.id, ['submitted'], 'under_review', tx);
        bids++;
      }
      if (funds || bids) this.logger.log(`Demo funding loaded: ${funds} funds, ${bids} bids for ${year}`);
      return { funds, bids };
    });
  }
}
