// Starts one throwaway PostgreSQL for the whole run. The first test file to need a database
// migrates a template (under an advisory lock); every file then copies it (fast, isolated, parallel).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../libs/core/src/database/embedded-postgres';
import { freePort } from '../utils/free-port';

export default async function globalSetup(): Promise<void> {
  // scripts/mutation.mjs keeps one server (and its migrated template) for every mutant's run;
  // the previous run's per-file databases are dropped so a session does not fill the disk.
  const shared = process.env.BEACON_MUTATION_PG_URL;
  if (shared) {
    process.env.BEACON_TEST_PG_URL = shared;
    const admin = new pg.Client({ connectionString: shared });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'beacon\\_t\\_%'`);
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-test-pg-'));
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
  process.env.BEACON_TEST_PG_URL = server.url;
  (globalThis as { __beaconPg?: { stop(): Promise<void> } }).__beaconPg = server;
}
