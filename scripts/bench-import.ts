// npm run bench:import [-- --rows 100000,1000000] [--verified 0.9]
// Imports generated Beacon CSVs (streamed, never held in memory) through the real dry run and the
// real commit job, one size after the other (100,000 then 1,000,000 rows by default), and prints
// rows/s and peak RSS. Beside each size, the stack's own limit on the same machine in the same run:
// PostgreSQL's COPY of the same file into a table of text columns (no parsing or checks in Node).
// Runs on its own throwaway embedded PostgreSQL (fsync on). Prints figures; asserts nothing.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { StaffService } from '@beacon/auth';
import { loadConfig, startEmbeddedPostgres, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { ImportCommitJob, ImportsService } from '@beacon/imports';
import { AppModule } from '../apps/api/src/app.module';
import { migrate } from '../migrations/data-source';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000,1000000' },
    verified: { type: 'string', default: '0.9' },
  },
});
const SIZES = args.rows.split(',').map(Number);
const VERIFIED = Number(args.verified);
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789', LINK_SECRET: 'bench-link-secret-0123456789abcdef012345678' };
const HEADER = 'email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\n';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
/** Peak RSS, V8 heap in use and memory outside the heap (buffers) while a phase runs, sampled every 50 ms. */
class MemorySampler {
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
const report = (name: string, value: string) => console.log(`  ${name.padEnd(44)} ${value}`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The file, generated a chunk at a time: 1 in 200 lines bad, 1 in 500 a duplicate of an earlier line. */
function* csv(rows: number, wards: string[], prefix: string, mobile: string): Generator<string> {
  yield HEADER;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const m = String(1 + (i % 12)).padStart(2, '0');
    const n = i % 500 === 499 ? i - 1 : i;
    const phone = n % 2 === 0 ? `${mobile}${String(10_000_000 + n).slice(-8)}` : '';
    const verified = (i * 7919) % 1000 < VERIFIED * 1000;
    const email = i % 200 === 199 ? 'not-an-email' : `${prefix}.${n}@example.org`;
    chunk += `${email},${phone},First${n},Last${n},B33 8TH,${wards[n % wards.length]},${phone ? 'email;sms' : 'email'},appeals;events,,20${19 + (i % 5)}-${m}-15,20${19 + (i % 5)}-${m}-15,${verified},${verified && !!phone},wmnow\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function main() {
  console.log(`Beacon import bench: ${SIZES.map(fmt).join(' then ')} rows (${Math.round(VERIFIED * 100)}% verified); node ${process.version}, ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-bench-import-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'beacon', persistent: false, fsync: true });
  try {
    await migrate(server.url);
    const config = loadConfig({ DATABASE_URL: server.url, ...SECRETS, LOG_LEVEL: 'warn', RUN_WORKER: 'false', SEED_DEMO: 'false' });
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
    const geography = app.get(GeographyService);
    await geography.seedWestMidlands();
    const wards = (await geography.listWards()).map((w) => w.code);
    const admin = await app.get(StaffService).create({ email: 'bench@beacon.local', name: 'Bench', password: 'bench-password-1', role: 'admin', npuCode: null });
    const staff: StaffPrincipal = { kind: 'staff', ...admin, npuCode: null };
    const db = app.get(DataSource);
    await db.query(`CREATE UNLOGGED TABLE bench_raw_copy (${HEADER.trim().split(',').map((c) => `${c} text`).join(', ')})`);
    console.log(`  peak RSS booted: ${peakRssMb().toFixed(0)} MB`);

    for (const [k, rows] of SIZES.entries()) {
      // Each size its own addresses (no matches with the last one): every line is a new resident.
      const prefix = `bench${k}`;
      console.log(`\n${fmt(rows)} rows`);
      const rawMemory = new MemorySampler();
      const raw = await rawCopy(db, Readable.from(csv(rows, wards, prefix, `07${9 - k}`)));
      report('limit: PostgreSQL COPY of the same file', `${(raw / 1000).toFixed(1)} s, ${fmt((rows * 1000) / raw)} rows/s`);
      report('  peak during the COPY', `${rawMemory.stop()}; process peak so far ${peakRssMb().toFixed(0)} MB`);

      const dryMemory = new MemorySampler();
      const t0 = performance.now();
      const dry = await app.get(ImportsService).dryRunResidents(staff, 'beacon', Readable.from(csv(rows, wards, prefix, `07${9 - k}`)));
      const dryMs = performance.now() - t0;
      report('dry run (stream, normalise, COPY, classify)', `${(dryMs / 1000).toFixed(1)} s, ${fmt((rows * 1000) / dryMs)} rows/s (${(dryMs / raw).toFixed(1)}× COPY)`);
      report('  accepted / rejected / duplicates', `${fmt(dry.accepted)} / ${fmt(dry.rejected)} / ${fmt(dry.duplicates)}`);
      const rssDry = peakRssMb();
      report('  peak during the dry run', `${dryMemory.stop()}; process peak so far ${peakRssMb().toFixed(0)} MB`);

      const commitMemory = new MemorySampler();
      const t1 = performance.now();
      await app.get(ImportsService).requestCommit(staff, dry.id);
      await app.get(ImportCommitJob).commit(dry.id);
      const commitMs = performance.now() - t1;
      const commitPeak = commitMemory.stop();
      const done = await app.get(ImportsService).report(staff, dry.id);
      report('commit (one transaction)', `${(commitMs / 1000).toFixed(1)} s, ${fmt((rows * 1000) / commitMs)} rows/s`);
      report('  peak during the commit', commitPeak);
      report('  status / created / verifications queued', `${done.status} / ${fmt(done.result?.created ?? 0)} / ${fmt(done.result?.verificationsSent ?? 0)}`);
      report('total', `${((dryMs + commitMs) / 1000).toFixed(1)} s, ${fmt((rows * 1000) / (dryMs + commitMs))} rows/s (${((dryMs + commitMs) / raw).toFixed(1)}× COPY)`);
      report('peak RSS so far: after dry run / after commit', `${rssDry.toFixed(0)} / ${peakRssMb().toFixed(0)} MB`);
    }
    await app.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** ms to COPY the file as it is into text columns: the floor any import of it stands on. */
async function rawCopy(db: DataSource, body: Readable): Promise<number> {
  const qr = db.createQueryRunner();
  const client = (await qr.connect()) as pg.PoolClient;
  try {
    await qr.query('TRUNCATE bench_raw_copy');
    const t0 = performance.now();
    await pipeline(body, client.query(copyFrom('COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)')));
    const ms = performance.now() - t0;
    await qr.query('TRUNCATE bench_raw_copy');
    return ms;
  } finally {
    await qr.release();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
