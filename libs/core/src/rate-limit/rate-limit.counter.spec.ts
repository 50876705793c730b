import { describe, expect, it } from '@jest/globals';
import { RateLimitCounter } from './rate-limit.counter';
import type { BucketHits, RateLimitRepository } from './rate-limit.repository';

/** The table's semantics (add, return totals) in memory, with the statements it was sent. */
function fakeBuckets() {
  const totals = new Map<string, number>();
  /** What the previous window carries into the count (sliding window), per key. */
  const carried = new Map<string, number>();
  const statements: BucketHits[][] = [];
  const repo = {
    async add(buckets: BucketHits[]) {
      statements.push(buckets);
      await new Promise((r) => setTimeout(r, 5));
      for (const b of buckets) totals.set(b.key, (totals.get(b.key) ?? 0) + b.hits);
      return new Map(buckets.map((b) => [b.key, { hits: totals.get(b.key)!, carried: carried.get(b.key) ?? 0 }]));
    },
  };
  return { repo: repo as unknown as RateLimitRepository, totals, statements, carried };
}

describe('RateLimitCounter', () => {
  it('gives concurrent requests the counts they would get one after another, in fewer statements', async () => {
    const { repo, totals, statements } = fakeBuckets();
    const counter = new RateLimitCounter(repo);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => counter.hit(['ip:a', i % 2 ? 'addr:odd' : 'addr:even'], 60)));
    expect(results.map(([ip]) => ip).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.filter((_, i) => i % 2).map(([, v]) => v).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(results.filter((_, i) => !(i % 2)).map(([, v]) => v).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(totals).toEqual(new Map([['ip:a', 50], ['addr:odd', 25], ['addr:even', 25]]));
    expect(statements.length).toBeLessThan(50);
  });

  it('counts a key named twice in one request once', async () => {
    const { repo, totals } = fakeBuckets();
    const counter = new RateLimitCounter(repo);
    expect(await counter.hit(['k', 'k'], 60)).toEqual([1, 1]);
    expect(totals.get('k')).toBe(1);
  });

  it('adds what the previous window carries to every count', async () => {
    const { repo, carried } = fakeBuckets();
    carried.set('ip:b', 7);
    const counter = new RateLimitCounter(repo);
    const results = await Promise.all([counter.hit(['ip:b'], 60), counter.hit(['ip:b'], 60)]);
    expect(results.map(([n]) => n).sort()).toEqual([8, 9]);
  });
});
