// HTTP load for `npm run bench`: the production build of the API runs as its own process on
// loopback, and autocannon runs as a third process (its CLI for fixed GETs, a small child script
// on its programmatic API where every request needs its own body or path). Reports req/s and
// p50/p99 latency per endpoint; asserts nothing.
import type { INestApplicationContext } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { StaffPrincipal } from '@beacon/core';
import { DeliveryRepository, MessageLinksService, MessageService } from '@beacon/messaging';
import { cpuSeconds, cpuSteal, cpuUsed, fmt, imageNodeOptions, postgresPids, withChildren } from './harness';
import type { LoadPlan } from './load-client';

export interface HttpBenchOptions {
  databaseUrl: string;
  /** The bench PostgreSQL's data directory (its postmaster.pid names the server's processes). */
  pgDataDir: string;
  secrets: Record<string, string>;
  /** The bench's own application context: composes messages and signs rating links. */
  app: INestApplicationContext;
  staff: StaffPrincipal;
  login: { email: string; password: string };
  db: pg.Pool;
  port: number;
  connections: number;
  durationSeconds: number;
  /** Pre-created deliveries whose rating links the rating load cycles through. */
  ratingLinks: number;
  /** Write a V8 CPU profile of the API process here (open in Chrome DevTools). */
  cpuProfDir?: string;
  /** --pg-statements: pg_stat_statements reset before each endpoint, its top statements printed after. */
  statements?: { reset: () => Promise<unknown>; top: (requests: number) => Promise<void> };
  report: (name: string, value: string) => void;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
// autocannon's `errors` includes its `timeouts`.

const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const LOAD_CLIENT = join(import.meta.dirname, 'load-client.js');

function runJson(args: string[]): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`load generator printed no JSON: ${out.slice(0, 500)} ${err.slice(-1000)}`));
      }
    });
  });
}

/** Waits until the API's connections (application_name 'beacon') run no statement. */
async function drain(db: pg.Pool): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'beacon' AND state <> 'idle' AND pid <> pg_backend_pid()`);
    if (rows[0].n === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts `node dist/apps/api/src/main.js` (or another server script) and resolves once it listens. */
async function startApi(env: Record<string, string>, cpuProfDir?: string, script: string[] = ['dist/apps/api/src/main.js']): Promise<{ pid: number; stop: () => Promise<void> }> {
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, ...script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      log += c.toString();
      if (log.includes('Beacon is running')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited (${code}) before listening:\n${log.slice(-3000)}`)));
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runHttpBench(o: HttpBenchOptions): Promise<void> {
  const { db, report } = o;
  const messages = o.app.get(MessageService);

  // Data: an NPU-wide draft to preview, and a sent message with one delivery (and rating link) per resident.
  const wards: string[] = (await db.query('SELECT code FROM ward ORDER BY code')).rows.map((r: { code: string }) => r.code);
  const preview = await messages.compose(o.staff, { title: 'Bench preview', body: 'Bench', category: 'other', channels: ['email', 'sms'], audience: { npuCodes: ['BE'] } });
  const rated = await messages.compose(o.staff, { title: 'Bench rated', body: 'Bench', category: 'other', channels: ['email'], audience: {} });
  await db.query(`UPDATE message SET status = 'sent', send_requested_at = now(), sent_at = now() WHERE id = $1`, [rated.id]);
  const { rows: delivered } = await db.query<{ id: string }>(
    `INSERT INTO delivery (message_id, resident_id, channel, status, sent_at)
     SELECT $1, id, 'email', 'sent', now() FROM resident ORDER BY id LIMIT $2 RETURNING id::text AS id`,
    [rated.id, o.ratingLinks],
  );
  // Its recipients by language, as the fan-out writes them with the rows (the detail reads these).
  await o.app.get(DeliveryRepository).countLanguagesWhereMissing();
  await db.query('VACUUM ANALYZE delivery');
  const links = o.app.get(MessageLinksService);
  const ratingPaths = delivered.map((d) => new URL(links.ratingUrl(d.id)).pathname);

  const api = await startApi({
    // As the production image runs it (its V8 heap limit).
    NODE_OPTIONS: imageNodeOptions(),
    DATABASE_URL: o.databaseUrl,
    ...o.secrets,
    PORT: String(o.port),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    RUN_WORKER: 'false',
    SEED_DEMO: 'false',
    // Every request comes from 127.0.0.1: without this the public limits (60 sign-ups an hour per
    // address) would turn the sign-up and rating load into a test of the 429 path. Still counted.
    RATE_LIMIT_MULTIPLIER: '1000000',
    // The bench signs in by password; production asks admins for a second factor (TOTP).
    STAFF_MFA_REQUIRED_ROLES: 'none',
  }, o.cpuProfDir);
  const base = `http://127.0.0.1:${o.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-http-'));
  try {
    const login = await fetch(`${base}/api/v1/auth/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.login) });
    if (!login.ok) throw new Error(`Staff login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };

    // One load client's plan, in its own file; `name` keeps a warm-up from overwriting a measured plan.
    const planAt = (url: string, p: Omit<LoadPlan, 'url' | 'connections' | 'durationSeconds'>, durationSeconds: number, name: string) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify({ url, connections: o.connections, durationSeconds, ...p }));
      return [LOAD_CLIENT, file];
    };
    const plan = (p: Omit<LoadPlan, 'url' | 'connections' | 'durationSeconds'>) => planAt(base, p, o.durationSeconds, p.kind);
    // JIT warm-up: 2 s of the rating load before a rating route is measured, on the API and on
    // each freshly started bare server alike, so the ratio compares warm code with warm code (the
    // measured run re-rates the links the warm-up rated).
    const warmUp = (url: string) => runJson(planAt(url, { kind: 'rate', paths: ratingPaths }, 2, 'rate-warm'));
    const get = (path: string) => [AUTOCANNON_CLI, '-c', String(o.connections), '-d', String(o.durationSeconds), '-j', '-n', '-H', `Authorization=Bearer ${accessToken}`, `${base}${path}`];

    const signUpsBefore = Number((await db.query(`SELECT count(*) AS n FROM resident WHERE email LIKE 'load-%'`)).rows[0].n);
    const all: [string, string, string[]][] = [
      ['signup', 'POST /api/v1/residents (public sign-up, new e-mail each)', plan({ kind: 'signup', wardCodes: wards })],
      ['rate', `POST /r/{token} (rating, ${fmt(ratingPaths.length)} links)`, plan({ kind: 'rate', paths: ratingPaths })],
      ['preview', 'GET /api/v1/messages/{id}/audience (NPU preview)', get(`/api/v1/messages/${preview.id}/audience`)],
      ['detail', 'GET /api/v1/messages/{id} (detail, progress, ratings)', get(`/api/v1/messages/${rated.id}`)],
    ];
    // BENCH_HTTP_ENDPOINTS=signup,rate runs a subset (e.g. to profile one endpoint alone).
    const only = process.env.BENCH_HTTP_ENDPOINTS?.split(',');
    const endpoints = all.filter(([key]) => !only || only.includes(key));
    const { total: previewTotal } = await messages.previewAudience(o.staff, preview.id);
    console.log(`  (${o.connections} connections, ${o.durationSeconds} s each; preview audience ${fmt(previewTotal)} residents)`);
    const measure = async (name: string, args: string[], pid = api.pid) => {
      const load = loadavg()[0].toFixed(1);
      await o.statements?.reset();
      const [api0, pg0, steal0] = [cpuSeconds(withChildren(pid)), cpuSeconds(postgresPids(o.pgDataDir)), cpuSteal()];
      const r = await runJson(args);
      const steal = cpuSteal(steal0).percent;
      // Requests autocannon gave up on (10 s timeout) may still be running in PostgreSQL: let them
      // finish (they count in the CPU figures), so the next endpoint does not pay for this one.
      await drain(db);
      const [apiCpu, pgCpu] = [cpuUsed(api0, cpuSeconds(withChildren(pid))), cpuUsed(pg0, cpuSeconds(postgresPids(o.pgDataDir)))];
      const bad = r.non2xx + r.errors;
      const perReq = (cpu: number) => ((cpu * 1000) / Math.max(1, r['2xx'] + bad)).toFixed(2);
      report(
        name,
        `${fmt(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (${fmt(r['2xx'])} ok, ${fmt(bad)} not); ` +
          `CPU per request: ${pid === api.pid ? 'API' : 'server'} ${perReq(apiCpu)} ms, PostgreSQL ${perReq(pgCpu)} ms; load avg ${load}; CPU steal ${steal}`,
      );
      await o.statements?.top(Math.max(1, r['2xx'] + bad));
      return { reqPerSec: r.requests.average, p99: r.latency.p99 };
    };
    const results = new Map<string, { reqPerSec: number; p99: number }>();
    for (const [key, name, args] of endpoints) {
      if (key === 'rate') await warmUp(base);
      results.set(name, await measure(name, args));
    }

    // The HTTP stack's own limit (issue 24): the same rating load against a bare Nest route on the
    // same adapter and process model (and a bare node:http server), beside the rating link.
    const rating = [...results].find(([name]) => name.startsWith('POST /r/'))?.[1];
    if (!only || only.includes('bare')) {
      for (const [label, extra] of [['bare Nest + Express POST /r/:token (limit)', []], ['bare node:http POST (limit)', ['--node-http']]] as const) {
        const port = o.port + 1;
        const bare = await startApi({ PORT: String(port), NODE_ENV: 'production' }, undefined, [join(import.meta.dirname, 'bare-nest.js'), ...extra]);
        try {
          const url = `http://127.0.0.1:${port}`;
          await warmUp(url);
          const r = await measure(label, planAt(url, { kind: 'rate', paths: ratingPaths }, o.durationSeconds, 'bare'), bare.pid);
          if (rating) report(`ratio: rating link / ${label.split(' POST')[0]}`, `${((100 * rating.reqPerSec) / r.reqPerSec).toFixed(0)} % of its req/s (target: rating ≥ 3,000 req/s, p99 < 50 ms: ${rating.reqPerSec >= 3000 && rating.p99 < 50 ? 'met' : 'not met'})`);
        } finally {
          await bare.stop();
        }
      }
    }
    // Correctness under load: each accepted sign-up is one pending resident; ratings are one row per link.
    const signUps = Number((await db.query(`SELECT count(*) AS n FROM resident WHERE email LIKE 'load-%'`)).rows[0].n) - signUpsBefore;
    const ratings = Number((await db.query('SELECT count(*) AS n FROM rating WHERE message_id = $1', [rated.id])).rows[0].n);
    report('stored (incl. requests in flight at the end)', `${fmt(signUps)} sign-ups, ${fmt(ratings)} ratings (one per link at most: ${fmt(ratingPaths.length)} links)`);
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
