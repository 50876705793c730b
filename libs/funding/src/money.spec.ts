import { describe, expect, it } from '@jest/globals';
import { formatPounds, isFinancialYear, percentOf } from './money';

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
});
