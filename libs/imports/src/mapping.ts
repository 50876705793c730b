import { readdirSync, readFileSync } from 'node:fs';
import { badRequest } from '@beacon/core';
import type { ImportKind } from './import.entity';

/** Beacon's columns for a resident import (the Beacon CSV's header). */
export const RESIDENT_COLUMNS = [
  'email', 'phone', 'first_name', 'last_name', 'postcode', 'ward_code', 'channels', 'topics', 'interest_groups', 'consent_at',
  'signed_up_at', 'email_verified', 'phone_verified', 'source', 'age_band', 'ethnicity', 'language',
] as const;
export const SCHEME_COLUMNS = ['scheme_type', 'scheme_name', 'ward_code', 'email', 'phone', 'role', 'joined_at', 'consent_at', 'source'] as const;
export const LIST_COLUMNS = new Set(['channels', 'topics', 'interest_groups']);

/**
 * How a source system's export maps onto Beacon's columns: one JSON file per system in
 * `mappings/` (so a new system is a file, not code). Headers match case-insensitively;
 * `values` translate a column's values (a list column item by item; "" drops the value, an
 * array gives several).
 */
export interface ImportMapping {
  /** File name without `.json`: the `?mapping=` of the upload. */
  name: string;
  system: string;
  kind: ImportKind;
  dateOrder: 'ymd' | 'dmy';
  listSeparator: string;
  required: string[];
  columns: Record<string, string>;
  values: Record<string, Record<string, string | string[]>>;
}

function check(name: string, m: ImportMapping): ImportMapping {
  const known: readonly string[] = m.kind === 'schemes' ? SCHEME_COLUMNS : RESIDENT_COLUMNS;
  const problems: string[] = [];
  if (!['residents', 'schemes'].includes(m.kind)) problems.push(`kind must be residents or schemes`);
  if (!/^[a-z0-9_-]{1,40}$/.test(m.system ?? '')) problems.push('system must be 1-40 of a-z 0-9 _ -');
  if (!['ymd', 'dmy'].includes(m.dateOrder)) problems.push('dateOrder must be ymd or dmy');
  if (typeof m.listSeparator !== 'string' || m.listSeparator.length !== 1) problems.push('listSeparator must be one character');
  for (const target of Object.values(m.columns ?? {})) if (!known.includes(target)) problems.push(`unknown Beacon column ${target}`);
  for (const r of m.required ?? []) if (!known.includes(r)) problems.push(`unknown required column ${r}`);
  for (const c of Object.keys(m.values ?? {})) if (!known.includes(c)) problems.push(`values for unknown column ${c}`);
  if (problems.length) throw new Error(`Import mapping ${name}.json: ${problems.join('; ')}`);
  return { ...m, name, values: m.values ?? {} };
}

/** Reads and checks every mapping file (at boot: a broken file stops the process, not an import). */
export function loadMappings(dir = new URL('./mappings/', import.meta.url)): Map<string, ImportMapping> {
  const out = new Map<string, ImportMapping>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.slice(0, -'.json'.length);
    out.set(name, check(name, JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ImportMapping));
  }
  return out;
}

/**
 * The header row → Beacon column per position (undefined: a column Beacon does not import).
 * Throws a 400 naming what is missing or repeated.
 */
export function mapHeader(m: ImportMapping, header: string[]): (string | undefined)[] {
  const byLower = new Map(Object.entries(m.columns).map(([src, dst]) => [src.trim().toLowerCase(), dst]));
  const mapped = header.map((h) => byLower.get(String(h).replace(/^\uFEFF/, '').trim().toLowerCase()));
  const seen = new Set<string>();
  for (const c of mapped) {
    if (!c) continue;
    if (seen.has(c)) throw badRequest(`CSV header names ${c} twice`);
    seen.add(c);
  }
  const missing = m.required.filter((c) => !seen.has(c));
  if (missing.length) throw badRequest(`CSV header is missing: ${missing.join(', ')} (mapping ${m.name})`);
  return mapped;
}

/** A cell through the mapping's value map: for list columns, the list. */
export function mapValue(m: ImportMapping, column: string, raw: string): string | string[] {
  const map = m.values[column];
  const one = (v: string): string[] => {
    if (!map || !(v in map)) return [v];
    const to = map[v];
    return (Array.isArray(to) ? to : [to]).filter((x) => x !== '');
  };
  if (LIST_COLUMNS.has(column)) {
    return raw.split(m.listSeparator).map((x) => x.trim()).filter(Boolean).flatMap(one);
  }
  return map ? (one(raw.trim())[0] ?? '') : raw.trim();
}
