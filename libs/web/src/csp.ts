import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOVUK_DIST } from './web-assets';

/**
 * govuk/template.njk's one inline script (it adds `js-enabled` to <body> before anything
 * paints). Its hash, read from the installed package, is the only inline script the CSP
 * allows; Beacon's own script is a served module file.
 */
function templateScriptHash(): string {
  const template = readFileSync(join(GOVUK_DIST, 'govuk', 'template.njk'), 'utf8');
  const m = /<script[^>]*>([^<]*)<\/script>/.exec(template);
  if (!m) throw new Error('govuk/template.njk: inline script not found (govuk-frontend changed?)');
  return `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`;
}

/** Every page of the HTML stack (console and resident pages). */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src 'self' ${templateScriptHash()}`,
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A rendered e-mail shown in an <iframe sandbox> of a console page: no script, no form, only
 * its inline styles (e-mail HTML needs them) and this origin's images; framed by this origin only.
 */
export const EMAIL_PREVIEW_CSP = ["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'"].join('; ');
