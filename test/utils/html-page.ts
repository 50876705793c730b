/**
 * Every <script> tag of a page, the asset version replaced by VERSION. Pages on the HTML stack
 * have exactly the layout's two: GOV.UK's js-enabled line (allowed by its hash in the CSP) and
 * Beacon's one module file. Anything else (an injected value, a new inline script) shows here.
 */
export const pageScripts = (html: string): string[] =>
  [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0].replace(/\/assets\/frontend\/[0-9a-f]{12}\//, '/assets/frontend/VERSION/'));

export const LAYOUT_SCRIPTS = ['<script type="module" src="/assets/frontend/VERSION/beacon.js">', '<script>'];

/** The versioned GOV.UK Frontend stylesheet of the layout. */
export const GOVUK_STYLESHEET = /<link rel="stylesheet" href="\/assets\/frontend\/[0-9a-f]{12}\/govuk-frontend\.min\.css">/;

/** Every visible form control has a <label for=…>. */
export function unlabelledControls(page: string): string[] {
  const ids = [...page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .filter(([, , attrs]) => !/type="(hidden|submit)"/.test(attrs))
    .map(([, tag, attrs]) => /\bid="([^"]+)"/.exec(attrs)?.[1] ?? `<${tag} without id>`);
  return ids.filter((id) => !new RegExp(`<label\\b[^>]*\\bfor="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(page));
}
