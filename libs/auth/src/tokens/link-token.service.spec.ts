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
