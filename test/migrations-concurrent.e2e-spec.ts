// The API and the worker both migrate at boot; started together on an empty database (a first
// `docker compose up`), they must not run the same migration twice and fail.
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrate } from '../migrations/data-source';

describe('migrations at boot', () => {
  it('two processes migrating an empty database at once both succeed, each migration applied once', async () => {
    const base = process.env.BEACON_TEST_PG_URL!;
    const name = `beacon_migrate_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = base.replace(/\/[^/]+$/, `/${name}`);
    const [a, b] = await Promise.allSettled([migrate(url), migrate(url)]);
    expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
    const applied = [...(a.status === 'fulfilled' ? a.value : []), ...(b.status === 'fulfilled' ? b.value : [])];
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM migrations');
      expect(rows[0].n).toBe(rows[0].d);
      expect(applied.length).toBe(rows[0].n);
    } finally {
      await db.end();
    }
  }, 120_000);
});
