import { describe, expect, it } from '@jest/globals';
import { CsvParseError, parseCsv, toCsv } from './csv';

describe('csv', () => {
  it('round-trips quotes, commas and newlines', () => {
    const rows = [{ a: 'x,y', b: 'say "hi"', c: 'two\nlines' }, { a: '', b: 3, c: null }];
    const parsed = parseCsv(toCsv(rows));
    expect(parsed.header).toEqual(['a', 'b', 'c']);
    expect(parsed.records.map((r) => r.values)).toEqual([
      { a: 'x,y', b: 'say "hi"', c: 'two\nlines' },
      { a: '', b: '3', c: '' },
    ]);
  });

  it('neutralises formula injection', () => {
    expect(toCsv([{ a: '=HYPERLINK("x")' }])).toBe('a\r\n"\'=HYPERLINK(""x"")"\r\n');
  });

  // Issue 14 (Lower 17): the guard missed a leading space, fullwidth ＝ and friends.
  it('neutralises formulas after leading whitespace and in fullwidth or compatibility forms', () => {
    const attacks = [
      ' =1+1', '  +1', '\u00A0-1', '\u3000@SUM(A1)', '\n=1', ' \t=1', '\u200B=1', '\uFEFF=1',
      '＝HYPERLINK("x")', '＋1', '－1', '＠SUM(A1)', ' ＝1', '﹦1', '﹢1', '﹣1', '﹫x', '\u22121',
      '\t1', '\r1', ' \r=1', '=1', '+1', '-1', '@x',
    ];
    const problems = attacks.filter((a) => {
      const [, cell] = toCsv([{ a }]).split('\r\n');
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      return !unquoted.startsWith("'");
    });
    expect(problems).toEqual([]);
  });

  it('leaves ordinary text and numbers alone', () => {
    expect(toCsv([{ a: 'Hodge Hill', b: -5, c: 12, d: 'a=b', e: ' x', f: 'Ｈello' }])).toBe('a,b,c,d,e,f\r\nHodge Hill,-5,12,a=b, x,Ｈello\r\n');
  });

  it('names the line of a short row', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(new CsvParseError(3, 'expected 2 fields, found 1'));
  });

  // Kept when parseCsv/toCsv moved onto csv-parse/csv-stringify (issue 18).
  it('numbers records by the line they start on, past blank lines, CRLF and quoted line breaks; strips a BOM', () => {
    const parsed = parseCsv('\uFEFF A ,b\r\n\r\n1,"two\r\nlines"\r\n\n 3 , 4 \n"x""y",\n');
    expect(parsed.header).toEqual(['a', 'b']);
    expect(parsed.records).toEqual([
      { line: 3, values: { a: '1', b: 'two\r\nlines' } },
      { line: 6, values: { a: '3', b: '4' } },
      { line: 7, values: { a: 'x"y', b: '' } },
    ]);
    expect(() => parseCsv('a,b\n1,"x\n2,3\n')).toThrow(CsvParseError);
    expect(() => parseCsv('a,b\n1,"x\n2,3\n')).toThrow(/unterminated quoted field/);
    expect(() => parseCsv('a,b\n"1\n2",3,4\n')).toThrow(new CsvParseError(2, 'expected 2 fields, found 3'));
    expect(() => parseCsv('')).toThrow(new CsvParseError(1, 'missing header row'));
    expect(parseCsv('a,b\n').records).toEqual([]);
  });

  it('writes dates as ISO, booleans and objects as text, null as empty, and the header alone for no rows', () => {
    expect(toCsv([{ a: new Date(0), b: true, c: { x: 1 }, d: null, e: undefined }])).toBe('a,b,c,d,e\r\n1970-01-01T00:00:00.000Z,true,"{""x"":1}",,\r\n');
    expect(toCsv([], ['a', 'b'])).toBe('a,b\r\n');
    expect(toCsv([])).toBe('\r\n');
    expect(toCsv([{ a: 'x', b: 'y' }], ['b'])).toBe('b\r\ny\r\n');
  });
});
