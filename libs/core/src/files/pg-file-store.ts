import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { FileStore, type NewStoredFile, type StoredFile } from './file-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Files as bytea rows in `stored_file`. Chosen over files under DATA_DIR because the files are
 * small (capped by their callers, 2 MB for reply attachments) and personal data: a row is written
 * and deleted in the owner's transaction (an erasure that rolls back keeps the file, one that
 * commits leaves none behind), it is in every database backup with the rows that name it, and the
 * API and the worker reach it from any host without a shared disk.
 */
@Injectable()
export class PgFileStore extends FileStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async put(file: NewStoredFile, manager?: EntityManager): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const [row] = await (manager ?? this.db).query<{ id: string }[]>(
      `INSERT INTO stored_file (sha256, content_type, size, bytes) VALUES ($1, $2, $3, $4) RETURNING id`,
      [sha256, file.contentType, file.bytes.length, file.bytes],
    );
    return { key: row.id, contentType: file.contentType, size: file.bytes.length, sha256 };
  }

  async read(key: string): Promise<(StoredFile & { bytes: Buffer }) | null> {
    if (!UUID.test(key)) return null;
    const [row] = await this.db.query<{ id: string; sha256: string; contentType: string; size: number; bytes: Buffer }[]>(
      `SELECT id, sha256, content_type AS "contentType", size, bytes FROM stored_file WHERE id = $1`,
      [key],
    );
    return row ? { key: row.id, sha256: row.sha256, contentType: row.contentType, size: row.size, bytes: row.bytes } : null;
  }

  async remove(keys: readonly string[], manager?: EntityManager): Promise<void> {
    const ids = keys.filter((k) => UUID.test(k));
    if (ids.length) await (manager ?? this.db).query<unknown>(`DELETE FROM stored_file WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
