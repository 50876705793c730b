import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { DomainException } from '../errors/domain.exception';
import type { BeaconRequest } from '../principal';
import { RateLimitCounter } from './rate-limit.counter';
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

const digest = (v: string) => createHash('sha256').update(v).digest('base64url').slice(0, 22);

/**
 * Per-IP and per-address limits on public endpoints, counted in PostgreSQL so replicas share
 * them (concurrent requests share one counting statement: see RateLimitCounter).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly multiplier: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly counter: RateLimitCounter,
    @InjectConfig() config: AppConfig,
  ) {
    this.multiplier = config.http.rateLimitMultiplier;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT, [context.getHandler(), context.getClass()]);
    if (!rule || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    const limits = new Map([[`${rule.name}:ip:${req.ip ?? 'unknown'}`, rule.perIp * this.multiplier]]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // The guard runs before the DTO's transforms: count the value as the DTO will store it.
    for (const [k, kind] of Object.entries(rule.perValue?.fields ?? {})) {
      const v = body[k];
      if (typeof v === 'string' && v.trim()) limits.set(`${rule.name}:${k}:${digest(normaliseValue(kind, v))}`, rule.perValue!.limit * this.multiplier);
    }
    const keys = [...limits.keys()];
    const counts = await this.counter.hit(keys, rule.windowSeconds);
    if (keys.some((key, i) => counts[i] > limits.get(key)!)) throw new DomainException('RATE_LIMITED', 'Too many requests, try again later');
    return true;
  }
}
