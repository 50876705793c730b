import { Injectable } from '@nestjs/common';
import type { Keyset } from '@beacon/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

const POSTCODE_STAGING = 'postcode_staging';
/** The directory file as COPY reads it: one text column per header cell, `line` counting every data line. */
const POSTCODE_RAW = 'postcode_raw';
/** The most columns a directory file may have (ONSPD has 52; PostgreSQL allows 1,600 in a table). */
export const MAX_DIRECTORY_COLUMNS = 400;

/** Where the columns Beacon keeps are in the file's header (0-based; doterm -1 when absent). */
export interface Layout {
  postcode: number;
  ward: number;
  lat: number;
  long: number;
  doterm: number;
}

/** A line of the force's wards as the file had it (cells as text), with its line in the file. */
export interface RawPostcodeLine {
  line: number;
  postcode: string | null;
  ward: string;
  lat: string | null;
  long: string | null;
  doterm: string | null;
}

/** A checked, normalised line bound for the staging table. */
export interface StagingRow {
  postcode: string;
  wardCode: string;
  lat: number | null;
  long: number | null;
  terminatedOn: string | null;
  line: number;
}

export interface PostcodeView {
  postcode: string;
  wardCode: string;
  wardName: string;
  npuCode: string;
  terminated: boolean;
}

export interface PostcodeCentroid {
  lat: number | null;
  long: number | null;
}

export interface PostcodeMergeCounts {
  kept: number;
  created: number;
  updated: number;
  removed: number;
  terminated: number;
}

@Injectable()
export class PostcodeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every ward code of the force (the import keeps only their lines). */
  async wardCodes(): Promise<string[]> {
    return (await this.db.query<{ code: string }[]>('SELECT code FROM ward ORDER BY code')).map((w) => w.code);
  }

  /**
   * The raw table for this transaction only: `columns` text cells, and `line` drawn from a sequence
   * for every line COPY reads, kept or not (so a kept line knows its place in the file).
   */
  async createRaw(tx: EntityManager, columns: number): Promise<void> {
    const cells = Array.from({ length: columns }, (_v, i) => `c${i + 1} text`).join(', ');
    await tx.query<unknown>(`CREATE TEMP TABLE ${POSTCODE_RAW} (${cells}, line bigserial) ON COMMIT DROP`);
  }

  /**
   * COPY of the file's data lines (header already read) into the raw table, keeping only the lines
   * whose ward cell is one of `wards`: PostgreSQL parses every line (a broken one anywhere fails
   * the COPY with its line) but stores a few % of a national file. COPY takes no bind parameters,
   * so the codes are quoted by the driver's `escapeLiteral`.
   */
  rawCopySql(columns: number, wardColumn: number, wards: string[], escapeLiteral: (v: string) => string): string {
    const cells = Array.from({ length: columns }, (_v, i) => `c${i + 1}`).join(', ');
    const keep = wards.length ? `c${wardColumn + 1} = ANY (ARRAY[${wards.map(escapeLiteral).join(', ')}]::text[])` : 'false';
    return `COPY ${POSTCODE_RAW} (${cells}) FROM STDIN (FORMAT csv) WHERE ${keep}`;
  }

  /** How many data lines COPY read (kept or not). */
  async rawLinesRead(tx: EntityManager): Promise<number> {
    const [seq] = await tx.query<{ n: number }[]>(
      `SELECT CASE WHEN is_called THEN last_value ELSE 0 END::int AS n FROM pg_temp.${POSTCODE_RAW}_line_seq`,
    );
    return seq.n;
  }

  /** The kept lines in file order, `batch` at a time (a cursor: memory bounded by the batch). */
  async *rawLines(tx: EntityManager, layout: Layout, batch: number): AsyncGenerator<RawPostcodeLine[]> {
    const c = (i: number) => (i >= 0 ? `c${i + 1}` : 'NULL::text');
    // The header is line 1: data line n is line n + 1 of the file.
    await tx.query<unknown>(
      `DECLARE ${POSTCODE_RAW}_lines NO SCROLL CURSOR FOR
       SELECT (line + 1)::int AS line, ${c(layout.postcode)} AS postcode, ${c(layout.ward)} AS ward, ${c(layout.lat)} AS lat,
              ${c(layout.long)} AS long, ${c(layout.doterm)} AS doterm
         FROM ${POSTCODE_RAW} ORDER BY line`,
    );
    for (;;) {
      const rows = await tx.query<RawPostcodeLine[]>(`FETCH ${Math.trunc(batch)} FROM ${POSTCODE_RAW}_lines`);
      if (!rows.length) break;
      yield rows;
    }
    await tx.query<unknown>(`CLOSE ${POSTCODE_RAW}_lines`);
  }

  /** One batch of checked lines into the staging table (one statement). */
  async stage(tx: EntityManager, rows: StagingRow[]): Promise<void> {
    if (!rows.length) return;
    await tx.query<unknown>(
      `INSERT INTO ${POSTCODE_STAGING} (postcode, ward_code, lat, long, terminated_on, line)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::float8[], $4::float8[], $5::date[], $6::int[])`,
      [rows.map((r) => r.postcode), rows.map((r) => r.wardCode), rows.map((r) => r.lat), rows.map((r) => r.long), rows.map((r) => r.terminatedOn), rows.map((r) => r.line)],
    );
  }

  /** A staging table for this transaction only (dropped at commit or rollback). */
  async createStaging(tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `CREATE TEMP TABLE ${POSTCODE_STAGING} (postcode varchar(8) NOT NULL, ward_code varchar(16) NOT NULL, lat double precision,
         long double precision, terminated_on date, line int NOT NULL) ON COMMIT DROP`,
    );
  }

  /** The first postcode that appears on two lines of the file, if any. */
  async firstRepeat(tx: EntityManager): Promise<{ postcode: string; first: number; line: number } | null> {
    const rows = await tx.query<{ postcode: string; first: number; line: number }[]>(
      `SELECT postcode, min(line) AS first, (array_agg(line ORDER BY line))[2] AS line FROM ${POSTCODE_STAGING}
        GROUP BY postcode HAVING count(*) > 1 ORDER BY 3 LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /**
   * Swaps the staged directory in: new and changed postcodes upserted, unchanged ones left alone
   * (a re-import of the same file changes nothing), postcodes no longer in the force removed.
   */
  async merge(tx: EntityManager): Promise<PostcodeMergeCounts> {
    const upserted = await tx.query<{ inserted: boolean }[]>(
      `INSERT INTO postcode (postcode, ward_code, lat, long, terminated_on)
       SELECT postcode, ward_code, lat, long, terminated_on FROM ${POSTCODE_STAGING}
       ON CONFLICT (postcode) DO UPDATE SET ward_code = EXCLUDED.ward_code, lat = EXCLUDED.lat, long = EXCLUDED.long, terminated_on = EXCLUDED.terminated_on
        WHERE (postcode.ward_code, postcode.lat, postcode.long, postcode.terminated_on)
              IS DISTINCT FROM (EXCLUDED.ward_code, EXCLUDED.lat, EXCLUDED.long, EXCLUDED.terminated_on)
       RETURNING (xmax = 0) AS inserted`,
    );
    const [removed] = await tx.query<{ n: number }[]>(
      `WITH d AS (DELETE FROM postcode p WHERE NOT EXISTS (SELECT 1 FROM ${POSTCODE_STAGING} s WHERE s.postcode = p.postcode) RETURNING p.postcode)
       SELECT count(*)::int AS n FROM d`,
    );
    const [{ kept, terminated }] = await tx.query<{ kept: number; terminated: number }[]>(
      `SELECT count(*)::int AS kept, count(*) FILTER (WHERE terminated_on IS NOT NULL)::int AS terminated FROM ${POSTCODE_STAGING}`,
    );
    const created = upserted.filter((r) => r.inserted).length;
    return { kept, created, updated: upserted.length - created, removed: removed.n, terminated };
  }

  async any(): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM postcode LIMIT 1')).length > 0;
  }

  async find(postcode: string): Promise<PostcodeView | null> {
    const rows = await this.db.query<PostcodeView[]>(
      `SELECT p.postcode, p.ward_code AS "wardCode", w.name AS "wardName", w.npu_code AS "npuCode", p.terminated_on IS NOT NULL AS terminated
         FROM postcode p JOIN ward w ON w.code = p.ward_code WHERE p.postcode = $1`,
      [postcode],
    );
    return rows[0] ?? null;
  }

  /** A postcode's centroid (null lat/long: no grid reference), or null when it is not in the directory. Never in a staff view. */
  async centroid(postcode: string): Promise<PostcodeCentroid | null> {
    const rows = await this.db.query<PostcodeCentroid[]>('SELECT lat, long FROM postcode WHERE postcode = $1', [postcode]);
    return rows[0] ?? null;
  }

  /** A ward's postcodes in order, keyset paged on the postcode. */
  listByWard(wardCode: string, after: Keyset | undefined, limit: number): Promise<PostcodeView[]> {
    return this.db.query<PostcodeView[]>(
      `SELECT p.postcode, p.ward_code AS "wardCode", w.name AS "wardName", w.npu_code AS "npuCode", p.terminated_on IS NOT NULL AS terminated
         FROM postcode p JOIN ward w ON w.code = p.ward_code
        WHERE p.ward_code = $1 AND ($2::varchar IS NULL OR p.postcode > $2)
        ORDER BY p.postcode LIMIT $3`,
      [wardCode, after?.key ?? null, limit],
    );
  }
}
