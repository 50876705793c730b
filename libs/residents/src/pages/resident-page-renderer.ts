import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { languageCode, LANGUAGES_KNOWN, type LanguageCode } from '@beacon/core';
import { errorSummary, optionsOf, setPageHeaders, ViewRenderer, type PageLanguage, type VocabularyName } from '@beacon/web';
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

/** A text of a resident page: a page catalogue key (with its values), or text already in the page's language. */
export type PageText = { key: string; values?: Record<string, unknown> } | { text: string };
export const k = (key: string, values?: Record<string, unknown>): PageText => ({ key, values });
const say = (t: PageLanguage['t'], p: PageText) => ('key' in p ? t(p.key, p.values) : p.text);

/**
 * A resident page: the strict CSP and no-store headers, the status, the view in the page's
 * language (libs/web `renderPage`) with its error summary. `errors` are page catalogue keys.
 */
@Injectable()
export class ResidentPageRenderer {
  constructor(private readonly views: ViewRenderer) {}

  render(res: Response, status: number, view: string, context: Record<string, unknown> | ((language: PageLanguage) => Record<string, unknown>) = {}, errors: FieldErrors = {}, order: readonly string[] = []): string {
    setPageHeaders(res);
    res.status(status);
    const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
    const summary = errorSummary(
      Object.entries(errors)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([field, message]) => ({ field, message })),
    );
    return this.views.renderPage(res, RESIDENT_VIEWS, view, (language) => ({ notice: null, ...(typeof context === 'function' ? context(language) : context), errors: summary }));
  }

  /** A heading and a few paragraphs (confirmations and errors); `link.before` is a sentence the link follows. */
  message(res: Response, status: number, title: PageText, paragraphs: PageText[], link?: { text: PageText; href: string; before?: PageText }): string {
    return this.render(res, status, 'message.njk', ({ t }) => ({
      title: say(t, title),
      paragraphs: paragraphs.map((p) => say(t, p)),
      link: link ? { href: link.href, text: say(t, link.text), before: link.before ? `${say(t, link.before)} ` : '', after: link.before ? '.' : '' } : null,
    }));
  }
}
