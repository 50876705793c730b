import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { BeaconRequest } from '../principal';
import { RateLimiter, rateLimitKey, type Limit } from './rate-limiter';
import { normaliseValue, type ValueKind } from './value-normalisers';

export interface RateLimitRule {
  /** Bucket name, e.g. "signup". */
  name: string;
  windowSeconds: number;
  /** Requests per window from one client IP. */
  perIp: number;
  /**
   * Requests per window naming one value of these body fields (e.g. the address being signed up),
   * each field with its kind: the value is normalised as the DTO stores it before it is counted.
   */
  perValue?: { fields: Record<string, ValueKind>; limit: number };
}

const RATE_LIMIT = 'beacon:rate-limit';
export const RateLimit = (rule: RateLimitRule) => SetMetadata(RATE_LIMIT, rule);

/**
 * Per-IP and per-address limits on public endpoints, counted in PostgreSQL so replicas share
 * them (concurrent requests share one counting statement: see RateLimitCounter).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT, [context.getHandler(), context.getClass()]);
    if (!rule || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    const limits: Limit[] = [{ key: `${rule.name}:ip:${req.ip ?? 'unknown'}`, limit: rule.perIp }];
    const body = (req.body ?? {}) as Record<string, unknown>;
    // The guard runs before the DTO's transforms: count the value as the DTO will store it.
    for (const [k, kind] of Object.entries(rule.perValue?.fields ?? {})) {
      const v = body[k];
      if (typeof v === 'string' && v.trim()) limits.push({ key: rateLimitKey(rule.name, k, normaliseValue(kind, v)), limit: rule.perValue!.limit });
    }
    await this.limiter.consume(limits, rule.windowSeconds);
    return true;
  }
}
