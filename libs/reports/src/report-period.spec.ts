import { describe, expect, it } from '@jest/globals';
import { addMonths, currentMonth, financialYearOf, monthRange } from './report-period';

describe('report periods', () => {
  it('uses Europe/London months', () => {
    expect(currentMonth(new Date('2019-09-30T23:30:00Z'))).toBe('2019-10'); // 00:30 BST on 1 October
    expect(currentMonth(new Date('2019-12-31T23:30:00Z'))).toBe('2019-12'); // GMT
  });
  it('defaults to twelve months and checks order', () => {
    expect(monthRange(undefined, '2019-09')).toEqual({ from: '2018-10-01', to: '2019-09-01' });
    expect(() => monthRange('2019-10', '2019-09')).toThrow('from must not be after to');
    expect(() => monthRange('2019-13', '2019-09')).toThrow('months like');
  });
  it('adds months across years', () => {
    expect(addMonths('2019-11', 3)).toBe('2020-02');
    expect(addMonths('2020-01', -1)).toBe('2019-12');
  });
  it('maps months to financial years', () => {
    expect(financialYearOf('2019-09')).toBe('2019-20');
    expect(financialYearOf('2020-03')).toBe('2019-20');
    expect(financialYearOf('2020-04')).toBe('2020-21');
    expect(financialYearOf('2099-04')).toBe('2099-00');
  });
});
