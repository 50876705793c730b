import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '@beacon/core';
import type { Response } from 'express';
import { PageI18n, ViewRenderer } from '@beacon/web';
import type { RatingPageModel } from './rating-link.service';
import { RatingPages } from './rating-pages';

const config = { env: 'test', languages: ['en'] } as unknown as AppConfig;
const pages = new RatingPages(new ViewRenderer(config, new PageI18n(config)));
// An English request: no ?lang=, cookie or Accept-Language.
const res = { req: { query: {}, cookies: {}, headers: {}, path: '/r/x' }, locals: {} } as unknown as Response;
const renderRatingPage = (m: RatingPageModel) => pages.rating(res, m);
const renderConfirmPage = (m: RatingPageModel & { preselected: number }) => pages.confirm(res, m);
const renderRatedPage = (token: string, title: string, score: number) => pages.rated(res, token, title, score);
const renderErrorPage = (status: number, message: string) => pages.error(res, status, message);
/** Every <script> of a page: only the layout's (GOV.UK's hashed js-enabled line and the one module file). */
const scripts = (html: string) => [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
const LAYOUT_SCRIPTS = ['<script type="module" src="/assets/frontend/VERSION/beacon.js">', '<script>'];
const layoutScripts = (html: string) => scripts(html).map((s) => s.replace(/\/assets\/frontend\/[0-9a-f]{12}\//, '/assets/frontend/VERSION/'));

const model = {
  token: 'abc.def.0123456789abcdef',
  residentId: '00000000-0000-4000-8000-000000000000',
  title: 'A <b>bold</b> "title"',
  body: "It's <script>alert(1)</script>",
  current: null,
  preselected: null,
};

describe('rating pages', () => {
  it('escapes the title, body and comment everywhere they appear', () => {
    const html = renderRatingPage({ ...model, current: { score: 3, comment: '</textarea><script>x</script>' } });
    expect(html).toContain('<title>A &lt;b&gt;bold&lt;/b&gt; &quot;title&quot; – Beacon</title>');
    expect(html).toContain('<h1 class="govuk-heading-l">A &lt;b&gt;bold&lt;/b&gt; &quot;title&quot;</h1>');
    expect(html).toContain('<p>It&#39;s &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('>&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>');
    expect(layoutScripts(html)).toEqual(LAYOUT_SCRIPTS);
    expect(html.match(/class="rating-button(?: [^"]*)?"/g)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `class="rating-button${n === 3 ? ' rating-button--current' : ''} govuk-button govuk-button--secondary"`));
  });

  it('renders a rating given without a comment (the comment box is empty)', () => {
    const html = renderRatingPage({ ...model, current: { score: 6, comment: null } });
    expect(html).toContain('You rated this message 6 – Very useful.');
    expect(html).toMatch(/<textarea [^>]*id="comment"[^>]*><\/textarea>/);
  });

  it('has six labelled score buttons in one form, then a reply form', () => {
    const html = renderRatingPage(model);
    expect(html.match(/<button type="submit" name="score" value="[1-6]"/g)).toHaveLength(6);
    expect(html).toContain('<span class="rating-score">1</span> <span class="rating-label">Not useful</span>');
    expect(html).toContain('<span class="rating-score">6</span> <span class="rating-label">Very useful</span>');
    expect(html.indexOf('class="rating-form"')).toBeLessThan(html.indexOf('class="reply-form"'));
  });

  it('the confirm page carries only the chosen score', () => {
    const html = renderConfirmPage({ ...model, preselected: 5 });
    expect(html).toContain('<input type="hidden" name="score" value="5">');
    expect(html).toContain('5 – Useful');
    expect(html).not.toContain('name="score" value="1"');
  });

  it('thank-you and error pages escape too', () => {
    expect(renderRatedPage(model.token, '<i>x</i>', 6)).toContain('“&lt;i&gt;x&lt;/i&gt;”');
    const err = renderErrorPage(410, 'This link has <expired>');
    expect(err).toContain('<h1 class="govuk-heading-l">This link can no longer be used</h1>');
    expect(err).toContain('<p class="govuk-body">This link has &lt;expired&gt;</p>');
  });
});
