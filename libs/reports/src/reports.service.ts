import { Injectable } from '@nestjs/common';
import { scopedNpu } from '@beacon/auth';
import { asAtDay, assertNpuAccess, badRequest, InjectConfig, londonDay, JobHandler, JobName, type AppConfig, type ReplicaStaleness, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { CadetReportService } from '@beacon/cadets';
import { FundingService } from '@beacon/funding';
import { SchemeReportService } from '@beacon/schemes';
import { receivedLanguage } from '@beacon/messaging';
import { SurveyConfidenceService } from '@beacon/surveys';
import { barChart, lineChart } from './charts';
import { addMonths, currentMonth, financialYearOf, monthEndDay, monthRange, type MonthRange } from './report-period';
import { ReportsRepository, type CategoryCount, type MessageGrouping } from './reports.repository';

export interface RepresentationRow extends CategoryCount {
  subscriberSharePercent: number | null;
  /** Subscriber share minus population share, in percentage points (negative: under-represented). */
  gapPoints: number | null;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly funding: FundingService,
    private readonly schemes: SchemeReportService,
    private readonly cadets: CadetReportService,
    private readonly confidence: SurveyConfidenceService,
    private readonly geography: GeographyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Sign-ups per group and month over `from`/`to`, the 12 months up to `month`, or up to `asAt`
   * (its month the last, counted to the end of that day; a past day's figures never move).
   */
  async signups(staff: StaffPrincipal, q: { npu?: string; area?: string; from?: string; to?: string; month?: string; asAt?: string; groupBy?: 'npu' | 'ward' | 'force' }) {
    const { range, asAt } = signupPeriod(q);
    return this.repo.signups(range, q.groupBy ?? 'npu', scopedNpu(staff, q.npu) ?? null, await this.areaWards(staff, q.area), asAt);
  }

  /**
   * Today's reach, or subscribers at the end of a past `month`, or of the day `asAt`; `area`
   * narrows it to an area's wards.
   */
  async reach(staff: StaffPrincipal, q: { npu?: string; area?: string; month?: string; asAt?: string }) {
    const day = stockDay(q);
    const wards = await this.areaWards(staff, q.area);
    if (day === null) return this.repo.reach(scopedNpu(staff, q.npu) ?? null, null, wards);
    // a month's end from the monthly aggregates alone; a day within a month counts its month to that day
    return this.repo.reach(scopedNpu(staff, q.npu) ?? null, day.slice(0, 7), wards, q.asAt !== undefined ? day : null);
  }

  /** An area's wards (null: no area named); unknown is a 400, another NPU's area a 403. */
  private async areaWards(staff: StaffPrincipal, areaId?: string): Promise<string[] | null> {
    if (!areaId) return null;
    const [area] = await this.geography.wardsOfAreas([areaId]);
    if (!area) throw badRequest(`area: unknown area ${areaId}`);
    assertNpuAccess(staff, area.npuCode);
    return area.wardCodes;
  }

  /** Today's profile, or (with a past `month`) subscribers at the end of that month; `area` narrows it to an area's wards. */
  async representation(staff: StaffPrincipal, q: { npu?: string; area?: string; month?: string }): Promise<RepresentationRow[]> {
    const day = q.month === undefined ? null : monthEndDay(q.month);
    const past = q.month !== undefined && q.month < currentMonth() ? day : null;
    const rows = await this.repo.representation(scopedNpu(staff, q.npu) ?? null, past, await this.areaWards(staff, q.area));
    // Shares among residents who stated a value, so "not stated" does not dilute the comparison.
    const stated = new Map<string, number>();
    for (const r of rows) if (r.category !== 'not_stated') stated.set(r.dimension, (stated.get(r.dimension) ?? 0) + r.subscribers);
    return rows.map((r) => {
      const total = stated.get(r.dimension) ?? 0;
      const share = r.category === 'not_stated' || !total ? null : round1((r.subscribers * 100) / total);
      return { ...r, subscriberSharePercent: share, gapPoints: share !== null && r.populationSharePercent !== null ? round1(share - r.populationSharePercent) : null };
    });
  }

  attribution(staff: StaffPrincipal, q: { npu?: string; from?: string; to?: string }) {
    return this.repo.attribution(monthRange(q.from, q.to), scopedNpu(staff, q.npu) ?? null);
  }

  /** Sign-ups staff took (door knock, street, event) per officer and per team over the range. */
  async assisted(staff: StaffPrincipal, q: { npu?: string; from?: string; to?: string }) {
    const range = monthRange(q.from, q.to);
    const npu = scopedNpu(staff, q.npu) ?? null;
    return { npuCode: npu ?? 'FORCE', from: range.from.slice(0, 7), to: range.to.slice(0, 7), ...(await this.repo.assisted(range, npu)) };
  }

  messages(staff: StaffPrincipal, q: { npu?: string; from?: string; to?: string; groupBy?: MessageGrouping }) {
    return this.repo.messages(monthRange(q.from, q.to), q.groupBy ?? 'npu', scopedNpu(staff, q.npu) ?? null);
  }

  /** Recipients of the range's messages by the language they got them in (a translation, or English), most first. */
  async recipientsByLanguage(range: { from: string; to: string }, npuCode: string | null): Promise<{ language: string; recipients: number }[]> {
    const totals = new Map<string, number>();
    for (const row of await this.repo.recipientsByLanguage(range, npuCode)) {
      const language = receivedLanguage(row.language, row.translated, this.config.languages);
      totals.set(language, (totals.get(language) ?? 0) + row.recipients);
    }
    return [...totals].map(([language, recipients]) => ({ language, recipients })).sort((a, b) => b.recipients - a.recipients || a.language.localeCompare(b.language));
  }

  /** Ratings of the range's messages and since launch, force-wide or for one NPU. */
  async ratings(staff: StaffPrincipal, q: { npu?: string; from?: string; to?: string }) {
    const range = monthRange(q.from, q.to);
    const npu = scopedNpu(staff, q.npu) ?? null;
    const [summary, byTeam] = await Promise.all([this.repo.ratingSummary(range, npu), this.repo.messages(range, 'team', npu)]);
    return { npuCode: npu ?? 'FORCE', from: range.from.slice(0, 7), to: range.to.slice(0, 7), ...summary, byTeam };
  }

  /** The ACF position of the month's financial year as at the month's end (today for the current month). */
  async acf(staff: StaffPrincipal, q: { npu?: string; month?: string }) {
    const npu = scopedNpu(staff, q.npu);
    const month = q.month ?? currentMonth();
    const year = financialYearOf(month);
    const position = await this.funding.position(year, monthEndDay(month), npu);
    return { financialYear: year, asAt: position.asAt, items: position.items, totals: npu ? undefined : position.totals, byTheme: position.byTheme };
  }

  /** The monthly Service Improvement Meeting pack for one NPU. */
  async sim(staff: StaffPrincipal, q: { npu?: string; month?: string }) {
    const npu = scopedNpu(staff, q.npu) ?? staff.npuCode;
    if (!npu) return this.simFor(staff, q.npu ?? 'FORCE', q.month);
    return this.simFor(staff, npu, q.month);
  }

  /** Every section uses the month: flows over it (or the 12 months to it), stocks as at its last day. */
  private async simFor(staff: StaffPrincipal, npu: string, month = currentMonth()) {
    // Read before the figures: they are at least as fresh as the heartbeat seen here.
    const staleness = await this.repo.staleness();
    const asAt = monthEndDay(month);
    const scope = npu === 'FORCE' ? undefined : npu;
    const from = addMonths(month, -11);
    const [growth, total, wards, reach, representation, attribution, messages, authors, acf, schemes, cadets, confidenceTrend, lastRefreshedAt] = await Promise.all([
      this.signups(staff, { npu: scope, from, to: month, groupBy: 'npu' }),
      this.signups(staff, { npu: scope, from, to: month, groupBy: 'force' }),
      this.signups(staff, { npu: scope, from: month, to: month, groupBy: 'ward' }),
      this.reach(staff, { npu: scope, month }),
      this.representation(staff, { npu: scope, month }),
      this.attribution(staff, { npu: scope, from: month, to: month }),
      this.messages(staff, { npu: scope, from, to: month, groupBy: 'npu' }),
      this.messages(staff, { npu: scope, from: month, to: month, groupBy: 'author' }),
      this.acf(staff, { npu: scope, month }),
      this.schemes.schemesReport(scope, asAt),
      this.cadets.cadetsReport(scope, asAt),
      this.confidence.trend(scope ?? null, from, month),
      this.repo.lastRefreshedAt(),
    ]);
    const [ratings, byLanguage] = await Promise.all([this.repo.ratingSummary(monthRange(month, month), scope ?? null), this.recipientsByLanguage(monthRange(month, month), scope ?? null)]);
    return {
      npuCode: npu,
      month,
      asAt,
      lastRefreshedAt,
      staleness,
      signups: { growth, total, byWard: wards },
      reach,
      representation,
      attribution,
      messages: { byMonth: messages, byAuthor: authors, byLanguage },
      ratings,
      acf,
      schemes,
      cadets,
      // The month's figure is the last of the area's trend.
      confidence: confidenceTrend.months[confidenceTrend.months.length - 1],
      confidenceTrend,
    };
  }

  /** How stale the report figures may be: null when they are read from the primary (live). */
  staleness(): Promise<ReplicaStaleness | null> {
    return this.repo.staleness();
  }

  /** When the pre-aggregated sign-up and subscriber figures were last recomputed (null: never yet). */
  lastRefreshedAt(): Promise<Date | null> {
    return this.repo.lastRefreshedAt();
  }

  /** The sign-ups report's cumulative figures for the same period parameters, as lines. */
  async growthChart(staff: StaffPrincipal, q: { npu?: string; area?: string; from?: string; to?: string; month?: string; asAt?: string; groupBy?: 'npu' | 'ward' | 'force' }): Promise<string> {
    const rows = await this.signups(staff, q);
    const byGroup = new Map<string, { x: string; y: number }[]>();
    for (const r of rows) (byGroup.get(r.group) ?? byGroup.set(r.group, []).get(r.group)!).push({ x: r.month, y: r.cumulative });
    return lineChart('Subscribers (cumulative)', [...byGroup].map(([name, points]) => ({ name, points })));
  }

  /** The reach report's 20 lowest wards for the same period parameters (`month`, `asAt`), as bars. */
  async reachChart(staff: StaffPrincipal, q: { npu?: string; area?: string; month?: string; asAt?: string }): Promise<string> {
    const rows = (await this.reach(staff, q)).filter((r) => r.per1000 !== null).slice(0, 20);
    return barChart('Lowest reach: subscribers per 1,000 residents', rows.map((r) => ({ label: `${r.wardName} (${r.npuCode})`, value: r.per1000! })));
  }
}

/** Demo census shares (approximate 2021 Census figures, rounded) for representation reports. */
export const DEMO_POPULATION_SHARES: { areaCode: string; dimension: string; category: string; sharePercent: number }[] = [
  ...Object.entries({
    FORCE: { white: 70.1, asian: 17.9, black: 5.9, mixed: 3.7, other: 2.4 },
    BE: { white: 48.6, asian: 31.0, black: 11.0, mixed: 4.8, other: 4.6 },
    BW: { white: 48.6, asian: 31.0, black: 11.0, mixed: 4.8, other: 4.6 },
    SW: { white: 64.7, asian: 22.8, black: 6.6, mixed: 3.6, other: 2.3 },
  }).flatMap(([areaCode, shares]) => Object.entries(shares).map(([category, sharePercent]) => ({ areaCode, dimension: 'ethnicity', category, sharePercent }))),
  ...Object.entries({ '16-24': 14, '25-34': 17, '35-44': 16, '45-54': 16, '55-64': 14, '65-74': 12, '75+': 11 }).map(([category, sharePercent]) => ({
    areaCode: 'FORCE',
    dimension: 'age_band',
    category,
    sharePercent,
  })),
];

/** What one refresh recomputed: the keys and messages the writes since the last one touched. */
export interface AggregateRefresh {
  /** The sign-up/leaver figures were recomputed from scratch (first run, or asked for). */
  full: boolean;
  /** (ward, month) sign-up/leaver keys recomputed. */
  monthKeys: number;
  /** Wards whose subscriber profile was recomputed. */
  wards: number;
  /** Messages whose ratings and replies were re-totalled. */
  messages: number;
  /** Messages whose engagement totals changed. */
  changedMessages: number;
}

/**
 * Keeps the report aggregates current (every 5 minutes; also callable on demand), incrementally:
 * only what was written since the last refresh is recomputed.
 */
@Injectable()
export class ReportAggregatesService {
  constructor(
    private readonly repo: ReportsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Returns how many messages' engagement totals changed. */
  @JobHandler(JobName.RefreshReportAggregates)
  async refresh(): Promise<number> {
    return (await this.refreshCounted()).changedMessages;
  }

  /** The refresh, with what it recomputed (`full`: the sign-up figures from scratch). */
  async refreshCounted(opts: { full?: boolean } = {}): Promise<AggregateRefresh> {
    const residents = await this.repo.refreshResidentStats(opts);
    const messages = await this.repo.refreshMessageEngagement(this.config.messaging.ratingLinkTtlDays + 7);
    return { ...residents, messages: messages.messages, changedMessages: messages.changed };
  }
}

@Injectable()
export class ReportsSeedService {
  constructor(private readonly repo: ReportsRepository) {}
  seedDemo(): Promise<void> {
    return this.repo.upsertShares(DEMO_POPULATION_SHARES);
  }

  /** After the demo is loaded: every aggregate recomputed at once (all messages, however old), so reports show it straight away. */
  async refreshAfterDemo(): Promise<void> {
    await this.repo.refreshResidentStats({ full: true });
    await this.repo.refreshMessageEngagement(4 * 366);
  }
}

/** The sign-ups report's months: `from`/`to`, the 12 months up to `month`, or up to `asAt`'s month (that month counted to the end of the day). */
export function signupPeriod(q: { from?: string; to?: string; month?: string; asAt?: string }, now = new Date()): { range: MonthRange; asAt: string | null } {
  if (q.month !== undefined && (q.from !== undefined || q.to !== undefined)) throw badRequest('give either month or from/to');
  if (q.asAt !== undefined && (q.month !== undefined || q.to !== undefined)) throw badRequest('asAt ends the period: give it instead of month or to');
  if (q.asAt !== undefined) {
    const day = asAtDay(q.asAt, now);
    const to = day.slice(0, 7);
    // the current day has not ended: today's figures are today's (the aggregates), not as at a day
    return { range: monthRange(q.from ?? addMonths(to, -11), to, now), asAt: day < londonDay(now) ? day : null };
  }
  if (q.month !== undefined) {
    monthEndDay(q.month, now); // 400 for a future month
    return { range: monthRange(addMonths(q.month, -11), q.month, now), asAt: null };
  }
  return { range: monthRange(q.from, q.to, now), asAt: null };
}

/** The day a stock (reach) is as at: `asAt`, a past `month`'s last day, or null for today. */
function stockDay(q: { month?: string; asAt?: string }, now = new Date()): string | null {
  if (q.asAt !== undefined && q.month !== undefined) throw badRequest('give either month or asAt');
  if (q.asAt !== undefined) {
    const day = asAtDay(q.asAt, now);
    return day < londonDay(now) ? day : null;
  }
  if (q.month === undefined) return null;
  monthEndDay(q.month, now); // 400 for a future month
  return q.month < currentMonth(now) ? monthEndDay(q.month, now) : null;
}
