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

/** RFC 4180 CSV: the writer quotes when needed and neutralises spreadsheet formulas. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    let s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (typeof v === 'string' && looksLikeFormula(s)) s = `'${s}`; // CSV injection guard
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
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

/** Parses CSV text with a header row; each record keeps its 1-based line number. */
export function parseCsv(text: string): { header: string[]; records: CsvRecord[] } {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { cells.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
      cells = []; cell = ''; line++; rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new CsvParseError(rowLine, 'unterminated quoted field');
  if (cell !== '' || cells.length) { cells.push(cell); rows.push({ line: rowLine, cells }); }
  if (!rows.length) throw new CsvParseError(1, 'missing header row');
  const header = rows[0].cells.map((h) => h.trim().toLowerCase());
  const records = rows.slice(1).map(({ line: l, cells: c }) => {
    if (c.length !== header.length) throw new CsvParseError(l, `expected ${header.length} fields, found ${c.length}`);
    return { line: l, values: Object.fromEntries(header.map((h, i) => [h, c[i].trim()])) };
  });
  return { header, records };
}
