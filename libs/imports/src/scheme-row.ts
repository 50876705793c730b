import { parseImportDate } from './dates';
import { contactCells, one, type RowContext } from './resident-row';

/** A member line as the scheme staging table's COPY takes it (column order = `SCHEME_STAGING_COLUMNS`). */
export const SCHEME_STAGING_COLUMNS = [
  'import_id', 'line', 'invalid_reason', 'raw', 'scheme_type', 'scheme_name', 'ward_code', 'email', 'phone', 'role', 'joined_at', 'consent_at', 'source_system',
] as const;

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
const SOURCE = /^[a-z0-9_-]{1,40}$/;
const TYPE = /^[a-z0-9_]{1,30}$/;
const ROLES = ['member', 'coordinator'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);


/**
 * Normalises and checks one member line (what can be checked without the database: e-mail,
 * UK mobile, ward and NPU, role, dates, consent). The scheme type, the resident and the scheme
 * are resolved in SQL by the classification.
 */
export function stageSchemeRow(ctx: RowContext, importId: string, line: number, cells: Record<string, string>): (string | null)[] {
  const problems: string[] = [];
  const type = one(ctx, cells, 'scheme_type').toLowerCase();
  if (!type) problems.push('no scheme_type');
  else if (!TYPE.test(type)) problems.push(`unknown scheme type ${type.slice(0, 30)}`);
  const name = one(ctx, cells, 'scheme_name').replace(/\s+/g, ' ');
  if (!name) problems.push('no scheme_name');
  else if (name.length > 120 || CONTROL.test(name)) problems.push('scheme_name must be at most 120 characters, no control characters');

  const ward = one(ctx, cells, 'ward_code');
  const wardNpu = ctx.wards.get(ward);
  if (!ward) problems.push('no ward_code');
  else if (!wardNpu) problems.push(`unknown ward ${ward.slice(0, 20)}`);
  else if (ctx.npuCode && wardNpu !== ctx.npuCode) problems.push(`ward ${ward} is outside your NPU (${ctx.npuCode})`);

  const { email, phone } = contactCells(ctx, cells, problems);

  const role = one(ctx, cells, 'role').toLowerCase() || 'member';
  if (!ROLES.includes(role)) problems.push('role must be member or coordinator');

  const date = (column: string): Date | null => {
    const raw = one(ctx, cells, column);
    if (!raw) return null;
    const d = parseImportDate(raw, ctx.mapping.dateOrder);
    if (!d) problems.push(`${column} is not a date (since 2000, not in the future)`);
    return d;
  };
  const joinedAt = date('joined_at');
  const consentAt = date('consent_at');
  // They consented on the old platform: when is the consent's date (joining there is agreeing).
  if (!one(ctx, cells, 'joined_at') && !one(ctx, cells, 'consent_at')) problems.push('missing consent');
  const source = one(ctx, cells, 'source').toLowerCase() || ctx.mapping.system;
  if (!SOURCE.test(source)) problems.push('source must be 1-40 of a-z 0-9 _ -');

  if (problems.length) {
    const raw = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, String(v).replaceAll('\u0000', '').slice(0, 200)]));
    return [importId, String(line), problems.join('; ').slice(0, 300), JSON.stringify(raw), ...Array<null>(SCHEME_STAGING_COLUMNS.length - 4).fill(null)];
  }
  return [importId, String(line), null, null, type, name, ward, email, phone, role, iso(joinedAt), iso(consentAt), source];
}
