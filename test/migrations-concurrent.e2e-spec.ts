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

// The 22 migrations before the first release were squashed into Baseline1796300000000: a copy that
// had run all of them keeps its schema (only the migration rows change); one stopped between them
// is refused, saying what to do, and nothing is applied.
describe('the squashed baseline on a database made before the squash', () => {
  const base = process.env.BEACON_TEST_PG_URL!;
  async function emptyDatabase(tag: string): Promise<string> {
    const name = `beacon_squash_${tag}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return base.replace(/\/[^/]+$/, `/${name}`);
  }
  async function withDb<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }
  const migrationsTable = `CREATE TABLE migrations (id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`;

  it('all 22 ran: their rows become the baseline row and no table is created again', async () => {
    // A copy migrated to today's schema whose records still name the 22 instead of the baseline
    // (as one made before the squash and upgraded by hand would be).
    const url = await emptyDatabase('full');
    await migrate(url);
    const { SQUASHED } = await import('../migrations/1796300000000-Baseline');
    const tablesBefore = await withDb(url, async (db) => {
      await db.query(`DELETE FROM migrations WHERE name = 'Baseline1796300000000'`);
      for (const n of SQUASHED) await db.query(`INSERT INTO migrations ("timestamp", name) VALUES ($1, $2)`, [Number(n.slice(-13)), n]);
      return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n;
    });
    // The baseline's DDL would fail on tables that exist: it must not run, only swap the rows.
    expect(await migrate(url)).toEqual(['Baseline1796300000000']);
    await withDb(url, async (db) => {
      const names = (await db.query<{ name: string }>(`SELECT name FROM migrations`)).rows.map((r) => r.name);
      expect(names.filter((n) => SQUASHED.includes(n))).toEqual([]);
      expect(names).toContain('Baseline1796300000000');
      expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(tablesBefore);
    });
  }, 120_000);

  it('some of them ran: refused with what to do, nothing applied', async () => {
    const url = await emptyDatabase('partial');
    await withDb(url, async (db) => {
      await db.query(migrationsTable);
      await db.query(`INSERT INTO migrations ("timestamp", name) VALUES (1795399254187, 'Initial1795399254187')`);
    });
    await expect(migrate(url)).rejects.toThrow(/ran 1 of the 22 migrations squashed into Baseline1796300000000.*git checkout/s);
    await withDb(url, async (db) => {
      expect((await db.query(`SELECT name FROM migrations`)).rows).toEqual([{ name: 'Initial1795399254187' }]);
      expect((await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'resident'`)).rowCount).toBe(0);
    });
  }, 120_000);
});
