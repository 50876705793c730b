import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse as parseSync } from 'csv-parse/sync';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { badRequest, decodeCursor, DomainException, JobName, notFound, QueueService, toPage, type Page } from '@beacon/core';
import { normalisePostcode } from './postcode-format';
import { PostcodeRepository, type PostcodeCentroid, type PostcodeMergeCounts, type PostcodeView, type Layout, type RawPostcodeLine, type StagingRow, MAX_DIRECTORY_COLUMNS } from './postcode.repository';

export interface PostcodeImportCounts extends PostcodeMergeCounts {
  /** Data lines read (every postcode of the file, in or outside the force). */
  rows: number;
}

function layoutOf(header: string[]): Layout {
  const h = header.map((c) => c.trim().toLowerCase());
  const find = (names: RegExp, what: string) => {
    const i = h.findIndex((c) => names.test(c));
    if (i < 0) throw badRequest(`CSV header is missing the ${what} column`);
    return i;
  };
  // pcds is the readable form ("B27 6QX"); pcd (7 characters, padded) does too after normalising.
  const pcds = h.indexOf('pcds');
  return {
    postcode: pcds >= 0 ? pcds : find(/^(pcd|pcd7|pcd8|pcd2)$/, 'pcds (or pcd)'),
    ward: find(/^(osward|ward|wd\d{2}cd)$/, 'osward (or ward)'),
    lat: find(/^lat$/, 'lat'),
    long: find(/^long$/, 'long'),
    doterm: h.indexOf('doterm'),
  };
}

const NUMBER = /^-?\d{1,3}(\.\d+)?$/;
const HEADER_LIMIT = 64 * 1024;
/** Rows of the force read back from the raw table per round trip (bounds memory by the batch, not the file). */
const BATCH = 10_000;

/**
 * The header line's cells (BOM dropped) and the bytes read after it. Reads through the body's own
 * iterator by hand (a `for await` that stops early would destroy the upload), leaving the rest unread.
 */
async function splitHeader(chunks: AsyncIterator<Buffer>): Promise<{ header: string[]; rest: Buffer }> {
  let head = Buffer.alloc(0);
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    head = Buffer.concat([head, next.value]);
    const eol = head.indexOf(0x0a);
    if (eol >= 0) return { header: headerCells(head.subarray(0, eol)), rest: head.subarray(eol + 1) };
    if (head.length > HEADER_LIMIT) throw badRequest('CSV rejected, nothing imported: line 1: the header is longer than 64 KB');
  }
  return { header: headerCells(head), rest: Buffer.alloc(0) };
}

function headerCells(line: Buffer): string[] {
  const [cells] = parseSync(line, { bom: true, relax_column_count: true }) as string[][];
  if (!cells?.length) throw badRequest('CSV has no header');
  return cells;
}

/** The body after the header line: what was read with it, then the rest of the upload. */
async function* dataOf(rest: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (rest.length) yield rest;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

/** One raw line of the force (the cells Beacon keeps, as text) → a staging row, or the reason it is refused. */
function stagingRow(r: RawPostcodeLine): StagingRow | string {
  const postcode = normalisePostcode(r.postcode ?? '');
  if (!postcode) return `${JSON.stringify(r.postcode)} is not a postcode`;
  const { lat, long } = r;
  if (!NUMBER.test(lat ?? '') || !NUMBER.test(long ?? '')) return 'lat and long must be numbers';
  // The directory marks "no grid reference" as lat 99.999999, long 0.
  const located = Math.abs(Number(lat)) <= 90 && Math.abs(Number(long)) <= 180;
  const doterm = r.doterm ?? '';
  if (doterm && !/^\d{4}(0[1-9]|1[0-2])$/.test(doterm)) return 'doterm must be empty or YYYYMM';
  return {
    postcode,
    wardCode: r.ward,
    lat: located ? Number(lat) : null,
    long: located ? Number(long) : null,
    terminatedOn: doterm ? `${doterm.slice(0, 4)}-${doterm.slice(4)}-01` : null,
    line: r.line,
  };
}

const lineError = (line: number, reason: string) => badRequest(`CSV rejected, nothing imported: line ${line}: ${reason}`, [`line ${line}: ${reason}`]);

/**
 * PostgreSQL's own refusal of a line (a wrong number of cells, an open quote, bytes that are not
 * UTF-8) as a 400 naming the file's line: COPY counts the lines it was sent, the header not among them.
 */
function copyError(err: unknown, header: string[]): Error | null {
  const e = err as Error & { code?: unknown; where?: unknown };
  if (typeof e?.code !== 'string' || !/^22/.test(e.code)) return null;
  const at = /COPY \w+, line (\d+)/.exec(typeof e.where === 'string' ? e.where : '');
  // Column names in PostgreSQL's message are the raw table's (c1, c2…): name the file's instead.
  const reason = e.message.replace(/"c(\d+)"/g, (_m, i: string) => JSON.stringify(header[Number(i) - 1] ?? `column ${i}`));
  return at ? lineError(Number(at[1]) + 1, reason) : badRequest(`CSV rejected, nothing imported: ${reason}`);
}

/** An error from reading the upload as a client mistake (400), or null when it is not one. */
function uploadError(err: unknown): Error | null {
  if (err instanceof DomainException) return err;
  const e = err as Error & { code?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('CSV_')) return badRequest(`CSV rejected, nothing imported: ${e.message}`);
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return badRequest('The upload ended before the file did');
  return null;
}

/**
 * The ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL), as published:
 * streamed into PostgreSQL's COPY, which parses every line and keeps the force's wards; those lines
 * are checked here in batches into a staging table, swapped in at the end in one transaction (a
 * broken line anywhere: a 400 with its line, nothing changed).
 */
@Injectable()
export class PostcodeDirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postcodes: PostcodeRepository,
    private readonly queue: QueueService,
  ) {}

  async importDirectory(body: Readable): Promise<PostcodeImportCounts> {
    const wards = await this.postcodes.wardCodes();
    const qr = this.db.createQueryRunner();
    const client = (await qr.connect()) as pg.PoolClient;
    let header: string[] = [];
    const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      const split = await splitHeader(chunks);
      header = split.header;
      const layout = layoutOf(header);
      if (header.length > MAX_DIRECTORY_COLUMNS) throw badRequest(`CSV rejected, nothing imported: line 1: more than ${MAX_DIRECTORY_COLUMNS} columns`);
      await qr.startTransaction();
      // One directory import at a time: the second waits for the first to commit.
      // eslint-disable-next-line no-restricted-syntax -- QueryRunner.query takes no row type; the result is not read
      await qr.query(`SELECT pg_advisory_xact_lock(hashtext('postcode-directory'))`);
      await this.postcodes.createRaw(qr.manager, header.length);
      await this.postcodes.createStaging(qr.manager);
      // PostgreSQL parses the CSV (every line: a broken one anywhere fails the file) and keeps only
      // the lines of the force's wards: Node streams bytes with backpressure and holds no rows.
      // eslint-disable-next-line no-restricted-syntax -- a COPY stream (pg-copy-streams), not a query with rows
      const copy = client.query(copyFrom(this.postcodes.rawCopySql(header.length, layout.ward, wards, (v) => client.escapeLiteral(v))));
      await pipeline(dataOf(split.rest, chunks), copy);
      const rows = await this.postcodes.rawLinesRead(qr.manager);
      if (!rows) throw badRequest('CSV has no data rows');
      // The force's lines (a few % of a national file), checked and normalised in batches.
      for await (const raw of this.postcodes.rawLines(qr.manager, layout, BATCH)) {
        const staged: StagingRow[] = [];
        for (const r of raw) {
          const row = stagingRow(r);
          if (typeof row === 'string') throw lineError(r.line, row);
          staged.push(row);
        }
        await this.postcodes.stage(qr.manager, staged);
      }
      const repeat = await this.postcodes.firstRepeat(qr.manager);
      if (repeat) throw lineError(repeat.line, `postcode ${repeat.postcode} repeats line ${repeat.first}`);
      const counts = await this.postcodes.merge(qr.manager);
      // Residents whose postcode now lies in another ward are moved by libs/residents.
      await this.queue.send(JobName.ResidentWardRecheck, { reason: 'postcodes' }, { manager: qr.manager, singletonKey: 'ward-recheck' });
      await qr.commitTransaction();
      return { rows, ...counts };
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      body.resume();
      throw uploadError(err) ?? copyError(err, header) ?? err;
    } finally {
      await qr.release();
    }
  }

  /**
   * The demo's synthetic postcode file (src/seed/demo-postcodes.csv: made-up ZZ postcodes, three
   * per demo ward), imported like a real directory, once: skipped when any postcode is loaded.
   */
  async seedDemoPostcodes(): Promise<number> {
    if (await this.postcodes.any()) return 0;
    return (await this.importDirectory(createReadStream(new URL('./seed/demo-postcodes.csv', import.meta.url)))).kept;
  }

  /** A postcode as typed; 404 when it is not a postcode of the force. */
  async lookup(typed: string): Promise<PostcodeView> {
    const postcode = normalisePostcode(typed);
    if (!postcode) throw badRequest('postcode must be a UK postcode, like B33 8TH');
    const found = await this.postcodes.find(postcode);
    if (!found) throw notFound('Postcode');
    return found;
  }

  /** The directory's entry for a normalised postcode, or null (sign-up's fallback to the ward list). */
  find(postcode: string): Promise<PostcodeView | null> {
    return this.postcodes.find(postcode);
  }

  /** A normalised postcode's centroid (radius targeting), or null when it is not in the directory. */
  centroid(postcode: string): Promise<PostcodeCentroid | null> {
    return this.postcodes.centroid(postcode);
  }

  async listByWard(wardCode: string, limit = 50, cursor?: string): Promise<Page<PostcodeView>> {
    const rows = await this.postcodes.listByWard(wardCode, decodeCursor(cursor), limit + 1);
    return toPage(rows, limit, (r) => ({ key: r.postcode, id: r.postcode }));
  }
}
