// `npm start` after a crash: kill -9 of the process that started the embedded PostgreSQL leaves
// the postmaster running as an orphan (it is not killed with its parent). The next start must
// stop that orphan cleanly and come up, not die on "lock file postmaster.pid already exists".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '@beacon/core';
import { API_MAIN, ensureBuilt, isAlive, startChild, type ChildApp } from './utils/built-app';
import { freePort } from './utils/free-port';

const EMBEDDED_MAIN = join(process.cwd(), 'dist/libs/core/src/database/embedded-postgres.js');

const postmasterPid = (pgData: string) => Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}

/** A child process that starts the embedded PostgreSQL through the built module and then just waits. */
function startHolder(pgData: string, port: number): Promise<ChildApp> {
  const script = `import(${JSON.stringify(EMBEDDED_MAIN)}).then(async (m) => {
    await m.startEmbeddedPostgres({ dataDir: ${JSON.stringify(pgData)}, port: ${port}, database: 'beacon', persistent: true });
    console.log('HOLDER READY');
    setInterval(() => undefined, 1000);
  }).catch((err) => { console.error('HOLDER FAILED', err); process.exit(1); });`;
  const file = join(pgData, '..', `holder-${port}.mjs`);
  writeFileSync(file, script);
  return startChild(file, {}, /HOLDER READY/, 120_000);
}

describe('embedded PostgreSQL: starting again after a crash', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'beacon-embedded-'));
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data dir.
    chmodSync(d, 0o755);
    dirs.push(d);
    return d;
  };
  const children: ChildApp[] = [];

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    for (const c of children) await c.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('an orphaned postmaster (its parent SIGKILLed) is stopped cleanly and the cluster starts again', async () => {
    const pgData = join(tempDir(), 'postgres');
    const port = await freePort();
    const holder = await startHolder(pgData, port);
    children.push(holder);
    const orphan = postmasterPid(pgData);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(isAlive(orphan)).toBe(true);

    const db = await startEmbeddedPostgres({ dataDir: pgData, port, database: 'beacon', persistent: true });
    try {
      expect(isAlive(orphan)).toBe(false);
      expect(postmasterPid(pgData)).not.toBe(orphan);
      expect(await selectOne(db.url)).toBe(1);
    } finally {
      await db.stop();
    }
  }, 180_000);

  it('a stale postmaster.pid naming a live process that is not our postgres is removed, and the cluster starts', async () => {
    const pgData = join(tempDir(), 'postgres');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir: pgData, port, database: 'beacon', persistent: true });
    const pidFile = readFileSync(join(pgData, 'postmaster.pid'), 'utf8');
    await first.stop();
    // As after a power cut: the file stays, and its PID now belongs to some other process. Of the
    // same user as PostgreSQL (as root, `postgres`): another user's PID it would take as gone.
    const asPostgres = process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore', ...asPostgres });
    try {
      writeFileSync(join(pgData, 'postmaster.pid'), pidFile.replace(/^\d+/, String(stranger.pid)));
      const db = await startEmbeddedPostgres({ dataDir: pgData, port, database: 'beacon', persistent: true });
      try {
        expect(await selectOne(db.url)).toBe(1);
        expect(isAlive(stranger.pid!)).toBe(true);
      } finally {
        await db.stop();
      }
    } finally {
      stranger.kill('SIGKILL');
    }
  }, 180_000);

  it('a postmaster still owned by a running process is left alone, with a message saying what to do', async () => {
    const pgData = join(tempDir(), 'postgres');
    const port = await freePort();
    const holder = await startHolder(pgData, port);
    children.push(holder);
    const running = postmasterPid(pgData);
    await expect(startEmbeddedPostgres({ dataDir: pgData, port, database: 'beacon', persistent: true })).rejects.toThrow(
      new RegExp(`already running.*\\(PID ${running}\\).*process ${holder.pid}`, 's'),
    );
    expect(isAlive(running)).toBe(true);
    expect(await selectOne(`postgres://postgres:beacon@localhost:${port}/beacon`)).toBe(1);
    await holder.stop();
  }, 180_000);

  it('`npm start` (the built API on the embedded database) comes up again after kill -9', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()), SEED_DEMO: 'false', LOG_LEVEL: 'warn' };
    const first = await startChild(API_MAIN, env, /Beacon is running/, 120_000);
    children.push(first);
    const orphan = postmasterPid(join(dataDir, 'postgres'));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(orphan)).toBe(true);

    const second = await startChild(API_MAIN, env, /Beacon is running/, 120_000);
    children.push(second);
    expect(isAlive(orphan)).toBe(false);
    const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
    expect(health.status).toBe(200);
    const restarted = postmasterPid(join(dataDir, 'postgres'));
    await second.stop();
    // A clean stop also stops its PostgreSQL.
    expect(isAlive(restarted)).toBe(false);
  }, 300_000);
});
