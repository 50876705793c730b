// npm run bench:import [-- --rows 100000] [--million] [--verified 0.9]
// Imports a generated Beacon CSV (streamed, never held in memory) through the real dry run and
// the real commit job, and prints rows/s and peak RSS. --million: 1,000,000 rows. Runs on its own
// throwaway embedded PostgreSQL (fsync on). Prints figures; asserts nothing.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { StaffService } from '@beacon/auth';
import { loadConfig, startEmbeddedPostgres, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { ImportCommitJob, ImportsService } from '@beacon/imports';
import { AppModule } from '../apps/api/src/app.module';
import { migrate } from '../migrations/data-source';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    million: { type: 'boolean', default: false },
    verified: { type: 'string', default: '0.9' },
  },
});
const ROWS = args.million ? 1_000_000 : Number(args.rows);
const VERIFIED = Number(args.verified);
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789', LINK_SECRET: 'bench-link-secret-0123456789abcdef012345678' };
const HEADER = 'email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\n';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
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
function* csv(rows: number, wards: string[]): Generator<string> {
  yield HEADER;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const m = String(1 + (i % 12)).padStart(2, '0');
    const n = i % 500 === 499 ? i - 1 : i;
    const phone = n % 2 === 0 ? `0791${String(1_000_000 + n).slice(-7)}` : '';
    const verified = (i * 7919) % 1000 < VERIFIED * 1000;
    const email = i % 200 === 199 ? 'not-an-email' : `bench.import.${n}@example.org`;
    chunk += `${email},${phone},First${n},Last${n},B33 8TH,${wards[n % wards.length]},${phone ? 'email;sms' : 'email'},appeals;events,,20${19 + (i % 5)}-${m}-15,20${19 + (i % 5)}-${m}-15,${verified},${verified && !!phone},wmnow\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function main() {
  console.log(`Beacon import bench: ${fmt(ROWS)} rows (${Math.round(VERIFIED * 100)}% verified); node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
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
    const rssBefore = peakRssMb();

    const t0 = performance.now();
    const dry = await app.get(ImportsService).dryRunResidents(staff, 'beacon', Readable.from(csv(ROWS, wards)));
    const dryMs = performance.now() - t0;
    report('dry run (stream, normalise, COPY, classify)', `${(dryMs / 1000).toFixed(1)} s, ${fmt((ROWS * 1000) / dryMs)} rows/s`);
    report('  accepted / rejected / duplicates', `${fmt(dry.accepted)} / ${fmt(dry.rejected)} / ${fmt(dry.duplicates)}`);
    const rssDry = peakRssMb();

    const t1 = performance.now();
    await app.get(ImportsService).requestCommit(staff, dry.id);
    await app.get(ImportCommitJob).commit(dry.id);
    const commitMs = performance.now() - t1;
    const done = await app.get(ImportsService).report(staff, dry.id);
    report('commit (one transaction)', `${(commitMs / 1000).toFixed(1)} s, ${fmt((ROWS * 1000) / commitMs)} rows/s`);
    report('  status / created / verifications queued', `${done.status} / ${fmt(done.result?.created ?? 0)} / ${fmt(done.result?.verificationsSent ?? 0)}`);
    report('total', `${((dryMs + commitMs) / 1000).toFixed(1)} s, ${fmt((ROWS * 1000) / (dryMs + commitMs))} rows/s`);
    report('peak RSS: booted / after dry run / after commit', `${rssBefore.toFixed(0)} / ${rssDry.toFixed(0)} / ${peakRssMb().toFixed(0)} MB`);
    await app.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
