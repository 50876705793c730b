import pg from 'pg';
import { join } from 'node:path';
import { startEmbeddedPostgres, type AppConfig } from '@beacon/core';

/**
 * The configured database URL, or the embedded one: used as it is when `npm start` runs it,
 * otherwise started for the duration of `work` and stopped after.
 */
export async function withDatabase(config: AppConfig, work: (url: string) => Promise<void>): Promise<void> {
  if (config.db.url) return work(config.db.url);
  const url = `postgres://postgres:beacon@localhost:${config.db.embeddedPort}/beacon`;
  const probe = new pg.Client({ connectionString: url });
  const running = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  if (running) return work(url);
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.db.dataDir, 'postgres'), port: config.db.embeddedPort, database: 'beacon', persistent: true });
  try {
    await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}
