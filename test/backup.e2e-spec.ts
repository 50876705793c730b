// npm run backup / restore (scripts/pg-tools.ts): PostgreSQL's own pg_dump and pg_restore. A
// pg_dump older than the server is refused up front with what to install. The round trip (a
// populated database backed up, restored into a new one, the app booted on it with the same
// report figures) needs a pg_dump at least as new as the test server (the embedded PostgreSQL
// 18): Debian 12's postgresql-client is 15, so without PG_DUMP/PATH pointing at one, that test
// is skipped with the reason printed (docs/operations.md, docs/testing.md).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { backupDatabase, findCompatiblePgDump, restoreDatabase, serverMajor } from '../scripts/pg-tools';
import { makeResidents } from './utils/factories';
import { createTestApp, createTestDatabase, loginAs, seedGeography, type TestApp } from './utils/test-app';

const dir = mkdtempSync(join(tmpdir(), 'beacon-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup: a pg_dump older than the server', () => {
  it('is refused before anything is written, saying which version to install and how', async () => {
    const url = await createTestDatabase();
    const major = await serverMajor(url);
    const old = join(dir, 'pg_dump');
    writeFileSync(old, `#!/bin/sh\necho "pg_dump (PostgreSQL) ${major - 3}.18 (Debian)"\n`);
    chmodSync(old, 0o755);
    const file = join(dir, 'refused.dump');
    await expect(backupDatabase(url, file, old)).rejects.toThrow(new RegExp(`PostgreSQL ${major - 3}'s pg_dump; the database is PostgreSQL ${major}.*postgresql-client-${major}`, 's'));
    await expect(backupDatabase(url, file, join(dir, 'missing-pg_dump'))).rejects.toThrow(/was not found.*Install the PostgreSQL/s);
  });
});

// Decided before the tests are collected, so a missing tool shows as a skipped test, with why.
// CI installs PostgreSQL's own client of the server's major (.ci/run → scripts/install-pg-client.sh),
// so there a missing tool fails the run instead of skipping the one test that proves a restore works.
const compatible = await findCompatiblePgDump(process.env.BEACON_TEST_PG_URL!, process.env.PG_DUMP);
if (!compatible.ok && process.env.CI === 'true') throw new Error(`[backup] CI needs a pg_dump for the round trip: ${compatible.reason}`);
if (!compatible.ok) process.stdout.write(`[backup] SKIPPED the backup/restore round trip: ${compatible.reason}\n`);
const roundTrip = compatible.ok ? it : it.skip;

describe('backup → restore into a new database → the app boots on it with the same figures', () => {
  let t: TestApp;

  beforeAll(async () => {
    if (compatible.ok) t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  roundTrip('restores every row: residents and the report figures match', async () => {
    await seedGeography(t);
    const admin = (await loginAs(t, 'admin')).auth as [string, string];
    await makeResidents(t, { count: 25, ward: 'BE01', prefix: 'backup', interest: 'student' });
    await makeResidents(t, { count: 7, ward: 'SW01', prefix: 'backupsw' });
    const figures = async (app: TestApp) => ({
      signups: (await app.http().get('/api/v1/reports/signups').set(...admin).expect(200)).body,
      reach: (await app.http().get('/api/v1/reports/reach').set(...admin).expect(200)).body,
      residents: (await app.sql<{ n: number }>('SELECT count(*)::int AS n FROM resident'))[0].n,
    });
    const before = await figures(t);
    const file = join(dir, 'beacon.dump');
    await backupDatabase(t.config.db.url!, file, process.env.PG_DUMP);

    const name = `beacon_restored_${Date.now()}`;
    const server = new pg.Client({ connectionString: t.config.db.url!.replace(/\/[^/]+$/, '/postgres') });
    await server.connect();
    await server.query(`CREATE DATABASE ${name}`);
    await server.end();
    const restoredUrl = t.config.db.url!.replace(/\/[^/]+$/, `/${name}`);
    await restoreDatabase(restoredUrl, file, { pgRestore: process.env.PG_RESTORE });

    // The staff member's token is valid on the restored copy: same secrets, same rows.
    const restored = await createTestApp({ DATABASE_URL: restoredUrl });
    try {
      expect(await figures(restored)).toEqual(before);
      expect(before.residents).toBe(32);
    } finally {
      await restored.close();
    }
  }, 120_000);
});
