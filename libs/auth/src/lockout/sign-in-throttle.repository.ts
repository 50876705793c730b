import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** `staff_sign_in_throttle`: failed sign-ins per key and when each key may try again. */
@Injectable()
export class SignInThrottleRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The latest time any of these keys is held until, or null when none is held now. */
  async heldUntil(keys: string[]): Promise<Date | null> {
    const rows = await this.db.query<{ until: Date | null }[]>(`SELECT max(blocked_until) AS until FROM staff_sign_in_throttle WHERE key = ANY($1) AND blocked_until > now()`, [keys]);
    return rows[0]?.until ?? null;
  }

  /**
   * Counts one failure on each key (one statement; failures are forgotten a day after the last
   * one). From the `after`-th failure on, the key is held for `baseSeconds`, doubled for each
   * failure since, never longer than `maxSeconds`.
   */
  async recordFailure(keys: string[], after: number, baseSeconds: number, maxSeconds: number): Promise<void> {
    // SET expressions all read the old row: the new count is spelled out where it is used.
    const n = `(CASE WHEN t.last_failure_at < now() - interval '1 day' THEN 1 ELSE t.failures + 1 END)`;
    await this.db.query<unknown>(
      `INSERT INTO staff_sign_in_throttle AS t (key, failures, last_failure_at, blocked_until)
       SELECT k, 1, now(), CASE WHEN $2::int <= 1 THEN now() + make_interval(secs => least($3::float8, $4::float8)) END
         FROM unnest($1::text[]) AS u(k) ORDER BY k
       ON CONFLICT (key) DO UPDATE SET
         failures = ${n},
         last_failure_at = now(),
         blocked_until = CASE WHEN ${n} >= $2::int THEN now() + make_interval(secs => least($4::float8, $3::float8 * power(2, least(${n} - $2::int, 30)))) END`,
      [keys, after, baseSeconds, maxSeconds],
    );
  }

  async clear(keys: string[]): Promise<void> {
    await this.db.query<unknown>(`DELETE FROM staff_sign_in_throttle WHERE key = ANY($1)`, [keys]);
  }

  /** Housekeeping: keys with nothing to remember any more. */
  async deleteStale(): Promise<number> {
    const r = await this.db.query<[unknown[], number]>(`DELETE FROM staff_sign_in_throttle WHERE last_failure_at < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())`);
    return r[1] ?? 0;
  }
}
