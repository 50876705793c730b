import { barChart, lineChart } from '@beacon/reports';
import { labelFor, monthName } from '@beacon/web';

/** One column of a report table: its heading (also the CSV header) and how its values read. */
export interface ReportColumn {
  key: string;
  text: string;
  kind?: 'text' | 'number' | 'pounds' | 'percent';
}

/** A section of the SIM pack: a table of labelled values (never codes), its CSV and its chart. */
export interface ReportSection {
  id: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, string | number | null>[];
  /** Rows shown after the table's body (totals). */
  totals?: Record<string, string | number | null>;
  chart?: () => string;
  note?: string;
}

type SimPack = Awaited<ReturnType<import('@beacon/reports').ReportsService['sim']>>;

export interface Names {
  npu: (code: string) => string;
  ward: (code: string) => string;
  schemeType: (code: string) => string;
  strict: boolean;
}

const shortMonth = (m: string) => monthName(m).replace(/^(\w{3})\w* /, '$1 ');

/** The SIM pack's sections in the order the meeting reads them. */
export function simSections(pack: SimPack, names: Names): ReportSection[] {
  const label = (vocabulary: string, code: unknown) => labelFor(vocabulary, code, names.strict);
  // The attribution report says 'unknown' for a resident with no recorded source.
  const source = (code: string) => (code === 'unknown' ? 'Not recorded' : label('signupSource', code));
  const growth = pack.signups.growth;
  const sections: ReportSection[] = [
    {
      id: 'growth',
      title: 'Sign-ups over 12 months',
      columns: [
        { key: 'month', text: 'Month' },
        { key: 'area', text: 'Area' },
        { key: 'newSignups', text: 'New sign-ups', kind: 'number' },
        { key: 'leavers', text: 'Leavers', kind: 'number' },
        { key: 'net', text: 'Net change', kind: 'number' },
        { key: 'cumulative', text: 'Subscribers', kind: 'number' },
      ],
      rows: growth.map((r) => ({ month: monthName(r.month), area: names.npu(r.group), newSignups: r.newSignups, leavers: r.leavers, net: r.net, cumulative: r.cumulative })),
      chart: () => {
        const byGroup = new Map<string, { x: string; y: number }[]>();
        for (const r of growth) (byGroup.get(r.group) ?? byGroup.set(r.group, []).get(r.group)!).push({ x: r.month, y: r.cumulative });
        return lineChart('Subscribers over 12 months', [...byGroup].map(([g, points]) => ({ name: names.npu(g), points })), { xLabel: shortMonth });
      },
    },
    {
      id: 'wards',
      title: `Sign-ups by ward in ${monthName(pack.month)}`,
      columns: [
        { key: 'ward', text: 'Ward' },
        { key: 'newSignups', text: 'New sign-ups', kind: 'number' },
        { key: 'leavers', text: 'Leavers', kind: 'number' },
        { key: 'net', text: 'Net change', kind: 'number' },
        { key: 'cumulative', text: 'Subscribers', kind: 'number' },
      ],
      rows: pack.signups.byWard.map((r) => ({ ward: names.ward(r.group), newSignups: r.newSignups, leavers: r.leavers, net: r.net, cumulative: r.cumulative })),
      chart: () => barChart('New sign-ups by ward', pack.signups.byWard.slice(0, 30).map((r) => ({ label: names.ward(r.group), value: r.newSignups }))),
    },
    {
      id: 'reach',
      title: 'Reach: subscribers per 1,000 residents',
      columns: [
        { key: 'ward', text: 'Ward' },
        { key: 'npu', text: 'NPU' },
        { key: 'population', text: 'Population', kind: 'number' },
        { key: 'subscribers', text: 'Subscribers', kind: 'number' },
        { key: 'per1000', text: 'Per 1000 residents', kind: 'number' },
      ],
      rows: pack.reach.map((r) => ({ ward: r.wardName, npu: names.npu(r.npuCode), population: r.population, subscribers: r.subscribers, per1000: r.per1000 })),
      chart: () => barChart('Lowest reach: subscribers per 1,000 residents', pack.reach.filter((r) => r.per1000 !== null).slice(0, 20).map((r) => ({ label: r.wardName, value: r.per1000! }))),
    },
    {
      id: 'representation',
      title: 'Representation against the census',
      columns: [
        { key: 'dimension', text: 'Measure' },
        { key: 'category', text: 'Group' },
        { key: 'subscribers', text: 'Subscribers', kind: 'number' },
        { key: 'share', text: 'Share of subscribers (%)', kind: 'percent' },
        { key: 'population', text: 'Share of population (%)', kind: 'percent' },
        { key: 'gap', text: 'Gap (points)', kind: 'number' },
      ],
      rows: pack.representation.map((r) => ({
        dimension: r.dimension === 'age_band' ? 'Age' : 'Ethnicity',
        category: r.category === 'not_stated' ? 'Not stated' : label(r.dimension === 'age_band' ? 'ageBand' : 'ethnicity', r.category),
        subscribers: r.subscribers,
        share: r.subscriberSharePercent,
        population: r.populationSharePercent,
        gap: r.gapPoints,
      })),
      chart: () =>
        barChart(
          'Subscribers by ethnicity (%)',
          pack.representation.filter((r) => r.dimension === 'ethnicity' && r.subscriberSharePercent !== null).map((r) => ({ label: label('ethnicity', r.category), value: r.subscriberSharePercent! })),
          { unit: '%' },
        ),
    },
    {
      id: 'attribution',
      title: `Where sign-ups came from in ${monthName(pack.month)}`,
      columns: [
        { key: 'source', text: 'Source' },
        { key: 'campaign', text: 'Campaign' },
        { key: 'signups', text: 'Sign-ups', kind: 'number' },
      ],
      rows: pack.attribution.map((r) => ({ source: source(r.source), campaign: r.campaignCode || 'None', signups: r.signups })),
      chart: () => barChart('Sign-ups by source', pack.attribution.map((r) => ({ label: `${source(r.source)}${r.campaignCode ? ` (${r.campaignCode})` : ''}`, value: r.signups }))),
    },
    {
      id: 'messages',
      title: 'Messages by month',
      columns: [
        { key: 'month', text: 'Month' },
        { key: 'area', text: 'Area' },
        { key: 'sent', text: 'Messages sent', kind: 'number' },
        { key: 'recipients', text: 'Recipients', kind: 'number' },
        { key: 'averageRating', text: 'Average rating (1 to 6)', kind: 'number' },
        { key: 'ratings', text: 'Ratings', kind: 'number' },
        { key: 'replies', text: 'Replies', kind: 'number' },
      ],
      rows: pack.messages.byMonth.map((r) => ({ month: monthName(r.month), area: r.groupName || names.npu(r.group), sent: r.sent, recipients: r.recipients, averageRating: r.averageRating, ratings: r.ratings, replies: r.replies })),
      chart: () => barChart('Messages sent by month', pack.messages.byMonth.map((r) => ({ label: `${shortMonth(r.month)} ${r.groupName || names.npu(r.group)}`, value: r.sent }))),
    },
    {
      id: 'authors',
      title: `Messages by author in ${monthName(pack.month)}`,
      columns: [
        { key: 'author', text: 'Author' },
        { key: 'sent', text: 'Messages sent', kind: 'number' },
        { key: 'recipients', text: 'Recipients', kind: 'number' },
        { key: 'averageRating', text: 'Average rating (1 to 6)', kind: 'number' },
        { key: 'replies', text: 'Replies', kind: 'number' },
      ],
      rows: pack.messages.byAuthor.map((r) => ({ author: r.groupName, sent: r.sent, recipients: r.recipients, averageRating: r.averageRating, replies: r.replies })),
      chart: () => barChart('Messages sent by author', pack.messages.byAuthor.map((r) => ({ label: r.groupName, value: r.sent }))),
    },
    {
      id: 'languages',
      title: `Recipients by language in ${monthName(pack.month)}`,
      columns: [
        { key: 'language', text: 'Language' },
        { key: 'recipients', text: 'Recipients', kind: 'number' },
      ],
      rows: pack.messages.byLanguage.map((r) => ({ language: label('language', r.language), recipients: r.recipients })),
      chart: () => barChart('Recipients by language', pack.messages.byLanguage.map((r) => ({ label: label('language', r.language), value: r.recipients }))),
      note: 'Residents get a translation into their language where the message has one, and English otherwise.',
    },
    {
      id: 'acf',
      title: `Active Citizens Fund, ${pack.acf.financialYear.replace('-', ' to 20')}`,
      columns: [
        { key: 'npu', text: 'NPU' },
        { key: 'budget', text: 'Budget', kind: 'pounds' },
        { key: 'allocated', text: 'Allocated', kind: 'pounds' },
        { key: 'left', text: 'Left to allocate', kind: 'pounds' },
        { key: 'spent', text: 'Spent', kind: 'pounds' },
        { key: 'outstanding', text: 'Outstanding', kind: 'pounds' },
      ],
      rows: pack.acf.items.map((r) => ({ npu: names.npu(r.npuCode), budget: r.budgetPence, allocated: r.allocatedPence, left: r.budgetPence - r.allocatedPence, spent: r.spentPence, outstanding: r.outstandingPence })),
      totals: pack.acf.totals
        ? { npu: 'Total', budget: pack.acf.totals.budgetPence, allocated: pack.acf.totals.allocatedPence, left: pack.acf.totals.budgetPence - pack.acf.totals.allocatedPence, spent: pack.acf.totals.spentPence, outstanding: pack.acf.totals.outstandingPence }
        : undefined,
      chart: () => barChart('Spent (£)', pack.acf.items.map((r) => ({ label: names.npu(r.npuCode), value: Math.round(r.spentPence / 100) }))),
    },
    {
      id: 'schemes',
      title: 'Schemes against targets',
      columns: [
        { key: 'npu', text: 'NPU' },
        { key: 'type', text: 'Type of scheme' },
        { key: 'current', text: 'Active schemes', kind: 'number' },
        { key: 'members', text: 'Members', kind: 'number' },
        { key: 'target', text: 'Target', kind: 'number' },
        { key: 'due', text: 'Due by' },
        { key: 'required', text: 'Still needed', kind: 'number' },
      ],
      rows: pack.schemes.rows.map((r) => ({ npu: names.npu(r.npuCode), type: names.schemeType(r.type), current: r.current, members: r.members, target: r.target, due: r.dueDate ? monthName(r.dueDate) : null, required: r.required })),
      totals: { npu: 'Total', type: '', current: pack.schemes.totals.current, members: pack.schemes.totals.members, target: pack.schemes.totals.target, due: '', required: pack.schemes.totals.required },
      chart: () => barChart('Active schemes', pack.schemes.rows.filter((r) => r.current > 0 || r.target).map((r) => ({ label: `${names.npu(r.npuCode)}: ${names.schemeType(r.type)}`, value: r.current }))),
    },
    {
      id: 'cadets',
      title: 'Cadets and Mini Police',
      columns: [
        { key: 'npu', text: 'NPU' },
        { key: 'juniorPcsos', text: 'Junior PCSOs', kind: 'number' },
        { key: 'cadets', text: 'Cadets', kind: 'number' },
        { key: 'total', text: 'Total', kind: 'number' },
      ],
      rows: pack.cadets.rows.map((r) => ({ npu: names.npu(r.npuCode), juniorPcsos: r.juniorPcsos, cadets: r.cadets, total: r.total })),
      totals: { npu: 'Total', ...pack.cadets.totals },
      chart: () => barChart('Cadets and junior PCSOs', pack.cadets.rows.map((r) => ({ label: names.npu(r.npuCode), value: r.total }))),
    },
    {
      id: 'confidence',
      title: 'Confidence in the police',
      columns: [
        { key: 'question', text: 'Question' },
        { key: 'base', text: 'Answers', kind: 'number' },
        { key: 'confident', text: 'Confident (%)', kind: 'percent' },
        { key: 'weighted', text: 'Weighted to the population (%)', kind: 'percent' },
      ],
      rows: [{ question: pack.confidence.question, base: pack.confidence.base, confident: pack.confidence.confidentPercent, weighted: pack.confidence.weightedConfidentPercent }],
      note: pack.confidence.suppressed ? 'Too few answers this month to show a figure.' : undefined,
    },
    {
      id: 'confidence-trend',
      title: 'Confidence in the police over 12 months',
      columns: [
        { key: 'month', text: 'Month' },
        { key: 'area', text: 'Area' },
        { key: 'base', text: 'Answers', kind: 'number' },
        { key: 'confident', text: 'Confident (%)', kind: 'percent' },
        { key: 'weighted', text: 'Weighted to the population (%)', kind: 'percent' },
      ],
      rows: pack.confidenceTrend.months.map((m) => ({ month: monthName(m.month), area: names.npu(pack.confidenceTrend.areaCode), base: m.base, confident: m.confidentPercent, weighted: m.weightedConfidentPercent })),
      note: 'Months with fewer than 10 answers show no figure.',
      chart: () =>
        lineChart(
          'Confident in the police (weighted, %)',
          [{ name: names.npu(pack.confidenceTrend.areaCode), points: pack.confidenceTrend.months.filter((m) => m.weightedConfidentPercent !== null).map((m) => ({ x: m.month, y: m.weightedConfidentPercent! })) }],
          { xLabel: shortMonth },
        ),
    },
  ];
  return sections;
}

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const poundsFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

/** A value as a person reads it in the table. */
export function displayValue(v: string | number | null | undefined, kind: ReportColumn['kind']): string {
  if (v === null || v === undefined || v === '') return kind && kind !== 'text' ? '–' : '';
  if (typeof v === 'string') return v;
  if (kind === 'pounds') return poundsFormat.format(v / 100);
  if (kind === 'percent') return `${numberFormat.format(v)}%`;
  return numberFormat.format(v);
}

/** CSV rows keyed by heading; pounds as pounds (not pence), labels not codes. */
export function csvRows(section: ReportSection): { columns: string[]; rows: Record<string, unknown>[] } {
  const all = section.totals ? [...section.rows, section.totals] : section.rows;
  return {
    columns: section.columns.map((c) => (c.kind === 'pounds' ? `${c.text} (£)` : c.text)),
    rows: all.map((r) =>
      Object.fromEntries(section.columns.map((c) => [c.kind === 'pounds' ? `${c.text} (£)` : c.text, c.kind === 'pounds' && typeof r[c.key] === 'number' ? ((r[c.key] as number) / 100).toFixed(2) : r[c.key]])),
    ),
  };
}
