import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { formatPounds, IsFinancialYear, isFinancialYear, IsPence, MAX_PENCE, parsePounds, PENCE, penceColumn, percentOf } from './money';

describe('money and years', () => {
  it('rounds percentages of the exact ratio, 0 on a zero base', () => {
    expect(percentOf(7696200, 10099600)).toBe(76);
    expect(percentOf(1, 8)).toBe(13); // 12.5 rounds up
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(10099600, 10099600)).toBe(100);
  });

  it('formats pounds', () => {
    expect(formatPounds(10099600)).toBe('£100,996.00');
    expect(formatPounds(5)).toBe('£0.05');
  });

  it('accepts YYYY-YY where the second year follows the first', () => {
    expect(['2019-20', '1999-00', '2024-25'].map(isFinancialYear)).toEqual([true, true, true]);
    expect(['2019-21', '2019/20', '2019-2020', '19-20', '2019-20 ', 2019, null].map(isFinancialYear)).toEqual([
      false, false, false, false, false, false, false,
    ]);
  });

  it('reads pounds as typed by a person into integer pence, without floating point', () => {
    const ok: [string, number][] = [
      ['1,250.50', 125050], ['£1,250.50', 125050], [' 1250.5 ', 125050], ['0.01', 1], ['12', 1200], ['£0', 0],
      ['1,000,000', 100000000], ['0.29', 29], ['4.35', 435], ['21,474,836.47', MAX_PENCE], ['1.10', 110],
    ];
    expect(ok.map(([text]) => parsePounds(text))).toEqual(ok.map(([, pence]) => pence));
    const bad = ['', ' ', '£', '1.234', '1,25', '12,50.00', '-5', '+5', '1e3', '0x10', '1.', '.5', '1 000', 'ten', '21,474,836.48', '99999999999', '1,,000', ',100', '£-1', 'NaN', 'Infinity'];
    expect(bad.map((text) => [text, parsePounds(text)])).toEqual(bad.map((text) => [text, null]));
  });
});

describe('money columns and validators', () => {
  it('selects a bigint money column as float8 under its alias', () => {
    expect(penceColumn('sum(b.amount_pence)', 'totalPence')).toBe('(sum(b.amount_pence))::float8 AS "totalPence"');
  });

  it('PENCE reads int8 strings as numbers and keeps null; writes numbers unchanged', () => {
    expect(PENCE.from('2147483647')).toBe(MAX_PENCE);
    expect(PENCE.from(null)).toBeNull();
    expect(PENCE.to(125050)).toBe(125050);
    expect(PENCE.to(null)).toBeNull();
  });

  it('a financial year is the whole value, not a year pair at its end', () => {
    expect(['12019-20', 'FY2019-20', ' 2019-20'].map(isFinancialYear)).toEqual([false, false, false]);
  });

  it('refuses more than ten digits of whole pounds even when they are leading zeros', () => {
    expect(parsePounds('0000000001')).toBe(100);
    expect(parsePounds('00000000001')).toBeNull();
  });

  class Amounts {
    @IsPence(1) positive!: unknown;
    @IsPence(0) any!: unknown;
    @IsFinancialYear() year!: unknown;
  }
  const errors = async (values: Record<string, unknown>) =>
    Object.fromEntries((await validate(Object.assign(new Amounts(), values))).map((e) => [e.property, Object.keys(e.constraints ?? {}).sort()]));

  it('IsPence: an integer in [min, MAX_PENCE]; IsFinancialYear names the rule', async () => {
    expect(await errors({ positive: 1, any: 0, year: '2019-20' })).toEqual({});
    expect(await errors({ positive: MAX_PENCE, any: MAX_PENCE, year: '1999-00' })).toEqual({});
    expect(await errors({ positive: 0, any: -1, year: '2019-21' })).toEqual({ positive: ['min'], any: ['min'], year: ['isFinancialYear'] });
    expect(await errors({ positive: MAX_PENCE + 1, any: 1.5, year: 2019 })).toEqual({ positive: ['max'], any: ['isInt'], year: ['isFinancialYear'] });
    const [year] = await validate(Object.assign(new Amounts(), { positive: 1, any: 0, year: '2019/20' }));
    expect(year.constraints).toEqual({ isFinancialYear: 'year must be a financial year like 2019-20' });
  });
});
