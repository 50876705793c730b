import { describe, expect, it } from '@jest/globals';
import { responseChannel } from './inbox.service';

describe('responseChannel', () => {
  it('answers on the channel the resident replied on', () => {
    expect(responseChannel({ via: 'sms', smsOk: true, emailOk: true })).toBe('sms');
    expect(responseChannel({ via: 'web', smsOk: true, emailOk: true })).toBe('email');
    expect(responseChannel({ via: 'email', smsOk: true, emailOk: true })).toBe('email');
  });

  it('falls back to the other channel, or none', () => {
    expect(responseChannel({ via: 'sms', smsOk: false, emailOk: true })).toBe('email');
    expect(responseChannel({ via: 'web', smsOk: true, emailOk: false })).toBe('sms');
    expect(responseChannel({ via: 'web', smsOk: false, emailOk: false })).toBeNull();
  });
});
