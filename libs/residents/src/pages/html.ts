// The page helpers live in core so every lib's pages and e-mails escape the same way.
export { attr, escapeHtml, html, SafeHtml } from '@beacon/core';
