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
