import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { InboundEmailOutcome, InboundEmailVia } from './inbound-email.entity';

export interface PendingInboundEmail {
  id: string;
  via: InboundEmailVia;
  recipient: string | null;
  raw: Buffer;
}

export interface InboundEmailResult {
  outcome: Exclude<InboundEmailOutcome, 'pending'>;
  detail?: string | null;
  residentId?: string | null;
  deliveryId?: string | null;
  replyId?: string | null;
}

@Injectable()
export class InboundEmailRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(r: { via: InboundEmailVia; recipient: string | null; raw: Buffer }, tx: EntityManager): Promise<string> {
    const [row] = await tx.query<{ id: string }[]>(`INSERT INTO inbound_email (via, recipient, raw, size) VALUES ($1, $2, $3, $4) RETURNING id`, [
      r.via,
      r.recipient?.slice(0, 254) ?? null,
      r.raw,
      r.raw.length,
    ]);
    return row.id;
  }

  /** Locked (FOR UPDATE) so two runs of one job serialise: the second finds it read. */
  async findPending(id: string, tx: EntityManager): Promise<PendingInboundEmail | null> {
    const rows = await tx.query<PendingInboundEmail[]>(`SELECT id, via, recipient, raw FROM inbound_email WHERE id = $1 AND outcome = 'pending' FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async finish(id: string, r: InboundEmailResult, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE inbound_email SET outcome = $2, detail = $3, resident_id = $4, delivery_id = $5, reply_id = $6, processed_at = now()
        WHERE id = $1 AND outcome = 'pending'`,
      [id, r.outcome, r.detail?.slice(0, 200) ?? null, r.residentId ?? null, r.deliveryId ?? null, r.replyId ?? null],
    );
  }

  /** Erasure: the mails as received go (they hold the address, the name, the words). */
  async eraseResident(residentId: string, manager: EntityManager): Promise<void> {
    await manager.query<unknown>(`DELETE FROM inbound_email WHERE resident_id = $1`, [residentId]);
  }

  async purgeBefore(before: Date, limit: number): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM inbound_email WHERE id IN (SELECT id FROM inbound_email WHERE received_at < $1 LIMIT $2) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return n;
  }
}
