import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ImportKind, ImportStatus } from './import.entity';
import type { ClassCounts, RowError } from './staging.repository';

export interface ImportRow extends ClassCounts {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  npuCode: string | null;
  createdBy: string;
  committedBy: string | null;
  mapping: string;
  welcome: boolean;
  fileSha256: string;
  fileBytes: number;
  result: Record<string, number> | null;
  error: string | null;
  createdAt: Date;
  committedAt: Date | null;
  purgedAt: Date | null;
}

const COLUMNS = `id, kind, status, npu_code AS "npuCode", created_by AS "createdBy", committed_by AS "committedBy", mapping, welcome,
  file_sha256 AS "fileSha256", file_bytes::float8 AS "fileBytes", rows, accepted, rejected, duplicates, matched, result, error,
  created_at AS "createdAt", committed_at AS "committedAt", purged_at AS "purgedAt"`;

/** `data_import` rows and the rejected-rows report. */
@Injectable()
export class ImportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(row: { id: string; kind: ImportKind; npuCode: string | null; createdBy: string; mapping: string }, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `INSERT INTO data_import (id, kind, status, npu_code, created_by, mapping, file_sha256, file_bytes, rows, accepted, rejected, duplicates, matched)
       VALUES ($1, $2, 'dry_run', $3, $4, $5, '', 0, 0, 0, 0, 0, 0)`,
      [row.id, row.kind, row.npuCode, row.createdBy, row.mapping],
    );
  }

  async saveDryRun(id: string, file: { sha256: string; bytes: number }, c: ClassCounts, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE data_import SET file_sha256 = $2, file_bytes = $3, rows = $4, accepted = $5, rejected = $6, duplicates = $7, matched = $8, updated_at = now()
        WHERE id = $1`,
      [id, file.sha256, file.bytes, c.rows, c.accepted, c.rejected, c.duplicates, c.matched],
    );
  }

  async find(id: string, manager: EntityManager = this.db.manager): Promise<ImportRow | null> {
    const rows = await manager.query<ImportRow[]>(`SELECT ${COLUMNS} FROM data_import WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Locks the import for the commit's transaction (waits for a commit of it running elsewhere). */
  async lockForCommit(id: string, tx: EntityManager): Promise<ImportRow | null> {
    const rows = await tx.query<ImportRow[]>(`SELECT ${COLUMNS} FROM data_import WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  /** dry_run → committing, once: false when it was not a dry run any more. */
  async markCommitting(id: string, staffId: string, welcome: boolean, tx: EntityManager): Promise<boolean> {
    const rows = await tx.query<{ id: string }[]>(
      `WITH u AS (UPDATE data_import SET status = 'committing', committed_by = $2, welcome = $3, updated_at = now() WHERE id = $1 AND status = 'dry_run' RETURNING id)
       SELECT id FROM u`,
      [id, staffId, welcome],
    );
    return rows.length > 0;
  }

  async markCommitted(id: string, c: ClassCounts, result: Record<string, number>, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE data_import SET status = 'committed', committed_at = now(), rows = $2, accepted = $3, rejected = $4, duplicates = $5, matched = $6,
              result = $7, updated_at = now() WHERE id = $1`,
      [id, c.rows, c.accepted, c.rejected, c.duplicates, c.matched, JSON.stringify(result)],
    );
  }

  async markFailed(id: string, error: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(`UPDATE data_import SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [id, error.slice(0, 500)]);
  }

  errors(id: string, limit: number, manager: EntityManager = this.db.manager): Promise<RowError[]> {
    return manager.query<RowError[]>('SELECT line, reason FROM import_rejection WHERE import_id = $1 ORDER BY line LIMIT $2', [id, limit]);
  }

  /** The rejected-rows report, a page at a time (keyset on line). */
  rejections(id: string, afterLine: number, limit: number): Promise<{ line: number; reason: string; raw: Record<string, string> | null }[]> {
    return this.db.query<{ line: number; reason: string; raw: Record<string, string> | null }[]>('SELECT line, reason, raw FROM import_rejection WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3', [id, afterLine, limit]);
  }

  /**
   * Commits queued or running whose transaction is gone (a killed worker): not locked by a
   * running commit. `wait` (at boot) waits for locked ones instead of skipping them, so a dead
   * worker's transaction still being torn down is found once it is gone.
   */
  async stalledCommits(olderThanSeconds: number, wait = false): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }[]>(
        `SELECT id FROM data_import WHERE status = 'committing' AND updated_at <= now() - make_interval(secs => $1) FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`,
        [olderThanSeconds],
      );
      return rows.map((r) => r.id);
    });
  }

  /** Personal data of imports older than the retention: staged lines and rejected-rows reports. */
  async purgeOlderThan(days: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }[]>(
        `WITH p AS (UPDATE data_import SET purged_at = now(), updated_at = now()
                     WHERE purged_at IS NULL AND status <> 'committing' AND created_at < now() - make_interval(days => $1) RETURNING id)
         SELECT id FROM p`,
        [days],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length) {
        await tx.query<unknown>('DELETE FROM import_rejection WHERE import_id = ANY($1::uuid[])', [ids]);
        await tx.query<unknown>('DELETE FROM import_resident_row WHERE import_id = ANY($1::uuid[])', [ids]);
        await tx.query<unknown>('DELETE FROM import_scheme_row WHERE import_id = ANY($1::uuid[])', [ids]);
      }
      return ids.length;
    });
  }
}
