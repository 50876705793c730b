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
   * total. Rows are locked in key order, so concurrent statements never deadlock.
   */
  async add(buckets: BucketHits[]): Promise<Map<string, number>> {
    const rows: { key: string; hits: number }[] = await this.db.query(
      `INSERT INTO rate_limit_bucket (key, window_start, hits)
       SELECT k, to_timestamp(floor(extract(epoch FROM now()) / w) * w), n
         FROM unnest($1::text[], $2::int[], $3::int[]) AS b(k, w, n) ORDER BY k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + EXCLUDED.hits
       RETURNING key, hits`,
      [buckets.map((b) => b.key), buckets.map((b) => b.windowSeconds), buckets.map((b) => b.hits)],
    );
    return new Map(rows.map((r) => [r.key, r.hits]));
  }

  async purgeBefore(cutoff: Date): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_bucket WHERE window_start < $1', [cutoff]);
  }
}
