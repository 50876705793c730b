import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse, type InfoRecord } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { badRequest, decodeCursor, DomainException, JobName, notFound, QueueService, toPage, type Page } from '@beacon/core';
import { normalisePostcode } from './postcode-format';
import { POSTCODE_STAGING, POSTCODE_STAGING_COLUMNS, PostcodeRepository, type PostcodeCentroid, type PostcodeMergeCounts, type PostcodeView } from './postcode.repository';

export interface PostcodeImportCounts extends PostcodeMergeCounts {
  /** Data lines read (every postcode of the file, in or outside the force). */
  rows: number;
}

/** Where the columns Beacon keeps are in the file's header (ONSPD and NSPL spell some differently). */
interface Layout {
  postcode: number;
  ward: number;
  lat: number;
  long: number;
  doterm: number;
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

/**
 * Keeps the lines of the force's wards as staging rows (tab-separated COPY text). Every line is
 * parsed (a structural error anywhere fails the file); lines of the force are checked cell by cell.
 */
class DirectoryFilter extends Transform {
  rows = 0;
  private layout?: Layout;

  constructor(private readonly wards: Set<string>) {
    super({ writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 512 });
  }

  /**
   * csv-parse's on_record: reads the header, counts every data line, and passes on only the
   * lines of the force's wards (returning null drops a line inside the parser, so the ~97 % of a
   * national file outside the force never becomes a stream chunk).
   */
  readonly select = (record: string[], context: InfoRecord): string[] | null => {
    if (!this.layout) {
      this.layout = layoutOf(record);
      return null;
    }
    this.rows++;
    if (!this.wards.has(record[this.layout.ward])) return null;
    record.push(String(context.lines)); // the line number rides on as the last cell
    return record;
  };

  override _transform(cells: string[], _enc: BufferEncoding, done: TransformCallback): void {
    const l = this.layout!;
    const ward = cells[l.ward];
    const line = Number(cells[cells.length - 1]);
    const postcode = normalisePostcode(cells[l.postcode]);
    if (!postcode) return done(lineError(line, `${JSON.stringify(cells[l.postcode])} is not a postcode`));
    const lat = cells[l.lat];
    const long = cells[l.long];
    if (!NUMBER.test(lat) || !NUMBER.test(long)) return done(lineError(line, 'lat and long must be numbers'));
    // The directory marks "no grid reference" as lat 99.999999, long 0.
    const located = Math.abs(Number(lat)) <= 90 && Math.abs(Number(long)) <= 180;
    const doterm = l.doterm >= 0 ? cells[l.doterm] : '';
    if (doterm && !/^\d{4}(0[1-9]|1[0-2])$/.test(doterm)) return done(lineError(line, 'doterm must be empty or YYYYMM'));
    const term = doterm ? `${doterm.slice(0, 4)}-${doterm.slice(4)}-01` : '\\N';
    done(null, `${postcode}\t${ward}\t${located ? lat : '\\N'}\t${located ? long : '\\N'}\t${term}\t${line}\n`);
  }
}

const lineError = (line: number, reason: string) => badRequest(`CSV rejected, nothing imported: line ${line}: ${reason}`, [`line ${line}: ${reason}`]);

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
 * streamed through csv-parse, only the force's wards COPYed into a staging table, swapped in at
 * the end in one transaction (a broken line anywhere: a 400 with its line, nothing changed).
 */
@Injectable()
export class PostcodeDirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postcodes: PostcodeRepository,
    private readonly queue: QueueService,
  ) {}

  async importDirectory(body: Readable): Promise<PostcodeImportCounts> {
    const wards = new Set<string>((await this.db.query<{ code: string }[]>('SELECT code FROM ward')).map((w: { code: string }) => w.code));
    const qr = this.db.createQueryRunner();
    const client = (await qr.connect()) as pg.PoolClient;
    try {
      await qr.startTransaction();
      // One directory import at a time: the second waits for the first to commit.
      // eslint-disable-next-line no-restricted-syntax -- QueryRunner.query takes no row type; the result is not read
      await qr.query(`SELECT pg_advisory_xact_lock(hashtext('postcode-directory'))`);
      await this.postcodes.createStaging(qr.manager);
      const filter = new DirectoryFilter(wards);
      const parser = parse({ bom: true, skip_empty_lines: true, max_record_size: 64 * 1024, on_record: filter.select });
      // eslint-disable-next-line no-restricted-syntax -- a COPY stream (pg-copy-streams), not a query with rows
      const copy = client.query(copyFrom(`COPY ${POSTCODE_STAGING} (${POSTCODE_STAGING_COLUMNS.join(', ')}) FROM STDIN`));
      await pipeline(body, parser, filter, copy);
      if (!filter.rows) throw badRequest('CSV has no data rows');
      const repeat = await this.postcodes.firstRepeat(qr.manager);
      if (repeat) throw lineError(repeat.line, `postcode ${repeat.postcode} repeats line ${repeat.first}`);
      const counts = await this.postcodes.merge(qr.manager);
      // Residents whose postcode now lies in another ward are moved by libs/residents.
      await this.queue.send(JobName.ResidentWardRecheck, { reason: 'postcodes' }, { manager: qr.manager, singletonKey: 'ward-recheck' });
      await qr.commitTransaction();
      return { rows: filter.rows, ...counts };
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      body.resume();
      throw uploadError(err) ?? err;
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
