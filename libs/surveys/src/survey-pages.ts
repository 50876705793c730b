/**
 * The pages behind `/s/<token>`: Nunjucks views (./views) in libs/web's layout with GOV.UK
 * macros, every value autoescaped, an error summary above the form on bad input.
 */
import { Injectable } from '@nestjs/common';
import { errorSummary, ViewRenderer } from '@beacon/web';
import type { SurveyPageModel } from './survey-page.model';

export const SURVEY_VIEWS = new URL('./views/', import.meta.url);

export type FieldErrors = Record<string, string>;

const TITLES: Record<number, string> = { 400: 'This link is not valid', 404: 'Page not found', 409: 'This survey is not open yet', 410: 'This survey has closed', 429: 'Too many attempts' };

export function surveyFormAction(m: Pick<SurveyPageModel, 'token' | 'isPublic'>, suffix = ''): string {
  return `/s/${m.isPublic ? 'p/' : ''}${m.token}${suffix}`;
}

@Injectable()
export class SurveyPages {
  constructor(private readonly views: ViewRenderer) {}

  /** The survey form; `values` are the answers to show (saved ones, or what was just typed). */
  survey(m: SurveyPageModel, values: Record<string, string | string[]>, errors: FieldErrors = {}): string {
    // Summary in question order; each links to its question's first control (`q-<id>`).
    const summary = errorSummary(m.questions.filter((q) => errors[q.id]).map((q) => ({ field: `q-${q.id}`, message: errors[q.id] })));
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
        hint: q.kind === 'scale_5' ? '1 is the lowest, 5 the highest' : q.kind === 'scale_10' ? '1 is the lowest, 10 the highest' : multiple ? 'Choose all that apply' : '',
        items: q.options.map((o) => ({ value: o.value, text: o.label, checked: chosen.includes(o.value) })),
      };
    });
    return this.views.render(SURVEY_VIEWS, 'survey.njk', {
      survey: m.survey,
      isPublic: m.isPublic,
      changing: !!m.current && !m.isPublic,
      action: surveyFormAction(m),
      questions,
      errors: summary,
      fieldErrors: summary?.fields ?? {},
    });
  }

  thanks(m: Pick<SurveyPageModel, 'token' | 'isPublic' | 'survey'>): string {
    return this.views.render(SURVEY_VIEWS, 'survey-thanks.njk', { survey: m.survey, isPublic: m.isPublic, action: surveyFormAction(m) });
  }

  error(status: number, message: string): string {
    const title = status >= 500 ? 'Sorry, there is a problem with the service' : (TITLES[status] ?? 'Sorry, that did not work');
    return this.views.render(SURVEY_VIEWS, 'survey-error.njk', { title, message: status >= 500 ? 'Try again later.' : message });
  }
}
