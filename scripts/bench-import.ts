// npm run bench:import [-- --rows 100000,1000000] [--verified 0.9]
// Imports generated Beacon CSVs (streamed, never held in memory) through the real dry run and the
// real commit job, one size after the other (100,000 then 1,000,000 rows by default), and prints
// rows/s and peak RSS. Beside each size, the stack's own limit on the same machine in the same run:
// PostgreSQL's COPY of the same file into a table of text columns (no parsing or checks in Node).
// Runs on its own throwaway embedded PostgreSQL (fsync on). Prints figures; asserts nothing.
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { GeographyService } from '@beacon/geography';
import { ImportCommitJob, ImportsService } from '@beacon/imports';
import { benchAdmin, bootBenchApp, cores, fmt, loadAverage, MemorySampler, peakRssMb, reporter, startBenchPostgres, timed } from './bench/harness';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000,1000000' },
    verified: { type: 'string', default: '0.9' },
  },
});
const SIZES = args.rows.split(',').map(Number);
const VERIFIED = Number(args.verified);
const HEADER = 'email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\n';

const report = reporter(44);

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
  console.log(`Beacon import bench: ${SIZES.map(fmt).join(' then ')} rows (${Math.round(VERIFIED * 100)}% verified); node ${process.version}, ${cores()} cores, load average ${loadAverage()}`);
  const server = await startBenchPostgres('bench-import');
  try {
    const app = await bootBenchApp(server.url);
    const geography = app.get(GeographyService);
    await geography.seedWestMidlands();
    const wards = (await geography.listWards()).map((w) => w.code);
    const staff = await benchAdmin(app);
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
      const [dry, dryMs] = await timed(() => app.get(ImportsService).dryRunResidents(staff, 'beacon', Readable.from(csv(rows, wards, prefix, `07${9 - k}`))));
      report('dry run (stream, normalise, COPY, classify)', `${(dryMs / 1000).toFixed(1)} s, ${fmt((rows * 1000) / dryMs)} rows/s (${(dryMs / raw).toFixed(1)}× COPY)`);
      report('  accepted / rejected / duplicates', `${fmt(dry.accepted)} / ${fmt(dry.rejected)} / ${fmt(dry.duplicates)}`);
      const rssDry = peakRssMb();
      report('  peak during the dry run', `${dryMemory.stop()}; process peak so far ${peakRssMb().toFixed(0)} MB`);

      const commitMemory = new MemorySampler();
      const [, commitMs] = await timed(async () => {
        await app.get(ImportsService).requestCommit(staff, dry.id);
        await app.get(ImportCommitJob).commit(dry.id);
      });
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
  }
}

/** ms to COPY the file as it is into text columns: the floor any import of it stands on. */
async function rawCopy(db: DataSource, body: Readable): Promise<number> {
  const qr = db.createQueryRunner();
  const client = (await qr.connect()) as pg.PoolClient;
  try {
    await qr.query('TRUNCATE bench_raw_copy');
    const [, ms] = await timed(() => pipeline(body, client.query(copyFrom('COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)'))));
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
