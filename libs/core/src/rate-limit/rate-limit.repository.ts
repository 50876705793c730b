import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface BucketHits {
  key: string;
  windowSeconds: number;
  /** Hits to add to the key's current window. */
  hits: number;
}

@Injectable()
export class RateLimitRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Adds hits to each key's current window (one statement for many keys) and returns each key's
   * total there, with the previous window's total weighted by how much of it still lies inside a
   * window-long span ending now (a sliding window: no burst of twice the limit across a window
   * boundary). Rows are locked in key order, so concurrent statements never deadlock.
   */
  async add(buckets: BucketHits[]): Promise<Map<string, { hits: number; carried: number }>> {
    const rows = await this.db.query<{ key: string; hits: number; carried: number }[]>(
      `WITH b AS (
         SELECT k, w, n, to_timestamp(floor(extract(epoch FROM now()) / w) * w) AS ws,
                1 - (extract(epoch FROM now()) / w - floor(extract(epoch FROM now()) / w)) AS prev_weight
           FROM unnest($1::text[], $2::int[], $3::int[]) AS b(k, w, n)),
       up AS (
         INSERT INTO rate_limit_bucket (key, window_start, hits)
         SELECT k, ws, n FROM b ORDER BY k
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + EXCLUDED.hits
         RETURNING key, hits)
       SELECT up.key, up.hits, floor(COALESCE(p.hits, 0) * b.prev_weight)::int AS carried
         FROM up JOIN b ON b.k = up.key
         LEFT JOIN rate_limit_bucket p ON p.key = up.key AND p.window_start = b.ws - make_interval(secs => b.w)`,
      [buckets.map((b) => b.key), buckets.map((b) => b.windowSeconds), buckets.map((b) => b.hits)],
    );
    return new Map(rows.map((r) => [r.key, { hits: r.hits, carried: r.carried }]));
  }

  async purgeBefore(cutoff: Date): Promise<void> {
    await this.db.query<unknown>('DELETE FROM rate_limit_bucket WHERE window_start < $1', [cutoff]);
  }
}
