/**
 * Server-rendered pages behind `/s/<token>`, GOV.UK-like like the resident pages: no script,
 * every value escaped by the `html` template, an error summary above the form on bad input.
 */
import { attr, html, type SafeHtml } from '@beacon/core';
import type { SurveyPageModel } from './survey-page.model';
import type { SurveyQuestion } from './survey-questions';

export const SURVEY_PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export function layout(title: string, main: SafeHtml, opts: { hasErrors?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${opts.hasErrors ? 'Error: ' : ''}${title} – Beacon</title>
<link rel="stylesheet" href="/assets/beacon.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="width-container"><span class="site-name">Beacon</span> <span class="site-strap">Community messages from your local police</span></div></header>
<div class="width-container">
<main id="main" tabindex="-1">
${main}
</main>
</div>
</body>
</html>
`.value;
}

export type FieldErrors = Record<string, string>;

function errorSummary(errors: FieldErrors, questions: SurveyQuestion[]): SafeHtml {
  const ordered = questions.filter((q) => errors[q.id]);
  if (!ordered.length) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${ordered.map((q) => html`<li><a href="#q-${q.id}">${errors[q.id]}</a></li>`)}</ul>
</div>`;
}

const fieldName = (q: SurveyQuestion) => `q-${q.id}`;

function question(q: SurveyQuestion, value: string | string[] | undefined, error: string | undefined): SafeHtml {
  const name = fieldName(q);
  const err = error ? html`<p class="field-error" id="${name}-error"><span class="visually-hidden">Error:</span> ${error}</p>` : html``;
  const described = attr('aria-describedby', error ? `${name}-error` : null);
  const label = html`${q.text}${q.required ? '' : html` <span class="hint">(optional)</span>`}`;
  if (q.kind === 'free_text') {
    return html`<div class="form-group${error ? ' form-group-error' : ''}">
<label for="${name}">${label}</label>
${err}<textarea class="textarea" id="${name}" name="${name}" rows="5"${attr('maxlength', String(q.maxLength))}${described}>${typeof value === 'string' ? value : ''}</textarea>
</div>`;
  }
  const multiple = q.kind === 'multiple_choice';
  const chosen = Array.isArray(value) ? value : value ? [value] : [];
  const items = q.options.map(
    (o, i) => html`<div class="${multiple ? 'checkbox-item' : 'radio-item'}"><input class="${multiple ? 'checkbox-input' : 'radio-input'}" type="${multiple ? 'checkbox' : 'radio'}" id="${i === 0 ? name : `${name}-${i}`}" name="${name}" value="${o.value}"${attr('checked', chosen.includes(o.value))}><label class="${multiple ? 'checkbox' : 'radio'}" for="${i === 0 ? name : `${name}-${i}`}">${o.label}</label></div>
`,
  );
  const hint = q.kind === 'scale_5' ? '1 is the lowest, 5 the highest' : q.kind === 'scale_10' ? '1 is the lowest, 10 the highest' : multiple ? 'Choose all that apply' : '';
  return html`<div class="form-group${error ? ' form-group-error' : ''}">
<fieldset class="fieldset"${described}>
<legend class="legend">${label}</legend>
${hint ? html`<p class="hint">${hint}</p>` : ''}${err}<div class="${multiple ? 'checkboxes' : 'radios'}">
${items}</div>
</fieldset>
</div>`;
}

export function surveyFormAction(m: Pick<SurveyPageModel, 'token' | 'isPublic'>, suffix = ''): string {
  return `/s/${m.isPublic ? 'p/' : ''}${m.token}${suffix}`;
}

/** The survey form; `values` are the answers to show (saved ones, or what was just typed). */
export function surveyPage(m: SurveyPageModel, values: Record<string, string | string[]>, errors: FieldErrors = {}): string {
  const hasErrors = Object.keys(errors).length > 0;
  const changing = !!m.current && !m.isPublic;
  return layout(
    m.survey.title,
    html`${errorSummary(errors, m.questions)}<h1>${m.survey.title}</h1>
${m.survey.intro ? html`<p>${m.survey.intro}</p>` : ''}${changing ? html`<p class="inset">You have answered this survey. You can change your answers until it closes.</p>` : ''}${m.isPublic ? html`<p class="hint">Your answers are anonymous.</p>` : ''}
<form method="post" action="${surveyFormAction(m)}" novalidate>
${m.questions.map((q) => question(q, values[q.id], errors[q.id]))}
<button type="submit" class="button button-primary">${changing ? 'Save my changes' : 'Send my answers'}</button>
</form>`,
    { hasErrors },
  );
}

export function thanksPage(m: Pick<SurveyPageModel, 'token' | 'isPublic' | 'survey'>): string {
  return layout(
    'Thank you',
    html`<div class="panel"><h1>Thank you</h1><p>Your answers to “${m.survey.title}” have been saved.</p></div>
${m.isPublic ? '' : html`<p><a href="${surveyFormAction(m)}">Change your answers</a> (until the survey closes)</p>`}`,
  );
}

const TITLES: Record<number, string> = { 400: 'This link is not valid', 404: 'Page not found', 409: 'This survey is not open yet', 410: 'This survey has closed', 429: 'Too many attempts' };

export function surveyErrorPage(status: number, message: string): string {
  const title = status >= 500 ? 'Sorry, there is a problem with the service' : (TITLES[status] ?? 'Sorry, that did not work');
  return layout(title, html`<h1>${title}</h1><p>${status >= 500 ? 'Try again later.' : message}</p>`);
}
