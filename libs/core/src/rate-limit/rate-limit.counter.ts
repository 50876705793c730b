import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../database/group-commit';
import { RateLimitRepository } from './rate-limit.repository';

export interface Hit {
  /** Bucket keys this request counts against, e.g. "signup:ip:1.2.3.4". */
  keys: string[];
  windowSeconds: number;
}

/**
 * Shared sliding-window counters, counted in PostgreSQL (every replica sees every hit) with the
 * hits of concurrent requests written in one statement. A count is the hits in the current
 * fixed window plus the previous window's, weighted by the share of it still inside a
 * window-long span ending now. Each request's count is the one it would have got alone, in
 * arrival order: the k-th hit on a key within a statement counts
 * total − (hits on that key in the statement) + k, plus what the previous window carries.
 */
@Injectable()
export class RateLimitCounter {
  private readonly batches: GroupCommit<Hit, number[]>;

  constructor(private readonly buckets: RateLimitRepository) {
    this.batches = new GroupCommit((hits) => this.write(hits), { maxBatch: 500, maxInFlight: 2 });
  }

  /** Counts the hit and returns each key's count in the current window (same order as `keys`). */
  hit(keys: string[], windowSeconds: number): Promise<number[]> {
    return this.batches.submit({ keys, windowSeconds });
  }

  private async write(hits: Hit[]): Promise<number[][]> {
    const perKey = new Map<string, { windowSeconds: number; hits: number }>();
    for (const h of hits) {
      for (const key of new Set(h.keys)) {
        const b = perKey.get(key);
        if (b && b.windowSeconds !== h.windowSeconds) throw new Error(`Rate-limit key ${key} used with two windows`);
        perKey.set(key, { windowSeconds: h.windowSeconds, hits: (b?.hits ?? 0) + 1 });
      }
    }
    const totals = await this.buckets.add([...perKey].map(([key, b]) => ({ key, ...b })));
    // Fail closed: a key without a count would otherwise compare as "under the limit".
    for (const key of perKey.keys()) {
      const t = totals.get(key);
      if (!Number.isInteger(t?.hits) || !Number.isInteger(t?.carried)) throw new Error(`No count returned for rate-limit key ${key}`);
    }
    const seen = new Map<string, number>();
    return hits.map((h) => {
      const counted = new Map<string, number>();
      for (const key of new Set(h.keys)) {
        const k = (seen.get(key) ?? 0) + 1;
        seen.set(key, k);
        const t = totals.get(key)!;
        counted.set(key, t.hits - perKey.get(key)!.hits + k + t.carried);
      }
      return h.keys.map((key) => counted.get(key)!);
    });
  }
}
