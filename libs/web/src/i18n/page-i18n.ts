import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import i18next from 'i18next';
import { InjectConfig, LANGUAGES_KNOWN, type AppConfig, type LanguageCode } from '@beacon/core';
import { EN, type Catalogue } from './en';
import { PL } from './pl';
import { UR } from './ur';

/** The languages resident pages are written in (a catalogue each); a force offers those of them in `LANGUAGES`. */
export const PAGE_CATALOGUES: Record<string, Catalogue> = { en: EN, ur: UR, pl: PL };
export const PAGE_LANGUAGE_COOKIE = 'beacon_lang';

/** What a translated page's layout needs: the translator, `lang`/`dir`, and links to the other languages. */
export interface PageLanguage {
  t: (key: string, opts?: Record<string, unknown>) => string;
  /** Vocabulary items (checkboxes, selects) with their text in the page's language where the catalogue has it; an empty value is "Not given". */
  tItems: <T extends { value?: string; text: string }>(items: T[], vocabulary: string) => T[];
  pageLang: string;
  pageDir: 'ltr' | 'rtl';
  languageLinks: { href: string; text: string; lang: string }[];
}

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
});

/** English for pages not yet translated (the views' default `t`). */
export const englishT = instance.getFixedT('en') as unknown as PageLanguage['t'];

/**
 * Resident pages in the resident's language: `?lang=<code>` (a language the force offers with a
 * catalogue) chooses it and is remembered in a cookie; otherwise the cookie's; otherwise English.
 * A text the catalogue lacks is English (i18next's fallback).
 */
@Injectable()
export class PageI18n {
  /** The force's languages that have a page catalogue, English first. */
  readonly languages: string[];

  constructor(@InjectConfig() config: AppConfig) {
    this.languages = ['en', ...config.languages.filter((l) => l !== 'en' && PAGE_CATALOGUES[l])];
  }

  choose(req: Request, res: Response): string {
    const asked = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
    if (asked && this.languages.includes(asked)) {
      res.cookie(PAGE_LANGUAGE_COOKIE, asked, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: 365 * 24 * 3600 * 1000, path: '/' });
      return asked;
    }
    const remembered = (req.cookies as Record<string, unknown> | undefined)?.[PAGE_LANGUAGE_COOKIE];
    return typeof remembered === 'string' && this.languages.includes(remembered) ? remembered : 'en';
  }

  /** The page's language and what its layout shows. */
  forRequest(req: Request, res: Response): PageLanguage {
    const lang = this.choose(req, res);
    const t = instance.getFixedT(lang) as unknown as PageLanguage['t'];
    const known = LANGUAGES_KNOWN[lang as LanguageCode];
    const path = req.path;
    return {
      t,
      tItems: (items, vocabulary) => items.map((item) => ({ ...item, text: item.value ? t(`vocab.${vocabulary}.${item.value}`, { defaultValue: item.text }) : t('layout.notGiven') })),
      pageLang: lang,
      pageDir: known?.rtl ? 'rtl' : 'ltr',
      languageLinks: this.languages.length > 1 ? this.languages.filter((l) => l !== lang).map((l) => ({ href: `${path}?lang=${l}`, text: LANGUAGES_KNOWN[l as LanguageCode].native, lang: l })) : [],
    };
  }
}
