import { describe, expect, it } from '@jest/globals';
import { maskEmail, maskPhone, normalisePhone, normalisePostcode } from './contact';

describe('contact details', () => {
  it('normalises UK mobiles to E.164 and refuses landlines, foreign and made-up numbers', () => {
    expect(normalisePhone('07911 123456')).toBe('+447911123456');
    expect(normalisePhone('+44 (0)7911 123456')).toBe('+447911123456');
    expect(normalisePhone('447911123456')).toBe('+447911123456');
    expect(normalisePhone('07624 123456')).toBe('+447624123456'); // Isle of Man
    expect(normalisePhone('0121 496 0000')).toBeNull(); // landline
    expect(normalisePhone('+33 6 12 34 56 78')).toBeNull(); // valid, but not UK
    expect(normalisePhone('07911')).toBeNull();
    expect(normalisePhone('call me')).toBeNull();
    expect(normalisePhone('0'.repeat(40))).toBeNull();
  });

  it('normalises postcodes', () => {
    expect(normalisePostcode(' b338th ')).toBe('B33 8TH');
    expect(normalisePostcode('B1  1AA')).toBe('B1 1AA');
    expect(normalisePostcode('WV10 0AB')).toBe('WV10 0AB');
    expect(normalisePostcode('NOT A POSTCODE')).toBeNull();
  });

  it('masks contact details', () => {
    expect(maskEmail('jo.bloggs@example.org')).toBe('j***@example.org');
    expect(maskPhone('+447700900123')).toBe('+44770****123');
    expect(maskEmail(null)).toBeNull();
  });
});
