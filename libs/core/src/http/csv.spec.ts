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
});
