import { Injectable } from '@nestjs/common';
import { assertNpuAccess, canAccessNpu } from '@beacon/auth';
import { badRequest, forbidden, notFound, type StaffPrincipal } from '@beacon/core';
import { ResultsRepository, type TallyFilter, type TallyRow } from './results.repository';
import { BASE_OPTION, CONFIDENCE_KEY, CONFIDENT_OPTIONS, type SurveyQuestion } from './survey-questions';
import { SurveyRepository, type SurveyRow } from './survey.repository';
import { rake, type Margins } from './weighting';

/** Groups (and totals) with fewer respondents than this are not shown. */
export const MIN_CELL = 10;
const DIMENSIONS = { npu: 'npuCode', ward: 'wardCode', ageBand: 'ageBand', ethnicity: 'ethnicity' } as const;
type Dimension = keyof typeof DIMENSIONS;

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
const sum = (rows: TallyRow[]) => rows.reduce((n, r) => n + r.respondents, 0);

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
    const rows = await this.repo.tallies(questions.map((x) => x.id), filter);
    const margins = q.weighted === 'true' ? await this.margins(filter.wardCode, filter.npuCode ?? survey.npuCode) : null;
    const unfiltered = !filter.npuCode && !filter.wardCode;
    const out: QuestionResult[] = [];
    for (const question of questions) {
      const mine = rows.filter((r) => r.questionId === question.id);
      const result = this.question(question, mine.filter((r) => r.source === 'resident'), margins);
      if (unfiltered) result.public = { ...this.counts(question, mine.filter((r) => r.source === 'public')), unweighted: true };
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

  private counts(question: SurveyQuestion, rows: TallyRow[]): { base: number | null; suppressed: boolean; options: OptionCount[] } {
    const base = sum(rows.filter((r) => r.option === BASE_OPTION));
    const suppressed = base < MIN_CELL;
    const options = question.options.map((o) => {
      const n = sum(rows.filter((r) => r.option === o.value));
      return { value: o.value, label: o.label, count: suppressed ? null : n, percent: suppressed ? null : pct(n, base) };
    });
    return { base: suppressed ? null : base, suppressed, options };
  }

  private question(question: SurveyQuestion, rows: TallyRow[], weighting: { margins: Margins; areas: Record<string, string> } | null): QuestionResult {
    const overall = this.counts(question, rows);
    const result: QuestionResult = {
      id: question.id,
      position: question.position,
      kind: question.kind,
      text: question.text,
      ...overall,
      breakdowns: { npu: [], ward: [], ageBand: [], ethnicity: [] },
    };
    if (question.kind === 'scale_5' || question.kind === 'scale_10') {
      const answered = rows.filter((r) => r.option !== BASE_OPTION);
      const n = sum(answered);
      result.mean = overall.suppressed || !n ? null : Math.round((answered.reduce((s, r) => s + Number(r.option) * r.respondents, 0) / n) * 100) / 100;
    }
    for (const [dim, field] of Object.entries(DIMENSIONS) as [Dimension, (typeof DIMENSIONS)[Dimension]][]) {
      const groups = [...new Set(rows.map((r) => r[field]))].sort();
      const bases = groups.map((g) => ({ group: g, base: sum(rows.filter((r) => r[field] === g && r.option === BASE_OPTION)) }));
      const hidden = suppressedGroups(bases);
      result.breakdowns[dim] = bases.map(({ group, base }) => {
        const c = this.counts(question, rows.filter((r) => r[field] === group));
        return hidden.has(group)
          ? { group, base: null, suppressed: true, options: c.options.map((o) => ({ ...o, count: null, percent: null })) }
          : { group, base, suppressed: false, options: c.options };
      });
    }
    if (weighting && question.kind !== 'free_text') weigh(result, rows, weighting);
    return result;
  }

}

/** Post-stratified (raked) shares per option; the unweighted base beside them. */
export function weigh(result: QuestionResult, rows: TallyRow[], { margins, areas }: { margins: Margins; areas: Record<string, string> }): void {
  const dims = Object.keys(margins);
  const cellKey = (r: TallyRow) => `${r.ageBand}|${r.ethnicity}`;
  const cells = new Map<string, { key: Record<string, string>; respondents: number; options: Map<string, number> }>();
  for (const r of rows) {
    const k = cellKey(r);
    const cell = cells.get(k) ?? cells.set(k, { key: { age_band: r.ageBand, ethnicity: r.ethnicity }, respondents: 0, options: new Map() }).get(k)!;
    if (r.option === BASE_OPTION) cell.respondents += r.respondents;
    else cell.options.set(r.option, (cell.options.get(r.option) ?? 0) + r.respondents);
  }
  const list = [...cells.values()];
  const weights = dims.length ? rake(list, margins) : null;
  const unweightedBase = weights ? list.reduce((n, c, i) => n + (weights[i] > 0 ? c.respondents : 0), 0) : 0;
  result.weighting = weights ? { method: dims.length > 1 ? 'raking' : 'post-stratification', areas, unweightedBase } : null;
  const usable = !!weights && unweightedBase >= MIN_CELL && !result.suppressed;
  const total = weights ? weights.reduce((a, b) => a + b, 0) : 0;
  for (const o of result.options) {
    o.weightedPercent = usable && total > 0 ? round1((list.reduce((s, c, i) => s + (c.respondents ? (weights![i] * (c.options.get(o.value) ?? 0)) / c.respondents : 0), 0) * 100) / total) : null;
  }
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

/** The month's public-confidence figure for the SIM pack (libs/reports calls this). */
@Injectable()
export class SurveyConfidenceService {
  constructor(
    private readonly repo: ResultsRepository,
    private readonly results: SurveyResultsService,
  ) {}

  async forMonth(npuCode: string | null, month: string): Promise<ConfidenceFigure> {
    const ids = await this.repo.confidenceQuestions(npuCode, month, CONFIDENCE_KEY);
    const rows = ids.length ? (await this.repo.tallies(ids, { npuCode: npuCode ?? undefined })).filter((r) => r.source === 'resident') : [];
    const base = sum(rows.filter((r) => r.option === BASE_OPTION));
    const confident = sum(rows.filter((r) => CONFIDENT_OPTIONS.includes(r.option)));
    const suppressed = base < MIN_CELL;
    let weighted: number | null = null;
    if (!suppressed) {
      const w = await this.results.margins(undefined, npuCode);
      const pooled = rows.map((r) => ({ ...r, questionId: 'pooled', option: CONFIDENT_OPTIONS.includes(r.option) ? 'confident' : r.option }));
      const result: QuestionResult = { id: 'pooled', position: 1, kind: 'single_choice', text: '', base, suppressed, options: [{ value: 'confident', label: 'confident', count: confident, percent: null }], breakdowns: { npu: [], ward: [], ageBand: [], ethnicity: [] } };
      weigh(result, pooled, w);
      weighted = result.options[0].weightedPercent ?? null;
    }
    return {
      month,
      areaCode: npuCode ?? 'FORCE',
      question: 'Taking everything into account, how confident are you in the police in this area? (very or fairly confident)',
      base: suppressed ? null : base,
      suppressed,
      confidentPercent: suppressed ? null : pct(confident, base),
      weightedConfidentPercent: weighted,
    };
  }

}
