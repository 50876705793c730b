import type { EntityManager } from 'typeorm';

/** What a caller hands to the store: bytes whose type it has already checked by content. */
export interface NewStoredFile {
  bytes: Buffer;
  contentType: string;
}

export interface StoredFile {
  key: string;
  contentType: string;
  size: number;
  /** hex SHA-256 of the bytes: integrity on read, and what an object store would name them by. */
  sha256: string;
}

/**
 * Where uploaded and received files live (reply attachments, message images). Callers keep the
 * key in their own rows and delete through `remove` when their row goes (erasure, retention), so
 * every file has exactly one owner to reach it. The PostgreSQL implementation (`PgFileStore`)
 * takes the caller's transaction, so a file commits or rolls back with its owner's row; an
 * object-store implementation would ignore it for `put` (an orphan at worst) and delete after
 * the commit.
 */
export abstract class FileStore {
  abstract put(file: NewStoredFile, manager?: EntityManager): Promise<StoredFile>;
  /** Null when there is no such file (erased, purged, never stored). */
  abstract read(key: string): Promise<(StoredFile & { bytes: Buffer }) | null>;
  abstract remove(keys: readonly string[], manager?: EntityManager): Promise<void>;
}
