import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { toCsv } from '@beacon/core';
import { monthName } from './view-renderer';
import { labelFor, type VocabularyName } from './vocabulary';

/** `labels`: a CSV for people; `keys`: the same table for machines. */
export type CsvHeadings = 'labels' | 'keys';

/** `?format=csv&columns=labels|keys`, taken by every report route that answers CSV. */
export class ReportFormatDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
  @ApiPropertyOptional({ enum: ['labels', 'keys'], default: 'labels', description: 'CSV headings and coded values: words for people (default), or the JSON field names and codes, for machines' })
  @IsOptional() @IsIn(['labels', 'keys']) columns?: CsvHeadings;
}

export interface ReportCsvOptions {
  /** The columns in order (default: every field of the rows, in the order first seen). */
  columns?: readonly string[];
  headings?: CsvHeadings;
  /** Fields holding codes, with the vocabulary naming them (or a row's own, e.g. by its measure): in words for people, codes for machines. */
  codes?: Readonly<Record<string, VocabularyName | ((row: Record<string, unknown>) => VocabularyName | undefined)>>;
}

/**
 * A report table as CSV. For people (default): headed by `reportColumn` ("New sign-ups",
 * "Budget (pence)"), coded values and months ("August 2019") in words; with `headings: 'keys'`: the JSON field names
 * and codes, so a machine reads the same columns as the JSON. For people, a totals line reads
 * "Total", and a column holding ids (UUIDs: an author, a team) is left out (its name column is
 * beside it); machines keep both.
 */
export function reportCsv(rows: readonly Record<string, unknown>[], options: ReportCsvOptions = {}): string {
  const all = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (options.headings === 'keys') return toCsv([...rows], [...all]);
  // An id (an author's or a team's UUID) is for machines: people read the name column beside it.
  const keys = all.filter((k) => !rows.some((r) => typeof r[k] === 'string' && UUID.test(r[k])));
  const codes = options.codes ?? REPORT_CODES;
  const heading = (key: string) => labelFor('reportColumn', key);
  const word = (r: Record<string, unknown>, k: string) => {
    const code = r[k];
    const vocabulary = typeof codes[k] === 'function' ? codes[k](r) : codes[k];
    if (vocabulary && typeof code === 'string') return labelFor(vocabulary, code);
    // A totals line is "Total" for people (TOTAL for machines).
    if (code === TOTAL) return 'Total';
    // Months in words ("August 2019"), as people read them; machines keep YYYY-MM.
    return MONTH_FIELDS.has(k) && typeof code === 'string' && /^\d{4}-\d{2}$/.test(code) ? monthName(code) : code;
  };
  const worded = rows.map((r) => Object.fromEntries(keys.map((k) => [heading(k), word(r, k)])));
  return toCsv(worded, keys.map(heading));
}

const MONTH_FIELDS = new Set(['month', 'from', 'to']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The code a report's totals line carries in its first column (schemes, cadets, ACF). */
export const TOTAL = 'TOTAL';

/** The codes in report tables and the vocabulary naming each (schemes, cadets, ACF, the SIM pack, the QPR). */
export const REPORT_CODES: NonNullable<ReportCsvOptions['codes']> = {
  section: 'reportSection',
  figure: 'qprFigure',
  source: 'signupSource',
  type: 'schemeType',
  theme: 'bidTheme',
  language: 'language',
  dimension: 'reportDimension',
  category: (row) => (row.dimension === 'age_band' ? 'ageBand' : row.dimension === 'ethnicity' ? 'ethnicity' : undefined),
};
