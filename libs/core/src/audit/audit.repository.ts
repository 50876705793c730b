import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { deleteInBatches } from '../retention/retention';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  data?: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(entry: AuditEntry, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query<unknown>('INSERT INTO audit_event (actor, action, subject, data) VALUES ($1, $2, $3, $4)', [
      entry.actor,
      entry.action,
      entry.subject,
      JSON.stringify(entry.data ?? {}),
    ]);
  }

  /** Retention: rows older than `before`, in batches (the audit log is large; each batch is short). */
  deleteBefore(before: Date): Promise<number> {
    return deleteInBatches(5000, async (limit) => {
      const [{ n }] = await this.db.query<{ n: number }[]>(
        'WITH gone AS (DELETE FROM audit_event WHERE id IN (SELECT id FROM audit_event WHERE at < $1 LIMIT $2) RETURNING 1) SELECT count(*)::int AS n FROM gone',
        [before, limit],
      );
      return n;
    });
  }
}
