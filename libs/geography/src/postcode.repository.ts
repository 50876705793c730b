import { Injectable } from '@nestjs/common';
import type { Keyset } from '@beacon/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export const POSTCODE_STAGING = 'postcode_staging';
/** Columns COPYed into the staging table, in order (text format, tab-separated). */
export const POSTCODE_STAGING_COLUMNS = ['postcode', 'ward_code', 'lat', 'long', 'terminated_on', 'line'];

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
