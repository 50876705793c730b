import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Request } from 'express';
import { languageCode, LANGUAGES_KNOWN, type LanguageCode } from '@beacon/core';
import { errorSummary, optionsOf, PageI18n, setPageHeaders, ViewRenderer, type VocabularyName } from '@beacon/web';
import type { FieldErrors } from './form-input';

/** libs/residents' own Nunjucks views (rendered through libs/web's layout and GOV.UK macros). */
export const RESIDENT_VIEWS = new URL('../views/', import.meta.url);

/** Checkbox items with the ids the pages have always had (`topics-crime_alerts`). */
export function checkboxItems(vocabulary: VocabularyName, checked: readonly string[], idPrefix: string) {
  return optionsOf(vocabulary, checked).map(({ value, text, checked: on }) => ({ value, text, checked: on, id: `${idPrefix}-${value}` }));
}

/** Select items with a "Not given" choice first. */
export function selectItems(vocabulary: VocabularyName, selected: string | null | undefined, placeholder?: string) {
  const items = optionsOf(vocabulary, selected ?? []).map(({ value, text, selected: on }) => ({ value, text, selected: on }));
  return placeholder === undefined ? items : [{ value: '', text: placeholder, selected: !selected }, ...items];
}

/**
 * Views whose every text comes from the page catalogues (libs/web `PageI18n`): they are shown in
 * the resident's language, with `lang`/`dir`. The others stay English (and say so with lang="en")
 * until they are translated; add a view here once its texts are all `t(…)`.
 */
const TRANSLATED_VIEWS = new Set(['signup.njk', 'unsubscribe.njk']);

/**
 * The language choice: the force's languages (`LANGUAGES`, English first), each in its own name and
 * in English. A stored language outside the list (free text from an import or an older sign-up) is
 * kept as a choice of its own, so saving the form never changes it unasked.
 */
export function languageItems(offered: readonly string[], selected: string | null | undefined) {
  const code = languageCode(selected);
  const items = offered.map((c) => {
    const known = LANGUAGES_KNOWN[c as LanguageCode];
    return { value: c, text: known.native === known.name ? known.name : `${known.native} (${known.name})`, selected: code === c };
  });
  const kept = selected && !(code && offered.includes(code)) ? [{ value: selected, text: selected, selected: true }] : [];
  return [{ value: '', text: 'Not given', selected: !selected }, ...items, ...kept];
}

/** A resident page: the strict CSP and no-store headers, the status, the view with its error summary. */
@Injectable()
export class ResidentPageRenderer {
  constructor(
    private readonly views: ViewRenderer,
    private readonly i18n: PageI18n,
  ) {}

  render(res: Response, status: number, view: string, context: Record<string, unknown> = {}, errors: FieldErrors = {}, order: readonly string[] = []): string {
    setPageHeaders(res);
    res.status(status);
    const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
    const summary = errorSummary(
      Object.entries(errors)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([field, message]) => ({ field, message })),
    );
    const language = TRANSLATED_VIEWS.has(view) ? this.i18n.forRequest(res.req as Request, res) : {};
    return this.views.render(RESIDENT_VIEWS, view, { notice: null, ...language, ...context, errors: summary, fieldErrors: summary?.fields ?? {} });
  }

  /** A heading and a few paragraphs (confirmations and errors). */
  message(res: Response, status: number, title: string, paragraphs: string[], link?: { text: string; href: string; before?: string; after?: string }): string {
    return this.render(res, status, 'message.njk', { title, paragraphs, link: link ? { before: '', after: '', ...link } : null });
  }
}
