import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import i18next from 'i18next';
import nunjucks from 'nunjucks';
import { InjectConfig, languageCode, LANGUAGES_KNOWN, type AppConfig, type LanguageCode } from '@beacon/core';
import { EN, type Catalogue } from './en';
import { PL } from './pl';
import { UR } from './ur';

/** The languages resident pages are written in (a catalogue each); a force offers those of them in `LANGUAGES`. */
export const PAGE_CATALOGUES: Record<string, Catalogue> = { en: EN, ur: UR, pl: PL };
export const PAGE_LANGUAGE_COOKIE = 'beacon_lang';
/** `res.locals` key: the stored language of the resident a page's token names (set by `PageI18n.useResidentLanguage`). */
const RESIDENT_LANGUAGE = 'beaconResidentLanguage';

/** What a translated page's layout needs: the translator, `lang`/`dir`, and links to the other languages. */
export interface PageLanguage {
  t: (key: string, opts?: Record<string, unknown>) => string;
  /** Vocabulary items (checkboxes, selects) with their text in the page's language (`vocab.<vocabulary>.<value>`); an empty value is "Not given". */
  tItems: <T extends { value?: string; text: string }>(items: T[], vocabulary: string) => T[];
  /** A text with values set in it, the values named in `bold` in <strong> (everything escaped): `tHtml("rating.saved", { rating, title }, ["rating"])`. */
  tHtml: (key: string, values?: Record<string, unknown>, bold?: string[]) => unknown;
  pageLang: string;
  pageDir: 'ltr' | 'rtl';
  languageLinks: { href: string; text: string; lang: string }[];
}

// Texts a page asked for that its language's catalogue lacks ("ur:rating.title"): a test renders every
// resident page and fails on any (the set is bounded by the number of keys in the views).
const missing = new Set<string>();
/** The catalogue texts pages asked for and did not find (in their own language or at all) since the last `clearMissingPageTexts()`. */
export const missingPageTexts = (): string[] => [...missing].sort();
export const clearMissingPageTexts = (): void => missing.clear();

// One i18next instance for the process: catalogues are bundled, so it initialises synchronously.
const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(Object.entries(PAGE_CATALOGUES).map(([code, translation]) => [code, { translation }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  // Nunjucks escapes every value it prints; escaping here as well would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  // A key in no catalogue at all (English included): i18next's missing-key handler records it.
  saveMissing: true,
  missingKeyHandler: (lngs, _ns, key) => {
    for (const l of lngs) missing.add(`${l}:${key}`);
  },
});

/** The translator of one language; a key its own catalogue lacks is recorded, then read in English. */
export function translatorFor(lang: string): PageLanguage['t'] {
  const fixed = instance.getFixedT(lang) as unknown as PageLanguage['t'];
  if (lang === 'en') return fixed;
  return (key, opts) => {
    // In this language alone (plural forms included): English standing in for it is recorded.
    if (!instance.exists(key, { ...opts, lng: lang, fallbackLng: false })) missing.add(`${lang}:${key}`);
    return fixed(key, opts);
  };
}

/** English for pages not yet translated (the views' default `t`). */
export const englishT = translatorFor('en');

// As Nunjucks' autoescape writes them.
const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };
const escapeHtml = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]);
export function htmlTranslator(t: PageLanguage['t']): PageLanguage['tHtml'] {
  return (key, values = {}, bold = []) => {
    // Placeholders no catalogue text contains (private-use characters), swapped for the escaped values.
    const marks = Object.fromEntries(Object.keys(values).map((k) => [k, `\uE000${k}\uE001`]));
    const html = escapeHtml(t(key, marks)).replace(/\uE000(\w+)\uE001/g, (_, k: string) => (bold.includes(k) ? `<strong>${escapeHtml(values[k])}</strong>` : escapeHtml(values[k])));
    return new nunjucks.runtime.SafeString(html);
  };
}
export const englishTHtml = htmlTranslator(englishT);

/**
 * The one resolver of a resident page's language, from the force's languages that have a catalogue:
 * 1. `?lang=<code>` (the page's language links), remembered in a cookie;
 * 2. the stored language of the resident the page's token names (`useResidentLanguage`);
 * 3. the remembered cookie; 4. the browser's Accept-Language; 5. English.
 * A text the catalogue lacks is English (i18next's fallback).
 */
@Injectable()
export class PageI18n {
  /** The force's languages that have a page catalogue, English first. */
  readonly languages: string[];

  constructor(@InjectConfig() config: AppConfig) {
    this.languages = ['en', ...config.languages.filter((l) => l !== 'en' && PAGE_CATALOGUES[l])];
  }

  /** The page is reached from a resident's token: their stored language (free text or a code) is the page's unless they pick another. */
  useResidentLanguage(res: Response, stored: string | null | undefined): void {
    const code = languageCode(stored);
    if (code) (res.locals as Record<string, unknown>)[RESIDENT_LANGUAGE] = code;
  }

  choose(req: Request, res: Response): string {
    const asked = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
    if (asked && this.languages.includes(asked)) {
      res.cookie(PAGE_LANGUAGE_COOKIE, asked, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: 365 * 24 * 3600 * 1000, path: '/' });
      return asked;
    }
    const stored = (res.locals as Record<string, unknown> | undefined)?.[RESIDENT_LANGUAGE];
    if (typeof stored === 'string' && this.languages.includes(stored)) return stored;
    const remembered = (req.cookies as Record<string, unknown> | undefined)?.[PAGE_LANGUAGE_COOKIE];
    if (typeof remembered === 'string' && this.languages.includes(remembered)) return remembered;
    // Without the header, `acceptsLanguages` would answer the first offered; English is the default anyway.
    const accepted = req.headers?.['accept-language'] ? req.acceptsLanguages(...this.languages) : false;
    return typeof accepted === 'string' && this.languages.includes(accepted) ? accepted : 'en';
  }

  /** The page's language and what its layout shows. */
  forRequest(req: Request, res: Response): PageLanguage {
    const lang = this.choose(req, res);
    const t = translatorFor(lang);
    const known = LANGUAGES_KNOWN[lang as LanguageCode];
    return {
      t,
      tHtml: htmlTranslator(t),
      // An empty vocabulary name: items named in their own words (languages); only "Not given" is translated.
      tItems: (items, vocabulary) => items.map((item) => ({ ...item, text: !item.value ? t('layout.notGiven') : vocabulary ? translateLabel(t, lang, vocabulary, item.value, item.text) : item.text })),
      pageLang: lang,
      pageDir: known?.rtl ? 'rtl' : 'ltr',
      languageLinks: this.languages.length > 1 ? this.languages.filter((l) => l !== lang).map((l) => ({ href: linkTo(req, l), text: LANGUAGES_KNOWN[l as LanguageCode].native, lang: l })) : [],
    };
  }
}

/** A stored code's label in the page's language: the catalogue's `vocab.<vocabulary>.<code>`; English pages keep libs/web's vocabulary. */
export function translateLabel(t: PageLanguage['t'], lang: string, vocabulary: string, code: string, english: string): string {
  return lang === 'en' ? english : t(`vocab.${vocabulary}.${code}`, { defaultValue: english });
}

/** The same page in another language: its query kept (a token is the page's session), `lang` replaced. */
function linkTo(req: Request, lang: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) if (k !== 'lang' && typeof v === 'string') q.append(k, v);
  q.append('lang', lang);
  return `${req.path}?${q.toString()}`;
}
