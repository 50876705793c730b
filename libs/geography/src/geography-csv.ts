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
