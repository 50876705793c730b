import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { DomainException } from '../errors/domain.exception';
import type { BeaconRequest } from '../principal';
import { RateLimitRepository } from './rate-limit.repository';

export interface RateLimitRule {
  /** Bucket name, e.g. "signup". */
  name: string;
  limit: number;
  windowSeconds: number;
  /** Also count per value of these body fields (e.g. the address being signed up). */
  bodyKeys?: string[];
}

const RATE_LIMIT = 'beacon:rate-limit';
export const RateLimit = (rule: RateLimitRule) => SetMetadata(RATE_LIMIT, rule);

const digest = (v: string) => createHash('sha256').update(v.trim().toLowerCase()).digest('base64url').slice(0, 22);

/** Per-IP and per-address limits on public endpoints, counted in PostgreSQL so replicas share them. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly buckets: RateLimitRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT, [context.getHandler(), context.getClass()]);
    if (!rule || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    const keys = [`${rule.name}:ip:${req.ip ?? 'unknown'}`];
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const k of rule.bodyKeys ?? []) {
      if (typeof body[k] === 'string' && body[k]) keys.push(`${rule.name}:${k}:${digest(body[k] as string)}`);
    }
    const hits = await this.buckets.hit(keys, rule.windowSeconds);
    if (hits > rule.limit) throw new DomainException('RATE_LIMITED', 'Too many requests, try again later');
    return true;
  }
}
