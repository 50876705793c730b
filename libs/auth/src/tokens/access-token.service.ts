import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { DomainException, InjectConfig, type AppConfig } from '@beacon/core';

export interface AccessClaims {
  sub: string;
  typ: 'staff' | 'resident';
}

/** A key id: a digest prefix of the secret (names the key without revealing it). */
const keyId = (secret: string) => createHash('sha256').update(secret).digest('base64url').slice(0, 8);

/**
 * Bearer tokens (HS256 JWT) for staff and for residents signed in through a link. JWT_SECRET
 * signs, with its key id in the header (`kid`); JWT_SECRETS_PREVIOUS still verify what they
 * signed (rotation without signing everyone out). A token with no or an unknown kid is tried
 * against each key.
 */
@Injectable()
export class AccessTokenService {
  private readonly kid: string;
  private readonly keys: Map<string, string>;

  constructor(
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    const secrets = [config.auth.jwtSecret, ...(config.auth.jwtPreviousSecrets ?? [])];
    this.kid = keyId(config.auth.jwtSecret);
    this.keys = new Map(secrets.map((s) => [keyId(s), s]));
  }

  signStaff(staffId: string): string {
    return this.jwt.sign({ sub: staffId, typ: 'staff' } satisfies AccessClaims, { expiresIn: this.config.auth.staffTokenTtlSeconds, keyid: this.kid });
  }

  signResident(residentId: string, ttlSeconds = 24 * 3600): string {
    return this.jwt.sign({ sub: residentId, typ: 'resident' } satisfies AccessClaims, { expiresIn: ttlSeconds, keyid: this.kid });
  }

  verify(token: string): AccessClaims {
    try {
      const claims = this.verifyWithKeys(token);
      if (typeof claims.sub !== 'string' || (claims.typ !== 'staff' && claims.typ !== 'resident')) throw new Error('bad claims');
      return { sub: claims.sub, typ: claims.typ };
    } catch {
      throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
    }
  }

  private verifyWithKeys(token: string): AccessClaims & { iat: number } {
    if (this.keys.size === 1) return this.jwt.verify(token, { algorithms: ['HS256'] });
    const header = (this.jwt.decode(token, { complete: true }) as { header?: { kid?: unknown } } | null)?.header;
    const named = typeof header?.kid === 'string' ? this.keys.get(header.kid) : undefined;
    const candidates = named ? [named] : [...this.keys.values()];
    let last: unknown;
    for (const secret of candidates) {
      try {
        return this.jwt.verify(token, { algorithms: ['HS256'], secret });
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
}
