/**
 * The pages behind `/s/<token>`: Nunjucks views (./views) in libs/web's layout with GOV.UK
 * macros, every value autoescaped, an error summary above the form on bad input.
 */
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { errorSummary, localisedError, ViewRenderer, type FormError } from '@beacon/web';
import type { SurveyPageModel } from './survey-page.model';

export const SURVEY_VIEWS = new URL('./views/', import.meta.url);

export type FieldErrors = Record<string, string>;

const TITLES: Record<number, string> = { 400: 'This link is not valid', 404: 'Page not found', 409: 'This survey is not open yet', 410: 'This survey has closed', 429: 'Too many attempts' };

// The answer checks' messages (survey-questions.ts) as page catalogue keys.
const ANSWER_ERRORS: Record<string, string> = {
  'Enter an answer': 'errors.answer.enter',
  'Choose an answer': 'errors.answer.choose',
  'Choose an answer from the list': 'errors.answer.chooseList',
  'Choose answers from the list': 'errors.answer.chooseAnswers',
  'Choose each answer once': 'errors.answer.once',
  'Enter your answer as text': 'errors.answer.text',
  'Your answer contains characters that are not allowed': 'errors.answer.characters',
  'This question is not part of the survey': 'errors.answer.notInSurvey',
};
function answerError(field: string, message: string): FormError {
  const scale = /^Choose a number from 1 to (\d+)$/.exec(message);
  if (scale) return { field, message: 'errors.answer.number', values: { max: Number(scale[1]) } };
  const long = /^Your answer must be (\d+) characters or fewer$/.exec(message);
  if (long) return { field, message: 'errors.answer.tooLong', values: { max: Number(long[1]) } };
  return { field, message: ANSWER_ERRORS[message] ?? 'errors.check' };
}

export function surveyFormAction(m: Pick<SurveyPageModel, 'token' | 'isPublic'>, suffix = ''): string {
  return `/s/${m.isPublic ? 'p/' : ''}${m.token}${suffix}`;
}

@Injectable()
export class SurveyPages {
  constructor(private readonly views: ViewRenderer) {}

  /** The survey form; `values` are the answers to show (saved ones, or what was just typed). */
  survey(res: Response, m: SurveyPageModel, values: Record<string, string | string[]>, errors: FieldErrors = {}): string {
    // Summary in question order; each links to its question's first control (`q-<id>`).
    const summary = errorSummary(m.questions.filter((q) => errors[q.id]).map((q) => answerError(`q-${q.id}`, errors[q.id])));
    const questions = m.questions.map((q) => {
      const value = values[q.id];
      const chosen = Array.isArray(value) ? value : value ? [value] : [];
      const multiple = q.kind === 'multiple_choice';
      const scale = q.kind === 'scale_5' || q.kind === 'scale_10';
      return {
        name: `q-${q.id}`,
        kind: q.kind,
        text: q.text,
        required: q.required,
        maxLength: q.maxLength,
        multiple,
        scale,
        value: typeof value === 'string' ? value : '',
        hint: q.kind === 'scale_5' ? { key: 'survey.scale', values: { max: 5 } } : q.kind === 'scale_10' ? { key: 'survey.scale', values: { max: 10 } } : multiple ? { key: 'survey.chooseAll', values: {} } : null,
        items: q.options.map((o) => ({ value: o.value, text: o.label, checked: chosen.includes(o.value) })),
      };
    });
    return this.views.renderPage(res, SURVEY_VIEWS, 'survey.njk', {
      survey: m.survey,
      isPublic: m.isPublic,
      changing: !!m.current && !m.isPublic,
      action: surveyFormAction(m),
      questions,
      errors: summary,
      fieldErrors: summary?.fields ?? {},
    });
  }

  thanks(res: Response, m: Pick<SurveyPageModel, 'token' | 'isPublic' | 'survey'>): string {
    return this.views.renderPage(res, SURVEY_VIEWS, 'survey-thanks.njk', { survey: m.survey, isPublic: m.isPublic, action: surveyFormAction(m) });
  }

  error(res: Response, status: number, message: string): string {
    const title = status >= 500 ? 'Sorry, there is a problem with the service' : (TITLES[status] ?? 'Sorry, that did not work');
    return this.views.renderPage(res, SURVEY_VIEWS, 'survey-error.njk', (language) => localisedError(language, status, title, status >= 500 ? 'Try again later.' : message));
  }
}
