import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@beacon/core';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './index';

export function createDataSource(url: string): DataSource {
  return new DataSource(buildDataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS));
}

/** Applies pending migrations (each in its own transaction) and returns their names. */
export async function migrate(url: string): Promise<string[]> {
  const ds = await createDataSource(url).initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
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
