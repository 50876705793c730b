import { describe, expect, it } from '@jest/globals';
import { attr, escapeHtml, html } from './html';

describe('html', () => {
  it('escapes every interpolated value, once', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    const inner = html`<b>${'a & b'}</b>`;
    expect(html`<div>${inner}${[html`<i>${"'"}</i>`, '<u>']}</div>`.value).toBe('<div><b>a &amp; b</b><i>&#39;</i>&lt;u&gt;</div>');
    expect(escapeHtml(null)).toBe('');
  });

  it('writes attributes only when set', () => {
    expect(html`<input${attr('value', '"x"')}${attr('checked', true)}${attr('disabled', false)}>`.value).toBe('<input value="&quot;x&quot;" checked>');
  });
});
