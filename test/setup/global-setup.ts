// Starts one throwaway PostgreSQL for the whole run. The first test file to need a database
// migrates a template (under an advisory lock); every file then copies it (fast, isolated, parallel).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/core/src/database/embedded-postgres';
import { freePort } from '../utils/free-port';

export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-test-pg-'));
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
  process.env.BEACON_TEST_PG_URL = server.url;
  (globalThis as { __beaconPg?: { stop(): Promise<void> } }).__beaconPg = server;
}
