import { describe, expect, it } from '@jest/globals';
import { ageOn, londonToday, normaliseUkPhone } from './cadet-rules';

describe('cadet rules', () => {
  it('counts whole years, birthdays included', () => {
    expect(ageOn('2010-06-15', '2024-06-14')).toBe(13);
    expect(ageOn('2010-06-15', '2024-06-15')).toBe(14);
    expect(ageOn('2010-06-15', '2024-12-01')).toBe(14);
    expect(ageOn('2012-02-29', '2024-02-28')).toBe(11);
    expect(ageOn('2012-02-29', '2024-02-29')).toBe(12);
  });

  it('takes today in Europe/London (BST runs an hour ahead of UTC)', () => {
    expect(londonToday(new Date('2024-07-01T23:30:00Z'))).toBe('2024-07-02');
    expect(londonToday(new Date('2024-01-01T23:30:00Z'))).toBe('2024-01-01');
  });

  it('normalises UK numbers to E.164 and refuses the rest', () => {
    expect(normaliseUkPhone('0121 496 0123')).toBe('+441214960123');
    expect(normaliseUkPhone('+44 7911 123456')).toBe('+447911123456');
    expect(normaliseUkPhone('(0121) 496-0123')).toBe('+441214960123');
    expect(normaliseUkPhone('+33 6 12 34 56 78')).toBeNull();
    expect(normaliseUkPhone('12345')).toBeNull();
    expect(normaliseUkPhone('07911 123456x')).toBeNull();
    expect(normaliseUkPhone('0121 496 0123; DROP')).toBeNull();
  });
});
