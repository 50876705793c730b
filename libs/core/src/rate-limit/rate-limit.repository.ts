import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class RateLimitRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Counts one hit on each key in the current window and returns each key's count. */
  async hit(keys: string[], windowSeconds: number): Promise<Map<string, number>> {
    const rows: { key: string; hits: number }[] = await this.db.query(
      `INSERT INTO rate_limit_bucket (key, window_start, hits)
       SELECT k, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
       RETURNING key, hits`,
      [keys, windowSeconds],
    );
    return new Map(rows.map((r) => [r.key, r.hits]));
  }

  async purgeBefore(cutoff: Date): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_bucket WHERE window_start < $1', [cutoff]);
  }
}
