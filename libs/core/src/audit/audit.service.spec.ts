import { describe, expect, it } from '@jest/globals';
import { redact } from './audit.service';

describe('audit data keeps no credentials, contact values or search terms', () => {
  it('masks them by key, at any depth', () => {
    expect(
      redact({ query: { q: 'ada@example.org', ward: 'BE01' }, password: 'x', body: { email: 'a@b.c', phone: '+447911123456', firstName: 'Ada', npuCode: 'BE', wardCode: 'BE01', code: '123456', name: 'Ada Lovelace' } }),
    ).toEqual({ query: { q: '***', ward: 'BE01' }, password: '***', body: { email: '***', phone: '***', firstName: '***', npuCode: 'BE', wardCode: 'BE01', code: '***', name: '***' } });
  });

  it('masks e-mail addresses and phone numbers inside any other text', () => {
    expect(redact({ note: 'Call Ada on 07911 123456 or +44 7911 123456, or write to ada@example.org.' })).toEqual({ note: 'Call Ada on *** or ***, or write to ***.' });
  });

  it('leaves ids, dates and amounts alone', () => {
    const data = { id: '5b1e2c7e-9d7f-4a51-0123-456789012345', at: '2019-09-01T09:00:00Z', heldOn: '2024-01-05', amountPence: 10000, financialYear: '2019-20' };
    expect(redact(data)).toEqual(data);
  });
});
