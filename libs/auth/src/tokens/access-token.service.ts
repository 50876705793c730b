import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainException, InjectConfig, type AppConfig } from '@beacon/core';

export interface AccessClaims {
  sub: string;
  typ: 'staff' | 'resident';
}

/** Bearer tokens (HS256 JWT) for staff and for residents signed in through a link. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  signStaff(staffId: string): string {
    return this.jwt.sign({ sub: staffId, typ: 'staff' } satisfies AccessClaims, { expiresIn: this.config.auth.staffTokenTtlSeconds });
  }

  signResident(residentId: string, ttlSeconds = 24 * 3600): string {
    return this.jwt.sign({ sub: residentId, typ: 'resident' } satisfies AccessClaims, { expiresIn: ttlSeconds });
  }

  verify(token: string): AccessClaims {
    try {
      const claims = this.jwt.verify<AccessClaims & { iat: number }>(token, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || (claims.typ !== 'staff' && claims.typ !== 'resident')) throw new Error('bad claims');
      return { sub: claims.sub, typ: claims.typ };
    } catch {
      throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
    }
  }
}
