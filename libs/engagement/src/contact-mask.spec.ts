import { describe, expect, it } from '@jest/globals';
import { maskedContact, maskEmail, maskPhone } from './contact-mask';

describe('contact masking', () => {
  it('keeps the first letter and the domain of an e-mail', () => {
    expect(maskEmail('jane.be@example.org')).toBe('j***@example.org');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('keeps the country prefix and last three digits of a number', () => {
    expect(maskPhone('+447700900802')).toBe('+4477*****802');
    expect(maskPhone('+12345')).toBe('******');
  });

  it('prefers the channel the resident replied on', () => {
    expect(maskedContact('sms', 'a@b.org', '+447700900802')).toBe('+4477*****802');
    expect(maskedContact('web', 'a@b.org', '+447700900802')).toBe('a***@b.org');
    expect(maskedContact('web', null, '+447700900802')).toBe('+4477*****802');
    expect(maskedContact('sms', null, null)).toBeNull();
  });
});
