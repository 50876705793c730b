import { describe, expect, it } from '@jest/globals';
import { normaliseValue } from './value-normalisers';

describe('normaliseValue (what a per-value rate limit counts)', () => {
  it('gives every spelling of one mobile its E.164 form', () => {
    const spellings = ['07911 123456', '07911123456', '+44 7911 123456', '+44 (0)7911 123456', '447911123456', '0044 7911 123456', '07911-123-456', ' 0791 1123 456 '];
    expect(new Set(spellings.map((s) => normaliseValue('phone', s)))).toEqual(new Set(['+447911123456']));
  });

  it('gives spellings of a number the DTO refuses one key too', () => {
    expect(normaliseValue('phone', '0121 496 0000')).toBe(normaliseValue('phone', '01214960000'));
    expect(normaliseValue('phone', 'call me')).toBe(normaliseValue('phone', 'CALL-ME'));
  });

  it('trims and lower-cases e-mail addresses', () => {
    expect(normaliseValue('email', '  Jo.Bloggs@Example.ORG ')).toBe('jo.bloggs@example.org');
  });
});
