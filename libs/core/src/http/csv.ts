import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

// Spreadsheets skip leading whitespace (spaces, tabs, line breaks, no-break and ideographic
// spaces, zero-width characters) and read compatibility forms (fullwidth ＝＋－＠, small ﹦﹢﹣﹫)
// as the ASCII ones; the minus sign − too. So the test is on the NFKC form, after whitespace.
const LEADING_SPACE = /^[\s\u200B-\u200D\u2060\uFEFF]*/u;
const FORMULA_START = /^[=+\-@\u2212]/u;

/** True when a spreadsheet could read the text as a formula (or a tab/CR-led cell). */
export function looksLikeFormula(s: string): boolean {
  if (/^[\t\r]/.test(s)) return true;
  return FORMULA_START.test(s.normalize('NFKC').replace(LEADING_SPACE, ''));
}

/** RFC 4180 CSV (csv-stringify): quoted when needed, CRLF, spreadsheet formulas neutralised. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (!cols.length) return '\r\n';
  return stringify(rows, {
    header: true,
    columns: cols,
    record_delimiter: 'windows',
    // csv-stringify quotes the whole CRLF only; a lone LF or CR would split the record.
    quoted_match: /[\r\n]/,
    cast: {
      // CSV injection guard: only text can be a formula (numbers such as -5 stay as they are).
      string: (s) => (looksLikeFormula(s) ? `'${s}` : s),
      boolean: (b) => String(b),
      date: (d) => d.toISOString(),
      object: (o) => JSON.stringify(o),
    },
  });
}

export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export class CsvParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

interface ParsedLine {
  record: string[];
  info: { bytes: number };
}

/** Line breaks (CRLF, LF or CR) in src[from, to). */
function breaks(src: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (src[i] === 0x0a || (src[i] === 0x0d && src[i + 1] !== 0x0a)) n++;
  return n;
}

/**
 * Parses CSV text with a header row (csv-parse): header names trimmed and lower-cased, cells
 * trimmed, blank lines skipped; each record keeps the 1-based line it starts on. A structural
 * problem (a short or long row, an unclosed quote) is a CsvParseError naming the line.
 */
export function parseCsv(text: string): { header: string[]; records: CsvRecord[] } {
  let rows: ParsedLine[];
  try {
    rows = parse(text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: true, relax_column_count: true, relax_quotes: true, info: true }) as unknown as ParsedLine[];
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') throw new CsvParseError(e.lines ?? 1, 'unterminated quoted field');
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw new CsvParseError(e.lines ?? 1, e.message);
    throw err;
  }
  if (!rows.length) throw new CsvParseError(1, 'missing header row');
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  // The line a record starts on, from the byte offsets where csv-parse ends each record
  // (its own line count is off when CRLF and LF are mixed).
  const src = Buffer.from(text);
  let end = rows[0].info.bytes;
  let line = 1 + breaks(src, 0, end);
  const records = rows.slice(1).map((r) => {
    let start = end;
    while (src[start] === 0x0a || src[start] === 0x0d) start++; // blank lines skipped
    line += breaks(src, end, start);
    const at = line;
    line += breaks(src, start, r.info.bytes);
    end = r.info.bytes;
    if (r.record.length !== header.length) throw new CsvParseError(at, `expected ${header.length} fields, found ${r.record.length}`);
    return { line: at, values: Object.fromEntries(header.map((h, i) => [h, r.record[i].trim()])) };
  });
  return { header, records };
}
