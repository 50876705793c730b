// E-mail HTML is the one place the console shows markup: the server renders it with every
// value escaped, and it is shown in an iframe sandboxed without scripts, same-origin access,
// forms or navigation. Trusted Types allow exactly this policy to create HTML.
import { h } from './dom.js';

const policy = window.trustedTypes?.createPolicy('beacon-email-preview', { createHTML: (html) => html });

export function emailFrame(html, title) {
  const frame = h('iframe', { class: 'email-frame', sandbox: '', title, referrerpolicy: 'no-referrer' });
  frame.srcdoc = policy ? policy.createHTML(html) : html;
  return frame;
}

/** Text with its http(s) addresses as links (outbox: follow a verification link in a dev setup). */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const m of String(text).matchAll(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
    parts.push(text.slice(last, m.index));
    parts.push(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
