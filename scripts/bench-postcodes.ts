// npm run bench:postcodes [-- --rows 1000000] [--national] [--in-force 0.03]
// Imports a generated ONS Postcode Directory (the real ONSPD column layout, 52 columns; a share of
// the postcodes in the force's wards, the rest elsewhere) through the real import, and prints
// rows/s and peak RSS beside the limits of the parts it stands on, measured on the same file:
// reading it, csv-parse alone, and a plain PostgreSQL COPY of the whole file into a table of text
// columns. --national: 2,700,000 rows (a full ONSPD). Runs on its own throwaway embedded
// PostgreSQL (fsync on). Prints figures; asserts nothing.
import 'reflect-metadata';
import { parse } from 'csv-parse';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { GeographyService, PostcodeDirectoryService } from '@beacon/geography';
import { bootBenchApp, cores, fmt, loadAverage, peakRssMb, reporter, resetPeakRss, startBenchPostgres, timed } from './bench/harness';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    national: { type: 'boolean', default: false },
    'in-force': { type: 'string', default: '0.03' },
  },
});
const ROWS = args.national ? 2_700_000 : Number(args.rows);
const IN_FORCE = Number(args['in-force']);
// The ONSPD header (February 2024 edition's columns, in order).
const COLUMNS = (
  'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,' +
  'pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,' +
  'oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21'
).split(',');
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'; // letters a postcode's unit may use
const AREA = 'ABDEFGHLNPRSTW'; // letters valid in either place of a postcode area

const report = reporter(48);
const rate = (ms: number) => `${(ms / 1000).toFixed(1)} s, ${fmt((ROWS * 1000) / ms)} rows/s`;

/** Postcode n: a unique, well-formed postcode (area letters, district, sector, unit). */
function postcodeOf(n: number): string {
  const area = AREA[n % 14] + AREA[Math.floor(n / 14) % 14];
  const rest = Math.floor(n / 196);
  return `${area}${1 + (rest % 99)} ${Math.floor(rest / 99) % 10}${LETTERS[Math.floor(rest / 990) % 20]}${LETTERS[Math.floor(rest / 19800) % 20]}`;
}

/** Writes the file: IN_FORCE of the lines in the force's wards, 1 in 20 terminated, 1 in 1,000 with no grid reference. */
async function writeDirectory(path: string, wards: string[]): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(COLUMNS.join(',') + '\r\n');
  const every = Math.max(1, Math.round(1 / IN_FORCE));
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const pcds = postcodeOf(i);
    const ward = i % every === 0 ? wards[(i / every) % wards.length] : `E05${String(100000 + (i % 9000)).padStart(6, '0')}`;
    const noGrid = i % 1000 === 999;
    const row: Record<string, string> = {
      pcd: pcds.replace(' ', '').padEnd(7, ' '),
      pcd2: pcds,
      pcds,
      dointr: '198001',
      doterm: i % 20 === 19 ? '202003' : '',
      osward: ward,
      oslaua: 'E08000025',
      usertype: '0',
      oseast1m: '412345',
      osnrth1m: '287654',
      osgrdind: noGrid ? '9' : '1',
      ctry: 'E92000001',
      rgn: 'E12000005',
      lat: noGrid ? '99.999999' : (52.4 + (i % 1000) / 10000).toFixed(6),
      long: noGrid ? '0.000000' : (-1.9 + (i % 997) / 10000).toFixed(6),
      pfa: 'E23000014',
    };
    chunk += COLUMNS.map((c) => row[c] ?? (c.startsWith('oa') || c.startsWith('lsoa') || c.startsWith('msoa') ? 'E00045123' : 'E99999999')).join(',') + '\r\n';
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const sink = () => new Writable({ objectMode: true, write: (_c, _e, cb) => cb() });

async function main() {
  console.log(`Beacon postcode directory bench: ${fmt(ROWS)} rows (${(IN_FORCE * 100).toFixed(1)}% in the force); node ${process.version}, ${cores()} cores, load average ${loadAverage()}`);
  const fileDir = mkdtempSync(join(tmpdir(), 'beacon-bench-onspd-'));
  const file = join(fileDir, 'onspd.csv');
  const server = await startBenchPostgres('bench-postcodes');
  try {
    const app = await bootBenchApp(server.url);
    const geography = app.get(GeographyService);
    await geography.seedWestMidlands();
    const wards = (await geography.listWards()).map((w) => w.code);
    await writeDirectory(file, wards);
    report('file', `${(statSync(file).size / 1024 / 1024).toFixed(0)} MB, ${COLUMNS.length} columns`);
    const rssBooted = peakRssMb();

    // The limits: reading the file, csv-parse alone, PostgreSQL's own COPY of the whole file.
    report('limit: read the file', rate((await timed(() => pipeline(createReadStream(file), sink())))[1]));
    report('limit: csv-parse alone (every line, every column)', rate((await timed(() => pipeline(createReadStream(file), parse({ bom: true, skip_empty_lines: true }), sink())))[1]));
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`CREATE UNLOGGED TABLE bench_onspd_raw (${COLUMNS.map((c) => `"${c}" text`).join(', ')})`);
    const [, copyMs] = await timed(() => pipeline(createReadStream(file), client.query(copyFrom('COPY bench_onspd_raw FROM STDIN (FORMAT csv, HEADER true)'))));
    report('limit: plain COPY of the file (unlogged, text)', rate(copyMs));
    await client.query('DROP TABLE bench_onspd_raw');
    await client.end();

    const postcodes = app.get(PostcodeDirectoryService);
    const rssLimits = peakRssMb();
    resetPeakRss();
    const [first, firstMs] = await timed(() => postcodes.importDirectory(createReadStream(file)));
    report('Beacon import (parse, filter, COPY, merge)', rate(firstMs));
    report('  kept / terminated / created', `${fmt(first.kept)} / ${fmt(first.terminated)} / ${fmt(first.created)}`);
    const rssFirst = peakRssMb();
    resetPeakRss();
    const [again, againMs] = await timed(() => postcodes.importDirectory(createReadStream(file)));
    report('Beacon re-import of the same file (idempotent)', rate(againMs));
    report('  created / updated / removed', `${fmt(again.created)} / ${fmt(again.updated)} / ${fmt(again.removed)}`);
    report('peak RSS: booted / the limits / the import / the re-import', `${rssBooted.toFixed(0)} / ${rssLimits.toFixed(0)} / ${rssFirst.toFixed(0)} / ${peakRssMb().toFixed(0)} MB`);
    report('load average at the end', loadAverage());
    await app.close();
  } finally {
    await server.stop();
    rmSync(fileDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
