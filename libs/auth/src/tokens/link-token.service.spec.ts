import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
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

describe('LinkTokenService: malformed input and boundaries', () => {
  const links = new LinkTokenService(config);
  /** A body MAC'd with the test secret, as only a holder of LINK_SECRET could. */
  const signedBody = (payload: unknown) => {
    const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64url');
    return `${body}.${createHmac('sha256', config.auth.linkSecret).update(body).digest('base64url').slice(0, 32)}`;
  };
  const notString = 42 as unknown as string;

  it('refuses a non-string, an empty part, a third part and an over-long token as not valid', () => {
    const t = links.sign('rate', { r: 'res-1' }, 60);
    const [body, mac] = t.split('.');
    for (const bad of [notString, `.${mac}`, `${body}.`, `${t}.x`, '', `${body}.${mac.slice(1)}`]) expect(codeOf(() => links.verify('rate', bad))).toBe('VALIDATION');
    const long = links.sign('rate', { r: 'x'.repeat(1500) }, 60);
    expect(long.length).toBeGreaterThan(2048);
    expect(codeOf(() => links.verify('rate', long))).toBe('VALIDATION');
    // 2048 characters is the most a link may be: accepted; one more is refused.
    const now = 1_800_000_000_000;
    const justFits = links.sign('rate', { r: 'x'.repeat(1477) }, 60, now);
    expect(justFits.length).toBe(2048);
    expect(links.verify('rate', justFits, now)).toEqual({ r: 'x'.repeat(1477) });
    const oneOver = links.sign('rate', { r: 'x'.repeat(1478) }, 60, now);
    expect(oneOver.length).toBe(2049);
    expect(codeOf(() => links.verify('rate', oneOver, now))).toBe('VALIDATION');
  });

  it('a correctly MACd body that is not JSON is not valid; one whose expiry is not a number has expired', () => {
    expect(codeOf(() => links.verify('rate', signedBody('not json')))).toBe('VALIDATION');
    expect(links.verify('rate', signedBody({ p: 'rate', e: 4102444800, r: 'res-1' }))).toEqual({ r: 'res-1' });
    expect(codeOf(() => links.verify('rate', signedBody({ p: 'rate', e: '4102444800', r: 'res-1' })))).toBe('GONE');
    expect(codeOf(() => links.verify('rate', signedBody({ e: 4102444800, r: 'res-1' })))).toBe('VALIDATION');
  });

  it('every form is still valid at its expiry second and gone one millisecond after', () => {
    const now = 1_800_000_000_123;
    const end = (Math.floor(now / 1000) + 60) * 1000;
    const full = links.sign('rate', { r: 'res-1' }, 60, now);
    expect(links.verify('rate', full, end)).toEqual({ r: 'res-1' });
    expect(codeOf(() => links.verify('rate', full, end + 1))).toBe('GONE');
    const compact = links.signCompact('rate', 'abc', 60, now);
    expect(links.verifyCompact('rate', compact, end)).toBe('abc');
    expect(codeOf(() => links.verifyCompact('rate', compact, end + 1))).toBe('GONE');
    const address = links.signAddress('bounce', 'abc', 60, now);
    expect(links.verifyAddress('bounce', address, end)).toBe('abc');
    expect(codeOf(() => links.verifyAddress('bounce', address, end + 1))).toBe('GONE');
  });

  it('compact and address tokens: exact shapes, anchored patterns, non-strings refused', () => {
    const compact = links.signCompact('rate', 'A_b-9', 60);
    expect(compact).toMatch(/^A_b-9\.[0-9a-z]{1,10}\.[A-Za-z0-9_-]{16}$/);
    for (const bad of [notString, [compact] as unknown as string, `x${compact}!`, `${compact}x`, `!${compact}`, compact.replace('A_b-9', 'a'.repeat(65))]) {
      expect(codeOf(() => links.verifyCompact('rate', bad))).toBe('VALIDATION');
    }
    const address = links.signAddress('email-reply', 'z9', 60);
    expect(address).toMatch(/^z9\.[0-9a-z]{1,10}\.[0-9a-f]{24}$/);
    for (const bad of [notString, `${address}0`, `.${address}`, `${address.slice(0, -1)}g`]) {
      expect(codeOf(() => links.verifyAddress('email-reply', bad))).toBe('VALIDATION');
    }
    for (const id of ['', 'A', 'a'.repeat(14), 'a-b']) expect(() => links.signAddress('bounce', id, 60)).toThrow('An address token id is 1 to 13 base36 characters');
    expect(links.signAddress('bounce', 'a'.repeat(13), 60)).toMatch(/^a{13}\./);
  });

  it('address tokens signed before a rotation still verify', () => {
    const before = new LinkTokenService({ auth: { linkSecret: 'old-'.repeat(8) } } as AppConfig);
    const after = new LinkTokenService({ auth: { linkSecret: 'new-'.repeat(8), linkPreviousSecrets: ['old-'.repeat(8)] } } as AppConfig);
    expect(after.verifyAddress('bounce', before.signAddress('bounce', 'abc', 60))).toBe('abc');
    expect(codeOf(() => before.verifyAddress('bounce', after.signAddress('bounce', 'abc', 60)))).toBe('VALIDATION');
  });

  it('says which: not valid (400) or expired (410), for links and addresses', () => {
    const messageOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return `${(e as DomainException).code}: ${(e as Error).message}`;
      }
      return undefined;
    };
    const past = Date.now() + 120_000;
    expect(messageOf(() => links.verify('rate', 'x.y'))).toBe('VALIDATION: This link is not valid');
    expect(messageOf(() => links.verify('rate', links.sign('rate', {}, 60), past))).toBe('GONE: This link has expired');
    expect(messageOf(() => links.verifyCompact('rate', 'x.y'))).toBe('VALIDATION: This link is not valid');
    expect(messageOf(() => links.verifyCompact('rate', links.signCompact('rate', 'a', 60), past))).toBe('GONE: This link has expired');
    expect(messageOf(() => links.verifyAddress('bounce', 'x.y'))).toBe('VALIDATION: This address is not valid');
    expect(messageOf(() => links.verifyAddress('bounce', links.signAddress('bounce', 'a', 60), past))).toBe('GONE: This address has expired');
  });
});
