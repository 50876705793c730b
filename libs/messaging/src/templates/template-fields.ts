/**
 * Template fields: `{{ name }}` in a template's title or body, a lower-case name
 * (`location`, `crime_ref`). Rendering fills every field with plain text, so what residents get
 * never holds template syntax: an unknown or missing field, or braces left over, is a 400.
 */
import { badRequest } from '@beacon/core';

const FIELD = /\{\{\s*([a-z][a-z0-9_]{0,39})\s*\}\}/g;
const BRACES = /\{\{|\}\}/;

/** The fields a text names, in order of first use; 400 when it holds braces that are not a field. */
export function fieldsOf(text: string, what = 'text'): string[] {
  const names = [...text.matchAll(FIELD)].map((m) => m[1]);
  if (BRACES.test(text.replace(FIELD, ''))) {
    throw badRequest(`${what}: fields are written {{name}} with a lower-case name (letters, digits, _), and braces are used for nothing else`);
  }
  return [...new Set(names)];
}

/** The fields of several texts (a template's title and body), in order of first use. */
export function fieldsOfAll(texts: Record<string, string>): string[] {
  return [...new Set(Object.entries(texts).flatMap(([what, text]) => fieldsOf(text, what)))];
}

/** 400 when a field value is empty, too long, or itself template syntax. */
export function checkFieldValues(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !value.trim()) throw badRequest(`fields.${name}: must be a non-empty string`);
    if (value.length > 500) throw badRequest(`fields.${name}: must be 500 characters or fewer`);
    if (BRACES.test(value)) throw badRequest(`fields.${name}: must not contain {{ or }}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) throw badRequest(`fields.${name}: must not contain control characters`);
    out[name] = value.trim();
  }
  return out;
}

/**
 * Fills `text`'s fields from `values`. `allowed`: the template's fields (a field outside them is
 * unknown); every field the text uses must have a value.
 */
export function renderFields(text: string, values: Record<string, string>, allowed: readonly string[], what = 'text'): string {
  const used = fieldsOf(text, what);
  const unknown = used.filter((f) => !allowed.includes(f));
  if (unknown.length) throw badRequest(`${what}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `{{${f}}}`).join(', ')} (the template has ${allowed.length ? allowed.join(', ') : 'no fields'})`);
  const missing = used.filter((f) => values[f] === undefined);
  if (missing.length) throw badRequest(`fields: missing ${missing.join(', ')}`);
  return text.replace(FIELD, (_, name: string) => values[name]);
}
