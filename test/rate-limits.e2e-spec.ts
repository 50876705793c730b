import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { createTestApp, seedGeography, type TestApp } from './utils/test-app';

// RATE_LIMIT_MULTIPLIER lets `npm run bench` load public endpoints from one address; the
// limits still apply, scaled (the 1× limits are covered in residents.e2e-spec.ts).

describe('core: RATE_LIMIT_MULTIPLIER scales public rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_MULTIPLIER: '2' });
    await seedGeography(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows twice the sign-ups naming one address (5 → 10), then 429', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'scaled.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.http().post('/api/v1/residents').send(body)).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email = 'scaled.limit@example.org'`);
    expect(n).toBe(1);
  });

  // Concurrent requests share one counting statement: each must still get the count it would
  // have got alone, so exactly the limit passes and every attempt is counted.
  it('a concurrent burst naming one address: exactly 10 accepted, all 25 counted', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'burst.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const statuses = await Promise.all(Array.from({ length: 25 }, () => t.http().post('/api/v1/residents').send(body).then((r) => r.status)));
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email = 'burst.limit@example.org'`);
    expect(n).toBe(1);
    const [{ hits }] = await t.sql<{ hits: number }>(`SELECT sum(hits)::int AS hits FROM rate_limit_bucket WHERE key LIKE 'resident-signup:email:%' AND window_start > now() - interval '1 hour'`);
    expect(hits).toBe(11 + 25);
  });

  it('a concurrent burst of rating posts from one IP: exactly 120 (60 × 2) get past the limit, then 429', async () => {
    await awayFromWindowEdge(60);
    // A link that is not valid: past the limiter it is a 400, so the burst stores nothing.
    const statuses = await Promise.all(Array.from({ length: 130 }, () => t.http().post('/r/abc.def.ghijklmnopqrstuv').send({ score: 3 }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 400)).toHaveLength(120);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const [{ hits }] = await t.sql<{ hits: number }>(`SELECT sum(hits)::int AS hits FROM rate_limit_bucket WHERE key LIKE 'rating-link:ip:%'`);
    expect(hits).toBe(130);
  });

  // Sliding window: crossing into a new fixed window does not reset a count. The previous
  // window's hits carry over, weighted by how much of it lies within the last window-length.
  it('a window boundary does not reset a limit: the previous window carries over', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'boundary.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const before = new Set((await t.sql<{ key: string }>('SELECT key FROM rate_limit_bucket')).map((r) => r.key));
    await t.http().post('/api/v1/residents').send(body).expect(202);
    const added = (await t.sql<{ key: string; window_start: Date }>('SELECT key, window_start FROM rate_limit_bucket')).filter((r) => !before.has(r.key));
    expect(added).toHaveLength(1); // the address's key (the IP's key existed already)
    // The address was used a million times in the previous hour-long window: however far into the
    // current window we are (at most 3,595 s of 3,600), that carries ≥ 1,388 hits, over the limit of 10.
    await t.sql(`INSERT INTO rate_limit_bucket (key, window_start, hits) VALUES ($1, $2::timestamptz - interval '3600 seconds', 1000000)`, [added[0].key, added[0].window_start]);
    await t.http().post('/api/v1/residents').send(body).expect(429);
    // Another address from the same IP is not affected.
    await t.http().post('/api/v1/residents').send({ ...body, email: 'boundary.other@example.org' }).expect(202);
  });

  it('rejects a multiplier below 1 at boot', async () => {
    await expect(createTestApp({ RATE_LIMIT_MULTIPLIER: '0' })).rejects.toThrow(/RATE_LIMIT_MULTIPLIER/);
  });
});
