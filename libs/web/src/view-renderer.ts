import { Injectable } from '@nestjs/common';
import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InjectConfig, type AppConfig } from '@beacon/core';
import type { Response } from 'express';
import { englishT, englishTHtml, PageI18n, translateLabel, type PageLanguage } from './i18n/page-i18n';
import { translateErrorSummary, type ErrorSummaryView } from './form-errors';
import { labelFor, STATUS_TAG_COLOURS } from './vocabulary';
import { GOVUK_DIST, MOJ_ROOT, WebAssets } from './web-assets';

const WEB_VIEWS = fileURLToPath(new URL('./views/', import.meta.url));
const LONDON = 'Europe/London';

const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true });
// Dates on a translated page are written in its language (month names, order), still in UK time.
const localFormats = new Map<string, { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat }>();
function formatsFor(lang: unknown): { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat } | null {
  if (typeof lang !== 'string' || lang === 'en') return null;
  let f = localFormats.get(lang);
  if (!f) {
    f = { date: new Intl.DateTimeFormat(lang, { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' }), dateTime: new Intl.DateTimeFormat(lang, { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' }) };
    localFormats.set(lang, f);
  }
  return f;
}
/** What a filter sees as `this` (Nunjucks calls filters with the render context). */
interface FilterContext {
  lookup(name: string): unknown;
}
const pageLangOf = (ctx: FilterContext | undefined): string => {
  const l = ctx?.lookup?.('pageLang');
  return typeof l === 'string' ? l : 'en';
};
const labelIn = (ctx: FilterContext | undefined, vocabulary: string, code: unknown, strict: boolean): string => {
  const english = labelFor(vocabulary, code, strict);
  const lang = pageLangOf(ctx);
  if (lang === 'en' || code === null || code === undefined || code === '') return english;
  return translateLabel(ctx!.lookup('t') as PageLanguage['t'], lang, vocabulary, String(code), english);
};
const monthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const numberFormat = new Intl.NumberFormat('en-GB');
const poundsFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

const toDate = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};

/** "2026-11" → "November 2026" (a report month; never shown as its code). */
export function monthName(month: unknown): string {
  const m = /^(\d{4})-(\d{2})/.exec(String(month ?? ''));
  return m ? monthFormat.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : String(month ?? '');
}

export interface ViewEnvironmentOptions {
  /** Folders searched first (an app's or lib's own views), then libs/web's, then the packages'. */
  viewDirs?: string[];
  /** Tests: an undefined variable or an unknown code fails the render instead of printing nothing. */
  strict?: boolean;
  assetPath: string;
}

/**
 * The Nunjucks environment of every page: autoescape on (every value is escaped unless a
 * template says `| safe`), GOV.UK and MoJ component macros on the search path (`govuk/…`,
 * `moj/…`), and the filters that turn stored values into words.
 */
export function createViewEnvironment(o: ViewEnvironmentOptions): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([...(o.viewDirs ?? []), WEB_VIEWS, GOVUK_DIST, MOJ_ROOT], { noCache: false });
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: !!o.strict, trimBlocks: true, lstripBlocks: true });
  // On a translated page a label is the catalogue's `vocab.<vocabulary>.<code>` (English otherwise).
  env.addFilter('label', function (this: FilterContext, code: unknown, vocabulary: string) {
    return labelIn(this, vocabulary, code, !!o.strict);
  });
  env.addFilter('labels', function (this: FilterContext, codes: unknown, vocabulary: string) {
    return Array.isArray(codes) ? codes.map((c) => labelIn(this, vocabulary, c, !!o.strict)).join(', ') : '';
  });
  env.addFilter('tagColour', (code: unknown) => `govuk-tag--${STATUS_TAG_COLOURS[String(code)] ?? 'grey'}`);
  env.addFilter('date', function (this: FilterContext, v: unknown) {
    const d = toDate(v);
    return d ? (formatsFor(pageLangOf(this))?.date ?? dateFormat).format(d) : '';
  });
  env.addFilter('dateTime', function (this: FilterContext, v: unknown) {
    const d = toDate(v);
    if (!d) return '';
    const local = formatsFor(pageLangOf(this));
    return local ? local.dateTime.format(d) : dateTimeFormat.format(d).replace(' am', 'am').replace(' pm', 'pm');
  });
  env.addFilter('month', monthName);
  env.addFilter('number', (v: unknown) => (v === null || v === undefined || v === '' ? '–' : numberFormat.format(Number(v))));
  env.addFilter('pounds', (pence: unknown) => (pence === null || pence === undefined ? '–' : poundsFormat.format(Number(pence) / 100)));
  env.addFilter('plural', (n: unknown, one: string, many: string) => (Number(n) === 1 ? one : many));
  env.addGlobal('assetPath', o.assetPath);
  // Pages not yet translated are English: `t` reads the English catalogue; a translated page's context overrides these.
  env.addGlobal('t', englishT);
  env.addGlobal('tHtml', englishTHtml);
  env.addGlobal('tItems', <T>(items: T[]) => items);
  env.addGlobal('pageLang', 'en');
  env.addGlobal('pageDir', 'ltr');
  env.addGlobal('languageLinks', []);
  return env;
}

/** Renders a view with the layout's globals; one per process (templates are compiled once). */
@Injectable()
export class ViewRenderer {
  readonly assets = new WebAssets();
  private readonly envs = new Map<string, nunjucks.Environment>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly i18n: PageI18n,
  ) {}

  /**
   * A resident page: the view in the language `PageI18n` chooses for this request (`t`, `lang`,
   * `dir`, the language links). Every resident-facing view is rendered through here.
   */
  renderPage(res: Response, dir: string | URL, view: string, context: Record<string, unknown> | ((language: PageLanguage) => Record<string, unknown>) = {}): string {
    const language = this.i18n.forRequest(res.req, res);
    const values = typeof context === 'function' ? context(language) : context;
    const errors = translateErrorSummary(values.errors as ErrorSummaryView | null | undefined, language.t);
    return this.render(dir, view, { ...language, ...values, errors, fieldErrors: errors?.fields ?? {} });
  }

  /** `dir` is the folder of the calling feature's views (e.g. `new URL('./views/', import.meta.url)`). */
  render(dir: string | URL, view: string, context: Record<string, unknown> = {}): string {
    const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
    let env = this.envs.get(folder);
    if (!env) {
      env = createViewEnvironment({ viewDirs: [folder], strict: this.config.env === 'test', assetPath: this.assets.path });
      this.envs.set(folder, env);
    }
    return env.render(view, { serviceName: 'Beacon', ...context });
  }
}

/**
 * An error page's heading and text: on an English page the caller's own (the domain message says
 * what went wrong); in another language the catalogue's for the status (domain messages are English).
 */
export function localisedError(language: PageLanguage, status: number, title: string, message: string): { title: string; message: string } {
  if (language.pageLang === 'en') return { title, message };
  const key = ['400', '401', '403', '404', '409', '410', '413', '429', '503'].includes(String(status)) ? String(status) : '500';
  return { title: language.t(`errorPage.title.${key}`), message: language.t(`errorPage.text.${key}`) };
}

export const viewsDir = (moduleUrl: string, sub = 'views') => join(fileURLToPath(new URL('.', moduleUrl)), sub);
