import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { DomainException } from '../errors/domain.exception';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimitCounter } from './rate-limit.counter';

export interface Limit {
  /** Bucket key, e.g. "signup:ip:1.2.3.4" or `rateLimitKey('reply', 'resident', id)`. */
  key: string;
  /** Hits allowed per window (before RATE_LIMIT_MULTIPLIER). */
  limit: number;
}

/** A key naming a value by its digest (trimmed, lower-cased): no addresses or ids in the table. */
export function rateLimitKey(name: string, kind: string, value: string): string {
  return `${name}:${kind}:${createHash('sha256').update(value.trim().toLowerCase()).digest('base64url').slice(0, 22)}`;
}

/**
 * Counts one hit on each key and refuses (RATE_LIMITED → 429 with Retry-After) when any is over
 * its limit. The guard's `@RateLimit` uses it for what a request shows (IP, body fields);
 * services call it for what only they know (the resident behind a token, the message).
 */
@Injectable()
export class RateLimiter {
  private readonly multiplier: number;

  constructor(
    private readonly counter: RateLimitCounter,
    private readonly metrics: MetricsService,
    @InjectConfig() config: AppConfig,
  ) {
    this.multiplier = config.http.rateLimitMultiplier;
  }

  async consume(limits: Limit[], windowSeconds: number, message = 'Too many requests, try again later'): Promise<void> {
    const counts = await this.counter.hit(
      limits.map((l) => l.key),
      windowSeconds,
    );
    const over = limits.find((l, i) => counts[i] > l.limit * this.multiplier);
    if (over) {
      this.metrics.countRateLimited(over.key.split(':')[0]);
      throw new DomainException('RATE_LIMITED', message);
    }
  }
}
