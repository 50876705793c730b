import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@beacon/core';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './index';

/** pg_advisory_lock key of migrations (tests use 7331/7332 for their own locks). */
const MIGRATION_LOCK = 7330;

export function createDataSource(url: string): DataSource {
  return new DataSource(buildDataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS));
}

/**
 * Applies pending migrations (each in its own transaction) and returns their names. Under a
 * session advisory lock: the API and the worker migrate at boot, and two of them starting
 * together (a first `docker compose up`, a rolling deploy) would otherwise both apply the same
 * migration, and one would fail.
 */
export async function migrate(url: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url, application_name: 'beacon-migrate-lock' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ds = await createDataSource(url).initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.end(); // ends the session: the lock goes with it
  }
}

/** SQL a migration would need to bring the schema in line with the entities (empty = no drift). */
export async function pendingSchemaChanges(url: string): Promise<{ up: string[]; down: string[] }> {
  const ds = await createDataSource(url).initialize();
  try {
    const log = await ds.driver.createSchemaBuilder().log();
    return { up: log.upQueries.map((q) => q.query), down: log.downQueries.map((q) => q.query) };
  } finally {
    await ds.destroy();
  }
}
