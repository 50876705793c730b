/**
 * What an import does to a resident already in Beacon (matched by e-mail or phone), field by
 * field. One list, read by the apply SQL (`ResidentImportRepository`) and by the dry-run report
 * (`importDecisionSql`), so the report says exactly what the commit does.
 *
 * - `fill`: Beacon's value wins; the import only fills a field Beacon has empty. Beacon's record
 *   is the newer one (the resident or staff changed it after the switch), so it is never
 *   overwritten.
 * - `earliest`: the earlier timestamp wins (consent and sign-up history go back to the
 *   original date).
 */
export type ImportFieldRule = 'fill' | 'earliest';

export interface ImportField {
  /** Name in the report. */
  field: string;
  /** Column of `resident`. */
  column: string;
  /** Column of the staged row. */
  staged: string;
  rule: ImportFieldRule;
}

export const IMPORT_FIELDS: readonly ImportField[] = [
  { field: 'email', column: 'email', staged: 'email', rule: 'fill' },
  { field: 'phone', column: 'phone_e164', staged: 'phone', rule: 'fill' },
  { field: 'firstName', column: 'first_name', staged: 'first_name', rule: 'fill' },
  { field: 'lastName', column: 'last_name', staged: 'last_name', rule: 'fill' },
  { field: 'postcode', column: 'postcode', staged: 'postcode', rule: 'fill' },
  { field: 'wardCode', column: 'ward_code', staged: 'ward_code', rule: 'fill' },
  { field: 'ageBand', column: 'age_band', staged: 'age_band', rule: 'fill' },
  { field: 'ethnicity', column: 'ethnicity', staged: 'ethnicity', rule: 'fill' },
  { field: 'language', column: 'language', staged: 'language', rule: 'fill' },
  { field: 'consentAt', column: 'consent_at', staged: 'consent_at', rule: 'earliest' },
];

/**
 * The staged row a resident import reads (the imports lib's staging table; one row per line).
 * `outcome` is 'new' (create `resident_id`), 'matched' (merge into `resident_id`) or anything
 * else (skipped). Lists are varchar[]; an empty topic list means every topic.
 */
export const STAGED_RESIDENT_COLUMNS = [
  'import_id', 'line', 'outcome', 'resident_id', 'email', 'phone', 'first_name', 'last_name', 'postcode', 'ward_code',
  'channels', 'topics', 'interests', 'consent_at', 'signed_up_at', 'email_verified', 'phone_verified', 'source_system',
  'age_band', 'ethnicity', 'language',
] as const;

/** When the import says an address was verified: the source has no verification date, so its sign-up (or consent) date. */
export const stagedVerifiedAt = (s: string) => `coalesce(${s}.signed_up_at, ${s}.consent_at)`;

/**
 * SQL for a matched row (`s` the staged row, `r` the resident): `kept` lists the fields where
 * Beacon's value wins over a different imported one, `filled` those the import fills or moves
 * earlier (including `emailVerified`, `phoneVerified` and `channels`).
 */
export function importDecisionSql(s: string, r: string): { kept: string; filled: string } {
  const kept = IMPORT_FIELDS.map((f) =>
    f.rule === 'fill'
      ? `CASE WHEN ${r}.${f.column} IS NOT NULL AND ${s}.${f.staged} IS NOT NULL AND ${r}.${f.column}::text <> ${s}.${f.staged}::text THEN '${f.field}' END`
      : `CASE WHEN ${s}.${f.staged} > ${r}.${f.column} THEN '${f.field}' END`,
  );
  const filled = IMPORT_FIELDS.map((f) =>
    f.rule === 'fill'
      ? `CASE WHEN ${r}.${f.column} IS NULL AND ${s}.${f.staged} IS NOT NULL THEN '${f.field}' END`
      : `CASE WHEN ${s}.${f.staged} < ${r}.${f.column} THEN '${f.field}' END`,
  );
  filled.push(
    `CASE WHEN ${r}.email_verified_at IS NULL AND ${s}.email_verified AND coalesce(${r}.email, ${s}.email) = ${s}.email THEN 'emailVerified' END`,
    `CASE WHEN ${r}.phone_verified_at IS NULL AND ${s}.phone_verified AND coalesce(${r}.phone_e164, ${s}.phone) = ${s}.phone THEN 'phoneVerified' END`,
  );
  return {
    kept: `array_remove(ARRAY[${kept.join(', ')}]::varchar[], NULL)`,
    filled: `array_remove(ARRAY[${filled.join(', ')}]::varchar[], NULL)`,
  };
}
