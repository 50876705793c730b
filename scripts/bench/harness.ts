// What every bench script stands on: a throwaway embedded PostgreSQL (fsync on), the app booted
// on it as an application context, an admin to act as, and the timing, RSS and print helpers.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaffService } from '@beacon/auth';
import { loadConfig, startEmbeddedPostgres, type StaffPrincipal } from '@beacon/core';
import { AppModule } from '../../apps/api/src/app.module';
import { migrate } from '../../migrations/data-source';

/** Fixed secrets for benches whose app never runs with NODE_ENV=production. */
export const BENCH_SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789', LINK_SECRET: 'bench-link-secret-0123456789abcdef012345678' };
export const BENCH_LOGIN = { email: 'bench@beacon.local', password: 'bench-password-1' };

export const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
export const cores = () => cpus().length;
export const loadAverage = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Prints `  name  value` with the name padded to `width`; each figure is also kept in `figures` when given. */
export function reporter(width: number, figures?: [string, string][]): (name: string, value: string) => void {
  return (name, value) => {
    figures?.push([name, value]);
    console.log(`  ${name.padEnd(width)} ${value}`);
  };
}

/** The result of `fn` and how long it took, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

/** `runs` timed calls of `work` after one warm-up call, in ms, sorted ascending. */
export async function sampleMs(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  await work();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(work))[1]);
  return ms.sort((a, b) => a - b);
}
export const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)];
export const p95 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];

/** Peak resident set size (VmHWM) of a process, this one by default, in MB (Linux). */
export function peakRssMb(pid: number | 'self' = 'self'): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** Peak RSS, V8 heap in use and memory outside the heap (buffers) while a phase runs, sampled every 50 ms. */
export class MemorySampler {
  private peak = { rss: 0, heapUsed: 0, external: 0 };
  private readonly timer = setInterval(() => this.sample(), 50);
  constructor() {
    this.timer.unref();
    this.sample();
  }
  private sample(): void {
    const m = process.memoryUsage();
    this.peak = { rss: Math.max(this.peak.rss, m.rss), heapUsed: Math.max(this.peak.heapUsed, m.heapUsed), external: Math.max(this.peak.external, m.external) };
  }
  stop(): string {
    clearInterval(this.timer);
    this.sample();
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
    return `RSS ${mb(this.peak.rss)} MB, heap ${mb(this.peak.heapUsed)} MB, buffers ${mb(this.peak.external)} MB`;
  }
}

/** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the peak then covers the whole run
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface BenchPostgres {
  url: string;
  dataDir: string;
  /** Stops the server and deletes its data directory (unless `keepData`). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * An embedded PostgreSQL with fsync on, its data under a new `beacon-<name>-` temp directory, or
 * in `dataDir` (created if missing, kept on stop: a seeded database to run again).
 */
export async function startBenchPostgres(name: string, extra: Record<string, string> = {}, reuse?: string): Promise<BenchPostgres> {
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), `beacon-${name}-`));
  // BENCH_PG_SETTINGS: extra server settings as JSON, e.g. '{"temp_file_limit":"5GB"}' (auto_explain while profiling).
  const settings = { ...extra, ...(process.env.BENCH_PG_SETTINGS ? (JSON.parse(process.env.BENCH_PG_SETTINGS) as Record<string, string>) : {}) };
  // BENCH_PG_LOG: append the server's log lines (auto_explain's plans among them) to this file.
  const logFile = process.env.BENCH_PG_LOG;
  const log = logFile ? (line: string) => appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`) : undefined;
  // persistent: the server's own stop leaves the directory; ours deletes it unless it is kept.
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'beacon', persistent: true, fsync: true, settings, log });
  return {
    url: server.url,
    dataDir,
    stop: async (opts = {}) => {
      await server.stop();
      if (!opts.keepData && !reuse) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Migrates the database and boots the app on it as an application context (no HTTP, no worker). */
export async function bootBenchApp(databaseUrl: string, secrets: Record<string, string> = BENCH_SECRETS): Promise<INestApplicationContext> {
  await migrate(databaseUrl);
  const config = loadConfig({ DATABASE_URL: databaseUrl, ...secrets, LOG_LEVEL: 'warn', RUN_WORKER: 'false', SEED_DEMO: 'false' });
  return NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
}

/** A force-wide admin to act as (`BENCH_LOGIN` unless another login is given). */
export async function benchAdmin(app: INestApplicationContext, login = BENCH_LOGIN, name = 'Bench'): Promise<StaffPrincipal> {
  const staff = app.get(StaffService);
  // A reused database (--data-dir) has them from its first run.
  const admin = (await staff.list(null)).find((s) => s.email === login.email) ?? (await staff.create({ ...login, name, role: 'admin', npuCode: null }));
  return { kind: 'staff', ...admin, npuCode: null };
}

// CPU seconds used by processes (user + system, from /proc): what a request costs, whatever else
// the machine is doing. Wall-clock req/s on a shared machine says more about the neighbours.
const TICKS_PER_SECOND = 100;
export function cpuSeconds(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND); // utime, stime
    } catch {
      // the process ended
    }
  }
  return out;
}

/**
 * The machine's CPU time taken by the hypervisor for other guests ("steal", /proc/stat), as a
 * share of all CPU time since `since`: on a shared VM a run that loses CPU to its neighbours
 * says so beside its figures. Call without an argument for a starting sample.
 */
export function cpuSteal(since?: { steal: number; total: number }): { steal: number; total: number; percent: string } {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user)
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const now = { steal: f[7], total: f.reduce((a, b) => a + b, 0) };
  const d = since ? { steal: now.steal - since.steal, total: now.total - since.total } : now;
  return { ...now, percent: `${((100 * d.steal) / Math.max(1, d.total)).toFixed(1)} %` };
}

/** CPU used between two samples; processes that started in between count from zero. */
export function cpuUsed(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}

/** A process and its children (e.g. the postmaster's backends, writer, WAL…; an API's cluster workers). */
export function withChildren(parent: number): number[] {
  const pids = [parent];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid === parent) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

/** The postmaster and its children (backends, writer, WAL…). */
export function postgresPids(dataDir: string): number[] {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  return withChildren(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
}

/**
 * The production image's NODE_OPTIONS (the Dockerfile's `ENV NODE_OPTIONS=…`: its V8 heap limit):
 * the bench runs the worker and the API under load with them, so memory and GC are what a
 * deployment of the image sees.
 */
export function imageNodeOptions(dockerfile = 'Dockerfile'): string {
  const line = readFileSync(dockerfile, 'utf8').split('\n').find((l) => l.startsWith('ENV NODE_OPTIONS='));
  if (!line) throw new Error(`${dockerfile} sets no NODE_OPTIONS`);
  return line.slice('ENV NODE_OPTIONS='.length).trim().replace(/^"(.*)"$/, '$1');
}
