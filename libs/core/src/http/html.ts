/**
 * Server-rendered HTML without a template engine. `html\`…\`` escapes every interpolated
 * value with escapeHtml unless it is already SafeHtml (the result of another html\`\`), so a
 * value cannot reach a page unescaped by forgetting to call the helper.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** The one escaping helper: text and attribute values (attributes are always double-quoted). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** ` attr="value"` when value is set, nothing otherwise; `true` gives a bare boolean attribute. */
export function attr(name: string, value: string | boolean | null | undefined): SafeHtml {
  if (value === undefined || value === null || value === false) return new SafeHtml('');
  return value === true ? new SafeHtml(` ${name}`) : html` ${new SafeHtml(name)}="${value}"`;
}
