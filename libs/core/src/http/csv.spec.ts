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

  it('names the line of a short row', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(new CsvParseError(3, 'expected 2 fields, found 1'));
  });
});
