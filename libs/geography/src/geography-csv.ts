import { badRequest, CsvParseError, parseCsv, type CsvRecord } from '@beacon/core';

/** A small CSV (a lookup, a mapping) read whole: a 400 for a body that is not one, with the line of a broken record. */
export function readCsv(text: unknown): { header: string[]; records: CsvRecord[] } {
  if (typeof text !== 'string' || !text.trim()) throw badRequest('Send the CSV as a text/csv body');
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvParseError) throw badRequest(`CSV ${e.message}`);
    throw e;
  }
  if (!parsed.records.length) throw badRequest('CSV has no data rows');
  return parsed;
}

/** Every line's problems, or a 400 listing the first 20 with their line numbers (nothing is written). */
export function rejectIfErrors(errors: string[]): void {
  if (errors.length) throw badRequest(`CSV rejected, nothing imported: ${errors.slice(0, 20).join(' | ')}`, errors);
}

/** The one header column matching `pattern` (ONS column names carry the year: WD24CD), or a 400. */
export function column(header: string[], pattern: RegExp, what: string): string {
  const found = header.filter((h) => pattern.test(h));
  if (found.length !== 1) throw badRequest(found.length ? `CSV header has more than one ${what} column: ${found.join(', ')}` : `CSV header is missing the ${what} column`);
  return found[0];
}

/** An ONS GSS code (E05… ward, E08… local authority …): a letter and eight digits. */
export const GSS_CODE = /^[EWSN]\d{8}$/;
/** An ONS ward: E05 (England), W05 (Wales), S13 (Scotland) or N08 (Northern Ireland) and six digits. */
export const ONS_WARD_CODE = /^(E05|W05|S13|N08)\d{6}$/;

/**
 * A ward code Beacon accepts: an ONS ward code, or a short code of Beacon's own (BE01). A code that
 * starts like an ONS code (a letter, then a digit) must be a whole ONS ward code, so a cut or a
 * local authority code (E08…) is refused rather than becoming a ward.
 */
export function wardCodeProblem(code: string): string | null {
  if (/^[A-Za-z]\d/.test(code)) return ONS_WARD_CODE.test(code) ? null : 'ward_code must be an ONS ward code like E05011121';
  return /^[A-Za-z0-9_-]{2,16}$/.test(code) ? null : 'ward_code must be 2-16 letters, digits, - or _';
}
