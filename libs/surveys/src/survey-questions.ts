import type { QuestionKind, QuestionOption } from './survey.entity';

/** A question as the service and pages use it. */
export interface SurveyQuestion {
  id: string;
  position: number;
  kind: QuestionKind;
  text: string;
  options: QuestionOption[];
  required: boolean;
  maxLength: number;
  templateKey: string | null;
}

export const FREE_TEXT_MAX = 2000;
/** Counter key of "answered this question" (the base of its percentages). */
export const BASE_OPTION = '*';

const scale = (n: number): QuestionOption[] => Array.from({ length: n }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
export const LIKERT_OPTIONS: QuestionOption[] = [
  { value: 'strongly_agree', label: 'Strongly agree' },
  { value: 'agree', label: 'Agree' },
  { value: 'neither', label: 'Neither agree nor disagree' },
  { value: 'disagree', label: 'Disagree' },
  { value: 'strongly_disagree', label: 'Strongly disagree' },
];

/** The options a kind fixes (scales, Likert); choice questions bring their own. */
export function fixedOptions(kind: QuestionKind): QuestionOption[] | null {
  switch (kind) {
    case 'scale_5':
      return scale(5);
    case 'scale_10':
      return scale(10);
    case 'likert':
      return LIKERT_OPTIONS;
    case 'free_text':
      return [];
    case 'single_choice':
    case 'multiple_choice':
      return null;
  }
}

export const CONFIDENCE_KEY = 'confidence';
/** Options of the headline confidence question that count as "confident". */
export const CONFIDENT_OPTIONS = ['very_confident', 'fairly_confident'];

/**
 * The standard public-confidence questions (Crime Survey for England and Wales wording), added
 * to a survey with `templates: ['confidence']`. The first is the headline figure in the SIM pack.
 */
export const CONFIDENCE_TEMPLATE: { key: string; kind: QuestionKind; text: string; options?: QuestionOption[] }[] = [
  {
    key: CONFIDENCE_KEY,
    kind: 'single_choice',
    text: 'Taking everything into account, how confident are you in the police in this area?',
    options: [
      { value: 'very_confident', label: 'Very confident' },
      { value: 'fairly_confident', label: 'Fairly confident' },
      { value: 'not_very_confident', label: 'Not very confident' },
      { value: 'not_at_all_confident', label: 'Not at all confident' },
    ],
  },
  { key: 'confidence_relied_on', kind: 'likert', text: 'The police in this area can be relied on to be there when you need them.' },
  { key: 'confidence_fair', kind: 'likert', text: 'The police in this area treat everyone fairly regardless of who they are.' },
  { key: 'confidence_understand', kind: 'likert', text: 'The police in this area understand the issues that affect this community.' },
  { key: 'confidence_matters', kind: 'likert', text: 'The police in this area are dealing with the things that matter to people in this community.' },
];

export type RawAnswers = Record<string, unknown>;

/**
 * Checks every answer against its question: an option that does not exist, a value off the
 * scale, text over the limit, a missing required answer or an unknown question is an error
 * (field = question id). Returns the normalised answers only when there is no error.
 */
export function checkAnswers(questions: SurveyQuestion[], raw: RawAnswers): { answers?: Record<string, string | string[]>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const answers: Record<string, string | string[]> = {};
  const known = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(raw)) if (!known.has(key)) errors[key] = 'This question is not part of the survey';
  for (const q of questions) {
    const v = raw[q.id];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (q.required) errors[q.id] = q.kind === 'free_text' ? 'Enter an answer' : 'Choose an answer';
      continue;
    }
    const values = q.options.map((o) => o.value);
    if (q.kind === 'free_text') {
      if (typeof v !== 'string') errors[q.id] = 'Enter your answer as text';
      else if (v.includes('\u0000')) errors[q.id] = 'Your answer contains characters that are not allowed';
      else if ([...v].length > q.maxLength) errors[q.id] = `Your answer must be ${q.maxLength} characters or fewer`;
      else if (v.trim()) answers[q.id] = v.trim();
      else if (q.required) errors[q.id] = 'Enter an answer';
    } else if (q.kind === 'multiple_choice') {
      const list = Array.isArray(v) ? v : [v];
      if (!list.every((x) => typeof x === 'string' && values.includes(x))) errors[q.id] = 'Choose answers from the list';
      else if (new Set(list).size !== list.length) errors[q.id] = 'Choose each answer once';
      else answers[q.id] = values.filter((x) => list.includes(x));
    } else {
      // JSON clients may send scale values as numbers.
      const s = typeof v === 'number' && Number.isInteger(v) ? String(v) : v;
      if (typeof s !== 'string' || !values.includes(s)) errors[q.id] = q.kind.startsWith('scale') ? `Choose a number from 1 to ${values.length}` : 'Choose an answer from the list';
      else answers[q.id] = s;
    }
  }
  return Object.keys(errors).length ? { errors } : { answers, errors };
}

/** The counter keys an answer set adds one to: each chosen option, and the base of each answered question. */
export function tallyKeys(questions: SurveyQuestion[], answers: Record<string, string | string[]>): { questionId: string; option: string }[] {
  const out: { questionId: string; option: string }[] = [];
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    out.push({ questionId: q.id, option: BASE_OPTION });
    if (q.kind === 'free_text') continue;
    for (const v of Array.isArray(a) ? a : [a]) out.push({ questionId: q.id, option: v });
  }
  return out;
}
