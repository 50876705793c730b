import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
    const body = { email: 'scaled.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.http().post('/api/v1/residents').send(body)).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email = 'scaled.limit@example.org'`);
    expect(n).toBe(1);
  });

  it('rejects a multiplier below 1 at boot', async () => {
    await expect(createTestApp({ RATE_LIMIT_MULTIPLIER: '0' })).rejects.toThrow(/RATE_LIMIT_MULTIPLIER/);
  });
});
