import { Injectable } from '@nestjs/common';
import { assertNpuAccess, canAccessNpu } from '@beacon/auth';
import { badRequest, forbidden, notFound, type StaffPrincipal } from '@beacon/core';
import { ResultsRepository, type AggregateRow, type ConfidenceCellRow, type TallyFilter } from './results.repository';
import { BASE_OPTION, CONFIDENCE_KEY, CONFIDENT_OPTIONS, type SurveyQuestion } from './survey-questions';
import { SurveyRepository, type SurveyRow } from './survey.repository';
import { rake, type Margins } from './weighting';

/** Groups (and totals) with fewer respondents than this are not shown. */
export const MIN_CELL = 10;
const DIMENSIONS = ['npu', 'ward', 'ageBand', 'ethnicity'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Respondents per option of one question (or group, or cell); BASE_OPTION holds those who answered it. */
type Totals = Map<string, number>;
interface WeightingCell {
  key: { age_band: string; ethnicity: string };
  respondents: number;
  options: Totals;
}
/** One question's counters, grouped once from the aggregate query's rows. */
interface QuestionCounts {
  total: Totals;
  publicTotal: Totals;
  groups: Record<Dimension, Map<string, Totals>>;
  cells: Map<string, WeightingCell>;
}
type Weighting = { margins: Margins; areas: Record<string, string> };

export interface OptionCount {
  value: string;
  label: string;
  /** null when suppressed */
  count: number | null;
  percent: number | null;
  /** With `weighted=true`: the share weighted to the population (null when it cannot be computed or is suppressed). */
  weightedPercent?: number | null;
}

export interface GroupResult {
  group: string;
  /** null when suppressed */
  base: number | null;
  suppressed: boolean;
  options: OptionCount[];
}

export interface WeightingInfo {
  method: 'raking' | 'post-stratification';
  /** The area whose census shares were used, per dimension. */
  areas: Record<string, string>;
  /** Respondents the weighted figures rest on (those who stated the weighting dimensions). */
  unweightedBase: number;
}

export interface QuestionResult {
  id: string;
  position: number;
  kind: string;
  text: string;
  base: number | null;
  suppressed: boolean;
  options: OptionCount[];
  /** Scale questions: mean of the answers (null when suppressed). */
  mean?: number | null;
  weighting?: WeightingInfo | null;
  breakdowns: Record<Dimension, GroupResult[]>;
  /** The anonymous public link's answers: counted apart and never weighted. */
  public?: { base: number | null; suppressed: boolean; unweighted: true; options: OptionCount[] };
  /** Free-text questions: the answers with e-mail addresses and phone numbers masked. */
  freeText?: string[];
}

export interface SurveyResults {
  surveyId: string;
  title: string;
  status: string;
  npuCode: string | null;
  filter: TallyFilter;
  minCell: number;
  questions: QuestionResult[];
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const pct = (n: number, base: number) => (base ? round1((n * 100) / base) : null);
const add = (t: Totals, option: string, n: number) => t.set(option, (t.get(option) ?? 0) + n);
const totalsIn = <K>(m: Map<K, Totals>, key: K): Totals => m.get(key) ?? m.set(key, new Map()).get(key)!;

/** Groups the aggregate rows per question in one pass: (NPU, ward) rows give the totals and the area breakdowns, cell rows the rest. */
export function groupCounts(rows: AggregateRow[]): Map<string, QuestionCounts> {
  const out = new Map<string, QuestionCounts>();
  for (const r of rows) {
    const q =
      out.get(r.questionId) ??
      out.set(r.questionId, { total: new Map(), publicTotal: new Map(), groups: { npu: new Map(), ward: new Map(), ageBand: new Map(), ethnicity: new Map() }, cells: new Map() }).get(r.questionId)!;
    if (r.source === 'public') {
      if (!r.byCell) add(q.publicTotal, r.option, r.respondents);
    } else if (r.source !== 'resident') {
      continue;
    } else if (!r.byCell) {
      add(q.total, r.option, r.respondents);
      add(totalsIn(q.groups.npu, r.npuCode!), r.option, r.respondents);
      add(totalsIn(q.groups.ward, r.wardCode!), r.option, r.respondents);
    } else {
      add(totalsIn(q.groups.ageBand, r.ageBand!), r.option, r.respondents);
      add(totalsIn(q.groups.ethnicity, r.ethnicity!), r.option, r.respondents);
      const k = `${r.ageBand}|${r.ethnicity}`;
      const cell = q.cells.get(k) ?? q.cells.set(k, { key: { age_band: r.ageBand!, ethnicity: r.ethnicity! }, respondents: 0, options: new Map() }).get(k)!;
      if (r.option === BASE_OPTION) cell.respondents += r.respondents;
      else add(cell.options, r.option, r.respondents);
    }
  }
  return out;
}
const EMPTY: QuestionCounts = { total: new Map(), publicTotal: new Map(), groups: { npu: new Map(), ward: new Map(), ageBand: new Map(), ethnicity: new Map() }, cells: new Map() };

/** E-mail addresses and phone numbers in free text, masked before staff see it. */
export function maskContacts(text: string): string {
  return text
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2')
    .replace(/(?:\+|\b)\d[\d\s().-]{8,}\d\b/g, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 10 ? `${'*'.repeat(digits.length - 3)}${digits.slice(-3)}` : m;
    });
}

/** Which groups of a breakdown are hidden: those under MIN_CELL, then the smallest others until what is hidden cannot be worked out by subtraction. */
export function suppressedGroups(groups: { group: string; base: number }[]): Set<string> {
  const hidden = new Set(groups.filter((g) => g.base < MIN_CELL).map((g) => g.group));
  const rest = groups.filter((g) => !hidden.has(g.group)).sort((a, b) => a.base - b.base);
  let hiddenTotal = groups.filter((g) => hidden.has(g.group)).reduce((n, g) => n + g.base, 0);
  while (hiddenTotal > 0 && hiddenTotal < MIN_CELL && rest.length) {
    const g = rest.shift()!;
    hidden.add(g.group);
    hiddenTotal += g.base;
  }
  return hidden;
}

@Injectable()
export class SurveyResultsService {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly repo: ResultsRepository,
  ) {}

  async results(staff: StaffPrincipal, id: string, q: { npu?: string; ward?: string; weighted?: string }): Promise<SurveyResults> {
    const survey = await this.surveys.findById(id);
    if (!survey) throw notFound('Survey');
    if (survey.npuCode !== null) assertNpuAccess(staff, survey.npuCode);
    const filter = await this.filterFor(staff, survey, q);
    const questions = await this.surveys.questions(id);
    const counts = groupCounts(await this.repo.aggregate(questions.map((x) => x.id), filter));
    const margins = q.weighted === 'true' ? await this.margins(filter.wardCode, filter.npuCode ?? survey.npuCode) : null;
    const unfiltered = !filter.npuCode && !filter.wardCode;
    const out: QuestionResult[] = [];
    for (const question of questions) {
      const mine = counts.get(question.id) ?? EMPTY;
      const result = this.question(question, mine, margins);
      if (unfiltered) result.public = { ...this.counts(question, mine.publicTotal), unweighted: true };
      if (question.kind === 'free_text' && !result.suppressed) result.freeText = (await this.repo.freeText(id, question.id, filter)).map(maskContacts);
      out.push(result);
    }
    return { surveyId: id, title: survey.title, status: survey.status, npuCode: survey.npuCode, filter, minCell: MIN_CELL, questions: out };
  }

  /** NPU-bound staff reading a force-wide survey see their NPU's respondents only. */
  private async filterFor(staff: StaffPrincipal, survey: SurveyRow, q: { npu?: string; ward?: string }): Promise<TallyFilter> {
    const pinned = survey.npuCode ?? staff.npuCode ?? undefined;
    if (q.npu && pinned && q.npu !== pinned) {
      if (!canAccessNpu(staff, q.npu)) throw forbidden(`Your role is limited to NPU ${staff.npuCode}`);
      throw badRequest(`npu: this survey is for NPU ${pinned}`);
    }
    if (q.npu && !(await this.repo.npuExists(q.npu))) throw badRequest(`npu: unknown NPU ${q.npu}`);
    const npuCode = q.npu ?? (survey.npuCode === null ? (staff.npuCode ?? undefined) : undefined);
    if (!q.ward) return { npuCode };
    const wardNpu = await this.repo.wardNpu(q.ward);
    if (!wardNpu) throw badRequest(`ward: unknown ward ${q.ward}`);
    if (!canAccessNpu(staff, wardNpu)) throw forbidden(`Your role is limited to NPU ${staff.npuCode}`);
    if ((npuCode ?? pinned) && wardNpu !== (npuCode ?? pinned)) throw badRequest(`ward: ${q.ward} is not in NPU ${npuCode ?? pinned}`);
    return { npuCode, wardCode: q.ward };
  }

  /** Census margins per dimension from the most local area that has them: ward, its NPU, then the force. */
  async margins(wardCode: string | undefined, npuCode: string | null | undefined): Promise<{ margins: Margins; areas: Record<string, string> }> {
    const npu = npuCode ?? (wardCode ? await this.repo.wardNpu(wardCode) : null);
    const chain = [wardCode, npu, 'FORCE'].filter((x): x is string => !!x);
    const rows = await this.repo.shares(chain);
    const margins: Margins = {};
    const areas: Record<string, string> = {};
    for (const dim of ['age_band', 'ethnicity']) {
      const area = chain.find((a) => rows.some((r) => r.areaCode === a && r.dimension === dim));
      if (!area) continue;
      areas[dim] = area;
      margins[dim] = Object.fromEntries(rows.filter((r) => r.areaCode === area && r.dimension === dim).map((r) => [r.category, r.sharePercent]));
    }
    return { margins, areas };
  }

  private counts(question: SurveyQuestion, totals: Totals): { base: number | null; suppressed: boolean; options: OptionCount[] } {
    const base = totals.get(BASE_OPTION) ?? 0;
    const suppressed = base < MIN_CELL;
    const options = question.options.map((o) => {
      const n = totals.get(o.value) ?? 0;
      return { value: o.value, label: o.label, count: suppressed ? null : n, percent: suppressed ? null : pct(n, base) };
    });
    return { base: suppressed ? null : base, suppressed, options };
  }

  private question(question: SurveyQuestion, counts: QuestionCounts, weighting: Weighting | null): QuestionResult {
    const overall = this.counts(question, counts.total);
    const result: QuestionResult = {
      id: question.id,
      position: question.position,
      kind: question.kind,
      text: question.text,
      ...overall,
      breakdowns: { npu: [], ward: [], ageBand: [], ethnicity: [] },
    };
    if (question.kind === 'scale_5' || question.kind === 'scale_10') {
      const answered = [...counts.total].filter(([option]) => option !== BASE_OPTION);
      const n = answered.reduce((t, [, c]) => t + c, 0);
      result.mean = overall.suppressed || !n ? null : Math.round((answered.reduce((t, [option, c]) => t + Number(option) * c, 0) / n) * 100) / 100;
    }
    for (const dim of DIMENSIONS) {
      const groups = [...counts.groups[dim].keys()].sort();
      const bases = groups.map((g) => ({ group: g, base: counts.groups[dim].get(g)!.get(BASE_OPTION) ?? 0 }));
      const hidden = suppressedGroups(bases);
      result.breakdowns[dim] = bases.map(({ group, base }) => {
        const c = this.counts(question, counts.groups[dim].get(group)!);
        return hidden.has(group)
          ? { group, base: null, suppressed: true, options: c.options.map((o) => ({ ...o, count: null, percent: null })) }
          : { group, base, suppressed: false, options: c.options };
      });
    }
    if (weighting && question.kind !== 'free_text') {
      const w = weightedPercents([...counts.cells.values()], weighting);
      result.weighting = w.info;
      for (const o of result.options) o.weightedPercent = w.percents && !result.suppressed ? (w.percents(o.value) ?? null) : null;
    }
    return result;
  }
}

/**
 * Post-stratified (raked) shares per option over the age band × ethnicity cells (at most a few
 * dozen, summed in SQL); the unweighted base they rest on beside them. `percents` is null when
 * nothing can be weighted or fewer than MIN_CELL respondents carry the figure.
 */
export function weightedPercents(cells: WeightingCell[], { margins, areas }: Weighting): { info: WeightingInfo | null; percents: ((option: string) => number | null) | null } {
  const list = [...cells].sort((a, b) => (a.key.age_band + '|' + a.key.ethnicity).localeCompare(b.key.age_band + '|' + b.key.ethnicity));
  const weights = Object.keys(margins).length ? rake(list, margins) : null;
  if (!weights) return { info: null, percents: null };
  const unweightedBase = list.reduce((n, c, i) => n + (weights[i] > 0 ? c.respondents : 0), 0);
  const info: WeightingInfo = { method: Object.keys(margins).length > 1 ? 'raking' : 'post-stratification', areas, unweightedBase };
  const total = weights.reduce((a, b) => a + b, 0);
  if (unweightedBase < MIN_CELL || !(total > 0)) return { info, percents: null };
  return { info, percents: (option) => round1((list.reduce((t, c, i) => t + (c.respondents ? (weights[i] * (c.options.get(option) ?? 0)) / c.respondents : 0), 0) * 100) / total) };
}

export interface ConfidenceFigure {
  month: string;
  areaCode: string;
  question: string;
  /** Respondents to the headline confidence question in surveys open during the month. */
  base: number | null;
  suppressed: boolean;
  /** "Very" or "fairly" confident, unweighted and weighted to the population. */
  confidentPercent: number | null;
  weightedConfidentPercent: number | null;
}

export interface ConfidenceTrend {
  /** NPU code, or FORCE */
  areaCode: string;
  /** One figure per month, oldest first. */
  months: ConfidenceFigure[];
}

const CONFIDENCE_QUESTION = 'Taking everything into account, how confident are you in the police in this area? (very or fairly confident)';

/** The months from `from` to `to` inclusive (YYYY-MM). */
function monthsFrom(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  for (let month = from; month <= to; month = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(month);
    y += m === 12 ? 1 : 0;
    m = m === 12 ? 1 : m + 1;
  }
  return out;
}

/** The public-confidence figure per month for the SIM pack (libs/reports calls this). */
@Injectable()
export class SurveyConfidenceService {
  constructor(
    private readonly repo: ResultsRepository,
    private readonly results: SurveyResultsService,
  ) {}

  async forMonth(npuCode: string | null, month: string): Promise<ConfidenceFigure> {
    return (await this.trend(npuCode, month, month)).months[0];
  }

  /** Every month from `from` to `to`: one query for the cells of all months, raking per month on the area's census shares. */
  async trend(npuCode: string | null, from: string, to: string): Promise<ConfidenceTrend> {
    const byMonth = new Map<string, ConfidenceCellRow[]>();
    for (const r of await this.repo.confidenceCells(npuCode, from, to, CONFIDENCE_KEY, CONFIDENT_OPTIONS)) (byMonth.get(r.month) ?? byMonth.set(r.month, []).get(r.month)!).push(r);
    let weighting: Weighting | undefined;
    const months: ConfidenceFigure[] = [];
    for (const month of monthsFrom(from, to)) {
      const rows = byMonth.get(month) ?? [];
      const base = rows.reduce((n, r) => n + r.base, 0);
      const confident = rows.reduce((n, r) => n + r.confident, 0);
      const suppressed = base < MIN_CELL;
      let weighted: number | null = null;
      if (!suppressed) {
        weighting ??= await this.results.margins(undefined, npuCode);
        const cells = rows.map((r) => ({ key: { age_band: r.ageBand, ethnicity: r.ethnicity }, respondents: r.base, options: new Map([['confident', r.confident]]) }));
        weighted = weightedPercents(cells, weighting).percents?.('confident') ?? null;
      }
      months.push({
        month,
        areaCode: npuCode ?? 'FORCE',
        question: CONFIDENCE_QUESTION,
        base: suppressed ? null : base,
        suppressed,
        confidentPercent: suppressed ? null : pct(confident, base),
        weightedConfidentPercent: weighted,
      });
    }
    return { areaCode: npuCode ?? 'FORCE', months };
  }
}
