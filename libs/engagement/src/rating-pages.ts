/**
 * Server-rendered pages behind `/r/<token>`. Every value goes through `escapeHtml` (message
 * bodies through `textToHtml`, which escapes with it). Plain forms: they work with JavaScript
 * off, and a small inline baseline keeps them usable on a phone before /assets/beacon.css loads.
 */
import { escapeHtml } from '@beacon/core';
import { textToHtml } from '@beacon/messaging';
import type { RatingPageModel } from './rating-link.service';
import { SCORE_LABELS } from './rating.service';

const SCORES = [1, 2, 3, 4, 5, 6];

// Before the stylesheet link, so beacon.css overrides it.
const BASELINE_STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;font-size:1.125rem;line-height:1.5;color:#0b0c0c;margin:0;padding:1rem}
.beacon-page{max-width:40rem;margin:0 auto}
fieldset{border:0;padding:0;margin:0 0 1.5rem}
legend{font-size:1.375rem;font-weight:bold;margin-bottom:.5rem}
label{display:block;font-weight:bold;margin:.75rem 0 .25rem}
textarea{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #0b0c0c}
button{font:inherit;cursor:pointer;border:2px solid #0b0c0c;background:#fff;color:#0b0c0c;padding:.75rem 1rem;margin-top:.75rem;min-height:3rem}
.rating-buttons{display:grid;grid-template-columns:repeat(auto-fit,minmax(6.5rem,1fr));gap:.5rem}
.rating-button{display:flex;flex-direction:column;align-items:center;margin:0}
.rating-score{font-size:1.75rem;font-weight:bold;line-height:1.2}
.rating-label{font-size:.9rem}
.rating-button--current{background:#0b0c0c;color:#fff}
.hint{color:#505a5f}`;

export const PAGE_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} – Beacon</title>
<style>${BASELINE_STYLE}</style>
<link rel="stylesheet" href="/assets/beacon.css">
</head>
<body>
<main class="beacon-page">
${main}
</main>
</body>
</html>
`;
}

const scoreText = (score: number) => `${score} – ${SCORE_LABELS[score]}`;
const action = (token: string, suffix = '') => escapeHtml(`/r/${token}${suffix}`);

function messageSection(m: Pick<RatingPageModel, 'title' | 'body'>): string {
  return `<h1>${escapeHtml(m.title)}</h1>
<div class="message-body">
${textToHtml(m.body)}
</div>`;
}

function replyForm(token: string, value = '', error?: string): string {
  const described = error ? ' aria-describedby="reply-body-error" aria-invalid="true"' : '';
  const errorLine = error ? `<p class="field-error" id="reply-body-error"><span class="visually-hidden">Error:</span> ${escapeHtml(error)}</p>\n` : '';
  return `<form method="post" action="${action(token, '/reply')}" class="reply-form">
<h2>Reply to the team</h2>
<p class="hint">Not for emergencies: call 999 if a crime is happening now, or 101 to report a crime.</p>
<label for="reply-body">Your reply</label>
${errorLine}<textarea id="reply-body" name="body" rows="5" maxlength="2000" required${described}>${escapeHtml(value)}</textarea>
<button type="submit">Send reply</button>
</form>`;
}

/** The page behind the link: the message, six score buttons (one form) and a reply form. */
export function renderRatingPage(m: RatingPageModel): string {
  const current = m.current?.score;
  const buttons = SCORES.map(
    (n) =>
      `<button type="submit" name="score" value="${n}" class="rating-button${n === current ? ' rating-button--current' : ''}">` +
      `<span class="rating-score">${n}</span> <span class="rating-label">${escapeHtml(SCORE_LABELS[n])}</span></button>`,
  ).join('\n');
  const currentNote = current
    ? `<p class="rating-current">You rated this message ${escapeHtml(scoreText(current))}. Choose again to change your rating.</p>\n`
    : '';
  return layout(
    m.title,
    `${messageSection(m)}
<form method="post" action="${action(m.token)}" class="rating-form">
<fieldset>
<legend>How useful was this message?</legend>
<p class="hint">1 = not useful, 6 = very useful</p>
${currentNote}<label for="comment">Comment (optional): type it first, then choose a score</label>
<textarea id="comment" name="comment" rows="2" maxlength="1000">${escapeHtml(m.current?.comment ?? '')}</textarea>
<div class="rating-buttons">
${buttons}
</div>
</fieldset>
</form>
${replyForm(m.token)}`,
  );
}

/** `?score=N` from a one-tap e-mail link: nothing is stored until the resident confirms. */
export function renderConfirmPage(m: RatingPageModel & { preselected: number }): string {
  return layout(
    m.title,
    `${messageSection(m)}
<form method="post" action="${action(m.token)}" class="rating-form">
<input type="hidden" name="score" value="${m.preselected}">
<p class="rating-choice">Your rating: <strong>${escapeHtml(scoreText(m.preselected))}</strong></p>
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="2" maxlength="1000">${escapeHtml(m.current?.comment ?? '')}</textarea>
<button type="submit" class="rating-confirm">Confirm</button>
</form>
<p><a href="${action(m.token)}">Choose a different score</a></p>`,
  );
}

export function renderRatedPage(token: string, title: string, score: number): string {
  return layout(
    'Thank you',
    `<h1>Thank you</h1>
<p>Your rating of <strong>${escapeHtml(scoreText(score))}</strong> for “${escapeHtml(title)}” has been saved.</p>
<p><a href="${action(token)}">Change your rating</a></p>
${replyForm(token)}`,
  );
}

export function renderRepliedPage(token: string): string {
  return layout(
    'Reply sent',
    `<h1>Thank you</h1>
<p>Your reply has been sent to the neighbourhood team. They will get back to you if they need to.</p>
<p><a href="${action(token)}">Back to the message</a></p>`,
  );
}

/**
 * A reply that was refused (too many): the form again with what they typed, under an error
 * summary (GOV.UK pattern) that links to the field.
 */
export function renderReplyRefusedPage(token: string, typed: string, message: string): string {
  return layout(
    'Error: Too many attempts',
    `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul><li><a href="#reply-body">${escapeHtml(message)}</a></li></ul>
</div>
<h1>Too many attempts</h1>
${replyForm(token, typed, message)}
<p><a href="${action(token)}">Back to the message</a></p>`,
  );
}

const ERROR_TITLES: Record<number, string> = {
  400: 'Sorry, that did not work',
  410: 'This link can no longer be used',
  429: 'Too many attempts',
  503: 'Sorry, the service is unavailable',
};

export function renderErrorPage(statusCode: number, message: string): string {
  const title = ERROR_TITLES[statusCode] ?? 'Something went wrong';
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
