import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { daysBefore, deleteInBatches, RetentionPurgeProvider, type RetentionPurge } from '../retention/retention';

/** Receipts are kept this long: a signed request replayed within it is refused (providers retry within hours). */
export const WEBHOOK_RECEIPT_DAYS = 30;
/** A claim not marked done after this long belongs to a process that died: the next copy of the request runs. */
export const WEBHOOK_CLAIM_STALE_SECONDS = 120;

/** `processed`: this copy ran; `duplicate`: an earlier copy ran (answer 2xx, do nothing); `in_flight`: one is running now. */
export type WebhookOnce<T> = { outcome: 'processed'; value: T } | { outcome: 'duplicate' } | { outcome: 'in_flight' };

/**
 * Replay protection of inbound webhooks: `once(route, signed, work)` runs `work` for the first
 * copy of a signed request only. The claim is a row written before the work and marked done after
 * it; a failure deletes it (the provider's retry runs again), a crash leaves it stale
 * (re-claimed after `WEBHOOK_CLAIM_STALE_SECONDS`), so a retry is never lost and a replay never
 * runs twice. `signed` is what the signature covers (Twilio's signature itself, an HMAC's body):
 * only a byte-identical signed request is a duplicate.
 */
@Injectable()
@RetentionPurgeProvider()
export class WebhookReceipts implements RetentionPurge {
  readonly retentionName = 'webhook receipts';

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async once<T>(route: string, signed: string | Buffer, work: () => Promise<T>): Promise<WebhookOnce<T>> {
    const digest = createHash('sha256').update(route).update('\n').update(signed).digest('hex');
    const claimed = await this.db.query<{ done: boolean }[]>(
      `INSERT INTO webhook_receipt (route, digest) VALUES ($1, $2)
       ON CONFLICT (route, digest) DO UPDATE SET claimed_at = now()
         WHERE webhook_receipt.done_at IS NULL AND webhook_receipt.claimed_at < now() - make_interval(secs => $3)
       RETURNING false AS done`,
      [route, digest, WEBHOOK_CLAIM_STALE_SECONDS],
    );
    if (!claimed.length) {
      const [row] = await this.db.query<{ done: boolean }[]>('SELECT done_at IS NOT NULL AS done FROM webhook_receipt WHERE route = $1 AND digest = $2', [route, digest]);
      // Gone since (the first copy failed and released it): this copy may run after all, as the provider's retry would.
      if (!row) return this.once(route, signed, work);
      return { outcome: row.done ? 'duplicate' : 'in_flight' };
    }
    let value: T;
    try {
      value = await work();
    } catch (err) {
      await this.db.query<unknown>('DELETE FROM webhook_receipt WHERE route = $1 AND digest = $2 AND done_at IS NULL', [route, digest]);
      throw err;
    }
    await this.db.query<unknown>('UPDATE webhook_receipt SET done_at = now() WHERE route = $1 AND digest = $2', [route, digest]);
    return { outcome: 'processed', value };
  }

  purgeExpired(now: Date): Promise<number> {
    const before = daysBefore(now, WEBHOOK_RECEIPT_DAYS);
    return deleteInBatches(5000, async (limit) => {
      const [{ n }] = await this.db.query<{ n: number }[]>(
        `WITH gone AS (DELETE FROM webhook_receipt WHERE ctid IN (SELECT ctid FROM webhook_receipt WHERE claimed_at < $1 LIMIT $2) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [before, limit],
      );
      return n;
    });
  }
}
