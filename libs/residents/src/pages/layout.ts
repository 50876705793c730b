import { html, type SafeHtml } from '@beacon/core';

/** Headers for every resident page: no third-party anything, never cached (links carry tokens). */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** The page shell: GOV.UK-like, one stylesheet, no scripts. */
export function layout(title: string, main: SafeHtml, opts: { hasErrors?: boolean } = {}): string {
  const fullTitle = `${opts.hasErrors ? 'Error: ' : ''}${title} – Beacon`;
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fullTitle}</title>
<link rel="stylesheet" href="/assets/beacon.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="width-container"><a class="site-name" href="/signup">Beacon</a> <span class="site-strap">Community messages from your local police</span></div></header>
<div class="width-container">
<main id="main" tabindex="-1">
${main}
</main>
</div>
<footer class="site-footer"><div class="width-container"><a href="/me">Manage your preferences</a></div></footer>
</body>
</html>
`.value;
}

/** A page with a heading and a few paragraphs (confirmations and errors). */
export function messagePage(title: string, paragraphs: (string | SafeHtml)[], extra?: SafeHtml): string {
  return layout(title, html`<h1>${title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}${extra}`);
}
