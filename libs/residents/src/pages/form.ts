import { attr, html, type SafeHtml } from '@beacon/core';

/** Field name → the message shown next to it (and in the summary at the top). */
export type FieldErrors = Record<string, string>;

/** The summary lists errors in the order the fields appear on the page (`order`), then any others. */
export function errorSummary(errors: FieldErrors, order: string[] = []): SafeHtml {
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  const entries = Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b));
  if (!entries.length) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${entries.map(([field, message]) => html`<li><a href="#${field}">${message}</a></li>`)}</ul>
</div>`;
}

function fieldError(field: string, errors: FieldErrors): SafeHtml {
  const message = errors[field];
  return message ? html`<p class="field-error" id="${field}-error"><span class="visually-hidden">Error:</span> ${message}</p>` : html``;
}

/** aria-describedby listing the hint and the error that belong to a field. */
function describedBy(field: string, errors: FieldErrors, hint?: string): SafeHtml {
  const ids = [hint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ');
  return html`${attr('aria-describedby', ids || null)}${attr('aria-invalid', errors[field] ? 'true' : null)}`;
}

export interface TextFieldOptions {
  type?: 'text' | 'email' | 'tel' | 'time';
  hint?: string;
  autocomplete?: string;
  width?: 'short' | 'medium' | 'full';
  inputmode?: string;
  maxlength?: number;
}

export function textField(name: string, label: string, value: string | null | undefined, errors: FieldErrors, o: TextFieldOptions = {}): SafeHtml {
  return html`<div class="form-group${errors[name] ? ' form-group-error' : ''}">
<label for="${name}">${label}</label>
${o.hint ? html`<p class="hint" id="${name}-hint">${o.hint}</p>` : ''}${fieldError(name, errors)}
<input class="input input-${o.width ?? 'full'}" type="${o.type ?? 'text'}" id="${name}" name="${name}"${attr('value', value ?? '')}${attr('autocomplete', o.autocomplete)}${attr('inputmode', o.inputmode)}${attr('maxlength', o.maxlength ? String(o.maxlength) : null)}${describedBy(name, errors, o.hint)}>
</div>`;
}

export interface Option {
  value: string;
  label: string;
}

export function selectField(
  name: string,
  label: string,
  groups: { label?: string; options: Option[] }[],
  selected: string | null | undefined,
  errors: FieldErrors,
  o: { hint?: string; placeholder?: string } = {},
): SafeHtml {
  const option = (opt: Option) => html`<option value="${opt.value}"${attr('selected', opt.value === selected)}>${opt.label}</option>`;
  return html`<div class="form-group${errors[name] ? ' form-group-error' : ''}">
<label for="${name}">${label}</label>
${o.hint ? html`<p class="hint" id="${name}-hint">${o.hint}</p>` : ''}${fieldError(name, errors)}
<select class="select" id="${name}" name="${name}"${describedBy(name, errors, o.hint)}>
${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}${groups.map((g) =>
    g.label ? html`<optgroup label="${g.label}">${g.options.map(option)}</optgroup>` : g.options.map(option),
  )}
</select>
</div>`;
}

/** A group of checkboxes sharing one name; each box has its own id and label. */
export function checkboxes(name: string, legend: string, options: Option[], checked: string[], errors: FieldErrors, o: { hint?: string } = {}): SafeHtml {
  return html`<div class="form-group${errors[name] ? ' form-group-error' : ''}" id="${name}">
<fieldset class="fieldset"${describedBy(name, errors, o.hint)}>
<legend class="legend">${legend}</legend>
${o.hint ? html`<p class="hint" id="${name}-hint">${o.hint}</p>` : ''}${fieldError(name, errors)}
<div class="checkboxes">
${options.map(
  (opt) => html`<div class="checkbox-item"><input class="checkbox-input" type="checkbox" id="${name}-${opt.value}" name="${name}" value="${opt.value}"${attr('checked', checked.includes(opt.value))}><label class="checkbox" for="${name}-${opt.value}">${opt.label}</label></div>
`,
)}</div>
</fieldset>
</div>`;
}

export function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

export function button(label: string, o: { name?: string; value?: string; variant?: 'primary' | 'secondary' | 'warning' } = {}): SafeHtml {
  return html`<button type="submit"${attr('name', o.name)}${attr('value', o.value)} class="button button-${o.variant ?? 'primary'}">${label}</button>`;
}
