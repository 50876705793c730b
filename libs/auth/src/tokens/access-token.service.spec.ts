import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { DomainException, type AppConfig } from '@beacon/core';
import { AccessTokenService } from './access-token.service';

const OLD = 'old-jwt-secret-'.repeat(3);
const NEW = 'new-jwt-secret-'.repeat(3);

/** As AuthModule builds it: the module's JwtService holds the current secret. */
function service(current: string, previous: string[] = []): AccessTokenService {
  const config = { auth: { jwtSecret: current, jwtPreviousSecrets: previous, staffTokenTtlSeconds: 3600 } } as unknown as AppConfig;
  return new AccessTokenService(new JwtService({ secret: createSecretKey(Buffer.from(current)), signOptions: { algorithm: 'HS256' } }), config);
}
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainException).code;
  }
  return undefined;
};
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid?: string };

describe('AccessTokenService: rotating JWT_SECRET (JWT_SECRETS_PREVIOUS)', () => {
  it('a token signed before the rotation still verifies; new tokens carry the new key id', () => {
    const before = service(OLD);
    const after = service(NEW, [OLD]);
    const old = before.signStaff('staff-1');
    expect(after.verify(old)).toEqual({ sub: 'staff-1', typ: 'staff' });
    const fresh = after.signResident('res-1');
    expect(header(fresh).kid).toBeDefined();
    expect(header(fresh).kid).not.toBe(header(old).kid);
    expect(service(NEW).verify(fresh)).toEqual({ sub: 'res-1', typ: 'resident' });
    expect(codeOf(() => before.verify(fresh))).toBe('UNAUTHENTICATED');
  });

  it('a token of a secret no longer listed, or with a forged key id, is refused', () => {
    const old = service(OLD).signStaff('staff-1');
    expect(codeOf(() => service(NEW).verify(old))).toBe('UNAUTHENTICATED');
    const stranger = service('stranger-secret-'.repeat(3));
    expect(codeOf(() => service(NEW, [OLD]).verify(stranger.signStaff('x')))).toBe('UNAUTHENTICATED');
  });
});

describe('AccessTokenService: claims, lifetimes and key ids', () => {
  const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; typ: string; iat: number; exp: number };
  const jwtOf = (secret: string) => new JwtService({ secret: createSecretKey(Buffer.from(secret)), signOptions: { algorithm: 'HS256' } });

  it('staff tokens live STAFF_TOKEN_TTL_SECONDS, resident tokens 24 h unless told; both carry the signing key id', () => {
    const s = service(NEW, [OLD]);
    const staff = payload(s.signStaff('staff-1'));
    expect([staff.sub, staff.typ, staff.exp - staff.iat]).toEqual(['staff-1', 'staff', 3600]);
    const resident = payload(s.signResident('res-1'));
    expect([resident.sub, resident.typ, resident.exp - resident.iat]).toEqual(['res-1', 'resident', 24 * 3600]);
    const short = payload(s.signResident('res-1', 60));
    expect(short.exp - short.iat).toBe(60);
    expect(header(s.signStaff('staff-1')).kid).toBe(header(service(NEW).signResident('r')).kid);
    expect(header(s.signStaff('staff-1')).kid).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('only staff and resident tokens with a string subject are accepted, with one key or several', () => {
    for (const s of [service(NEW), service(NEW, [OLD])]) {
      const jwt = jwtOf(NEW);
      expect(s.verify(jwt.sign({ sub: 'a', typ: 'staff', extra: 1 }))).toEqual({ sub: 'a', typ: 'staff' });
      expect(s.verify(jwt.sign({ sub: 'a', typ: 'resident' }))).toEqual({ sub: 'a', typ: 'resident' });
      for (const claims of [{ sub: 'a', typ: 'admin' }, { sub: 7, typ: 'staff' }, { typ: 'staff' }, { sub: 'a' }]) {
        expect(codeOf(() => s.verify(jwt.sign(claims)))).toBe('UNAUTHENTICATED');
      }
      expect(codeOf(() => s.verify('not.a.jwt'))).toBe('UNAUTHENTICATED');
    }
  });

  it('a token with no key id or an unknown one is tried against every key; a known key id picks its key', () => {
    const s = service(NEW, [OLD]);
    expect(s.verify(jwtOf(OLD).sign({ sub: 'a', typ: 'staff' }))).toEqual({ sub: 'a', typ: 'staff' });
    expect(s.verify(jwtOf(OLD).sign({ sub: 'a', typ: 'staff' }, { keyid: 'unknown1' }))).toEqual({ sub: 'a', typ: 'staff' });
    // Signed with the old key but naming the new key's id: only the named key is tried.
    const misnamed = jwtOf(OLD).sign({ sub: 'a', typ: 'staff' }, { keyid: header(s.signStaff('x')).kid });
    expect(codeOf(() => s.verify(misnamed))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => service(NEW, [OLD]).verify(jwtOf(OLD).sign({ sub: 'a', typ: 'staff' }, { algorithm: 'HS512' })))).toBe('UNAUTHENTICATED');
  });

  it('with one key as with several, only HS256 is accepted (no other HMAC strength of the same secret)', () => {
    for (const s of [service(NEW), service(NEW, [OLD])]) {
      expect(codeOf(() => s.verify(jwtOf(NEW).sign({ sub: 'a', typ: 'staff' }, { algorithm: 'HS512' })))).toBe('UNAUTHENTICATED');
      expect(codeOf(() => s.verify(jwtOf(NEW).sign({ sub: 'a', typ: 'staff' }, { algorithm: 'HS384' })))).toBe('UNAUTHENTICATED');
      expect(s.verify(jwtOf(NEW).sign({ sub: 'a', typ: 'staff' }, { algorithm: 'HS256' }))).toEqual({ sub: 'a', typ: 'staff' });
    }
  });

  it('every refusal says the same thing, whatever the reason', () => {
    const messageOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as DomainException).code, (e as DomainException).message];
      }
      return undefined;
    };
    const s = service(NEW, [OLD]);
    const refused = [
      'not.a.jwt',
      jwtOf(NEW).sign({ sub: 'a', typ: 'admin' }),
      jwtOf(NEW).sign({ sub: 'a', typ: 'staff' }, { expiresIn: -10 }),
      jwtOf('stranger-secret-'.repeat(3)).sign({ sub: 'a', typ: 'staff' }),
    ];
    expect(refused.map((token) => messageOf(() => s.verify(token)))).toEqual(refused.map(() => ['UNAUTHENTICATED', 'Invalid or expired access token']));
  });
});
