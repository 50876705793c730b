import { isEmail } from 'class-validator';
import { isValid as isPostcode, toNormalised } from 'postcode';
import { AGE_BANDS, CHANNELS, ETHNICITIES, INTEREST_GROUPS, normaliseEmail, normalisePhone, TOPICS } from '@beacon/residents';
import { parseImportDate } from './dates';
import { mapValue, type ImportMapping } from './mapping';

/** A line as the staging table's COPY takes it (column order = `STAGING_COLUMNS`). */
export const STAGING_COLUMNS = [
  'import_id', 'line', 'invalid_reason', 'raw', 'email', 'phone', 'first_name', 'last_name', 'postcode', 'ward_code', 'channels', 'topics',
  'interests', 'consent_at', 'signed_up_at', 'email_verified', 'phone_verified', 'source_system', 'age_band', 'ethnicity', 'language',
] as const;

export interface RowContext {
  mapping: ImportMapping;
  /** ward code → NPU code */
  wards: Map<string, string>;
  /** The uploader's NPU: rows for other NPUs' wards are rejected. null = force-wide. */
  npuCode: string | null;
}

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
const SOURCE = /^[a-z0-9_-]{1,40}$/;
const TRUE = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f', '']);
const pgArray = (xs: string[]) => `{${xs.join(',')}}`;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function list(ctx: RowContext, cells: Record<string, string>, column: string, allowed: readonly string[], what: string, problems: string[]): string[] {
  const raw = cells[column];
  if (raw === undefined || raw === '') return [];
  const items = [...new Set(mapValue(ctx.mapping, column, raw) as string[])];
  const unknown = items.filter((x) => !allowed.includes(x));
  if (unknown.length) problems.push(`unknown ${what}: ${unknown.join(', ').slice(0, 80)}`);
  return items.filter((x) => allowed.includes(x));
}

/** A cell through the mapping's value rules ('' when the column is absent). */
export function one(ctx: RowContext, cells: Record<string, string>, column: string): string {
  const raw = cells[column];
  return raw === undefined ? '' : (mapValue(ctx.mapping, column, raw) as string);
}

/** The line's e-mail and phone, normalised as libs/residents does; what is wrong goes to `problems`. */
export function contactCells(ctx: RowContext, cells: Record<string, string>, problems: string[]): { email: string | null; phone: string | null; rawEmail: string; rawPhone: string } {
  const rawEmail = one(ctx, cells, 'email');
  const rawPhone = one(ctx, cells, 'phone');
  let email: string | null = null;
  let phone: string | null = null;
  if (rawEmail) {
    email = normaliseEmail(rawEmail);
    if (email.length > 254 || !isEmail(email)) problems.push('bad e-mail address');
  }
  if (rawPhone) {
    phone = normalisePhone(rawPhone);
    if (!phone) problems.push('not a UK mobile number');
  }
  if (!rawEmail && !rawPhone) problems.push('no e-mail or phone');
  return { email, phone, rawEmail, rawPhone };
}

/**
 * Normalises and checks one line (e-mail lower-cased, phone to E.164 UK mobile, postcode
 * formatted, ward known and in the uploader's NPU, consent given). Returns the COPY row: a
 * valid line's normalised values, or an invalid line's reason and raw cells.
 */
export function stageResidentRow(ctx: RowContext, importId: string, line: number, cells: Record<string, string>): (string | null)[] {
  const problems: string[] = [];
  const { email, phone, rawEmail, rawPhone } = contactCells(ctx, cells, problems);

  const ward = one(ctx, cells, 'ward_code');
  const wardNpu = ctx.wards.get(ward);
  if (!ward) problems.push('no ward_code');
  else if (!wardNpu) problems.push(`unknown ward ${ward.slice(0, 20)}`);
  else if (ctx.npuCode && wardNpu !== ctx.npuCode) problems.push(`ward ${ward} is outside your NPU (${ctx.npuCode})`);

  const consentRaw = one(ctx, cells, 'consent_at');
  const consentAt = consentRaw ? parseImportDate(consentRaw, ctx.mapping.dateOrder) : null;
  if (!consentRaw) problems.push('missing consent');
  else if (!consentAt) problems.push('consent_at is not a date (since 2000, not in the future)');
  const signedRaw = one(ctx, cells, 'signed_up_at');
  const signedUpAt = signedRaw ? parseImportDate(signedRaw, ctx.mapping.dateOrder) : null;
  if (signedRaw && !signedUpAt) problems.push('signed_up_at is not a date (since 2000, not in the future)');

  const flag = (column: string): boolean => {
    const v = one(ctx, cells, column).toLowerCase();
    if (TRUE.has(v)) return true;
    if (!FALSE.has(v)) problems.push(`${column} must be true or false`);
    return false;
  };
  const emailVerified = flag('email_verified') && !!email;
  const phoneVerified = flag('phone_verified') && !!phone;

  let channels = list(ctx, cells, 'channels', CHANNELS, 'channel', problems);
  if (!channels.length && !cells.channels) channels = [...(email ? ['email'] : []), ...(phone ? ['sms'] : [])];
  if (channels.includes('email') && !rawEmail) problems.push('channels include email but there is no e-mail');
  if (channels.includes('sms') && !rawPhone) problems.push('channels include sms but there is no phone');
  const topics = list(ctx, cells, 'topics', TOPICS, 'topic', problems);
  const interests = list(ctx, cells, 'interest_groups', INTEREST_GROUPS, 'interest group', problems);

  const text = (column: string, max: number): string | null => {
    const v = one(ctx, cells, column);
    if (!v) return null;
    if (v.length > max || CONTROL.test(v)) problems.push(`${column} must be at most ${max} characters, no control characters`);
    return v;
  };
  const firstName = text('first_name', 80);
  const lastName = text('last_name', 80);
  const language = text('language', 40);
  const rawPostcode = one(ctx, cells, 'postcode');
  let postcode: string | null = null;
  if (rawPostcode) {
    if (isPostcode(rawPostcode)) postcode = toNormalised(rawPostcode);
    else problems.push('bad postcode');
  }
  const choice = (column: string, allowed: readonly string[]): string | null => {
    const v = one(ctx, cells, column);
    if (!v) return null;
    if (!allowed.includes(v)) problems.push(`${column} must be one of: ${allowed.join(', ')}`);
    return v;
  };
  const ageBand = choice('age_band', AGE_BANDS);
  const ethnicity = choice('ethnicity', ETHNICITIES);
  const source = one(ctx, cells, 'source').toLowerCase() || ctx.mapping.system;
  if (!SOURCE.test(source)) problems.push('source must be 1-40 of a-z 0-9 _ -');

  if (problems.length) {
    // The raw cells go to the rejected-rows report (7 days); NUL cannot be stored, long cells are cut.
    const raw = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, String(v).replaceAll('\u0000', '').slice(0, 200)]));
    return [importId, String(line), problems.join('; ').slice(0, 300), JSON.stringify(raw), ...Array<null>(STAGING_COLUMNS.length - 4).fill(null)];
  }
  return [
    importId, String(line), null, null, email, phone, firstName, lastName, postcode, ward, pgArray(channels), pgArray(topics), pgArray(interests),
    iso(consentAt), iso(signedUpAt), String(emailVerified), String(phoneVerified), source, ageBand, ethnicity, language,
  ];
}
