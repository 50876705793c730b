import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

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
}
