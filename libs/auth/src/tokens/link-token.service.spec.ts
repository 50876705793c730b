import { describe, expect, it } from '@jest/globals';
import { DomainException, type AppConfig } from '@beacon/core';
import { LinkTokenService } from './link-token.service';

const config = { auth: { linkSecret: 'x'.repeat(32) } } as AppConfig;
const other = { auth: { linkSecret: 'y'.repeat(32) } } as AppConfig;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as DomainException).code;
  }
  return undefined;
}

describe('LinkTokenService', () => {
  const links = new LinkTokenService(config);

  it('round-trips claims for the same purpose', () => {
    const t = links.sign('rate', { r: 'res-1', m: 'msg-1' }, 60);
    expect(links.verify('rate', t)).toEqual({ r: 'res-1', m: 'msg-1' });
  });

  it('rejects another purpose, a tampered body, another secret and expiry', () => {
    const t = links.sign('rate', { r: 'res-1', m: 'msg-1' }, 60);
    expect(codeOf(() => links.verify('unsubscribe', t))).toBe('VALIDATION');
    const [body, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), m: 'msg-2' })).toString('base64url');
    expect(codeOf(() => links.verify('rate', `${forged}.${mac}`))).toBe('VALIDATION');
    expect(codeOf(() => new LinkTokenService(other).verify('rate', t))).toBe('VALIDATION');
    expect(codeOf(() => links.verify('rate', t, Date.now() + 61_000))).toBe('GONE');
    expect(codeOf(() => links.verify('rate', 'garbage'))).toBe('VALIDATION');
  });

  it('compact tokens bind purpose, id and expiry', () => {
    const t = links.signCompact('rate', '12345', 60);
    expect(t.length).toBeLessThan(40);
    expect(links.verifyCompact('rate', t)).toBe('12345');
    expect(codeOf(() => links.verifyCompact('unsubscribe', t))).toBe('VALIDATION');
    expect(codeOf(() => links.verifyCompact('rate', t.replace(/^12345/, '12346')))).toBe('VALIDATION');
    expect(codeOf(() => links.verifyCompact('rate', t, Date.now() + 61_000))).toBe('GONE');
    expect(codeOf(() => new LinkTokenService(other).verifyCompact('rate', t))).toBe('VALIDATION');
  });
});

describe('LinkTokenService: rotating LINK_SECRET (LINK_SECRETS_PREVIOUS)', () => {
  const before = new LinkTokenService({ auth: { linkSecret: 'old-'.repeat(8) } } as AppConfig);
  const after = new LinkTokenService({ auth: { linkSecret: 'new-'.repeat(8), linkPreviousSecrets: ['old-'.repeat(8)] } } as AppConfig);
  const newOnly = new LinkTokenService({ auth: { linkSecret: 'new-'.repeat(8) } } as AppConfig);

  it('a link sent before the rotation still verifies, full and compact; links signed after use the new secret', () => {
    const oldLink = before.sign('unsubscribe', { r: 'res-1', c: 'email' }, 3600);
    const oldRating = before.signCompact('rate', '12345', 3600);
    expect(after.verify('unsubscribe', oldLink)).toEqual({ r: 'res-1', c: 'email' });
    expect(after.verifyCompact('rate', oldRating)).toBe('12345');
    const newLink = after.sign('unsubscribe', { r: 'res-1', c: 'email' }, 3600);
    expect(newOnly.verify('unsubscribe', newLink)).toEqual({ r: 'res-1', c: 'email' });
    expect(newOnly.verifyCompact('rate', after.signCompact('rate', '12345', 3600))).toBe('12345');
    expect(codeOf(() => before.verify('unsubscribe', newLink))).toBe('VALIDATION');
  });

  it('once the old secret is dropped, its links fail; expiry and purpose still hold for old links', () => {
    const oldLink = before.sign('rate', { r: 'res-1' }, 60);
    expect(codeOf(() => newOnly.verify('rate', oldLink))).toBe('VALIDATION');
    expect(codeOf(() => newOnly.verifyCompact('rate', before.signCompact('rate', '1', 60)))).toBe('VALIDATION');
    expect(codeOf(() => after.verify('unsubscribe', oldLink))).toBe('VALIDATION');
    expect(codeOf(() => after.verify('rate', oldLink, Date.now() + 61_000))).toBe('GONE');
  });

  it('address tokens: lower-case, short enough for a local part, bound to purpose, id and secret', () => {
    const links = new LinkTokenService(config);
    const id = (2n ** 63n - 1n).toString(36); // the largest delivery id
    const t = links.signAddress('email-reply', id, 90 * 24 * 3600);
    expect(t).toMatch(/^[0-9a-z.]+$/);
    expect(`bounce+${t}`.length).toBeLessThanOrEqual(64);
    expect(links.verifyAddress('email-reply', t)).toBe(id);
    expect(links.verifyAddress('email-reply', t.toUpperCase())).toBe(id); // a relay folded the case
    expect(codeOf(() => links.verifyAddress('bounce', t))).toBe('VALIDATION');
    expect(codeOf(() => links.verifyAddress('email-reply', t.replace(/^./, (c: string) => (c === '1' ? '2' : '1'))))).toBe('VALIDATION');
    expect(codeOf(() => new LinkTokenService(other).verifyAddress('email-reply', t))).toBe('VALIDATION');
    expect(codeOf(() => links.verifyAddress('email-reply', links.signCompact('email-reply', id, 60)))).toBe('VALIDATION');
    expect(codeOf(() => links.verifyAddress('email-reply', t, Date.now() + 91 * 24 * 3600 * 1000))).toBe('GONE');
  });
});
