import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const ROOT = process.cwd();
const SOURCES = ['apps', 'libs', 'migrations', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
export const WORKER_MAIN = join(ROOT, 'dist/apps/worker/src/main.js');
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * Fault tests run the production build as real child processes. Builds dist/ when it is
 * missing or older than any source file; test files that need it take turns (advisory lock on
 * the test server), since the build replaces dist/ as a whole.
 */
export async function ensureBuilt(): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.BEACON_TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7332)');
    const built = existsSync(WORKER_MAIN) && existsSync(API_MAIN) ? Math.min(statSync(WORKER_MAIN).mtimeMs, statSync(API_MAIN).mtimeMs) : 0;
    const sources = Math.max(...SOURCES.filter((p) => existsSync(join(ROOT, p))).map((p) => newestMtime(join(ROOT, p))));
    if (built < sources) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    await admin.end();
  }
}

export interface ChildApp {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** The last lines it wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** Starts `node <main>` with only the given environment (plus PATH/HOME); resolves once `readyLine` appears. */
export async function startChild(main: string, env: Record<string, string>, readyLine: RegExp, timeoutMs = 60_000, opts: { detached?: boolean } = {}): Promise<ChildApp> {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    // Its own process group: a test can signal the group, as a terminal's Ctrl-C does.
    detached: opts.detached ?? false,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let ready: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 300) lines.shift();
      if (readyLine.test(line)) ready();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const app: ChildApp = {
    pid: child.pid!,
    child,
    exited,
    output: () => lines.join('\n'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    isReady.then(() => 'ready'),
    exited.then((code) => `exited (${code})`),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed out'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await app.stop();
    throw new Error(`${main} did not start: ${outcome}\n${app.output()}`);
  }
  return app;
}

/** Whether process `pid` is running: an exited orphan nobody has reaped yet (a zombie) is not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
