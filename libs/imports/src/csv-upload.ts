import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { badRequest, DomainException } from '@beacon/core';
import { mapHeader, type ImportMapping } from './mapping';

/** Largest upload a dry run reads (a million-line export is ~150 MB). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/** Counts and hashes the bytes going through; fails with a 413 past the limit. */
export class FileMeter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly limit = MAX_IMPORT_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(Object.assign(new Error(`The file is larger than ${this.limit} bytes`), { status: 413 }));
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** A record as csv-parse gives it with `info: true`: the line it ends on, cells keyed by Beacon column. */
export interface ParsedRecord {
  info: { lines: number };
  record: Record<string, string>;
}

/**
 * csv-parse as a stream: the header goes through the mapping (a 400 when a required column is
 * missing or repeated); columns Beacon does not import are skipped. Structural errors (an
 * unclosed quote, a record with more or fewer fields than the header) fail the whole file.
 */
export function csvParser(mapping: ImportMapping): Parser {
  return parse({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    max_record_size: 64 * 1024,
    columns: (header: string[]) => mapHeader(mapping, header).map((c) => c ?? false),
  });
}

/** An error from reading the upload as a client mistake (400/413), or null when it is not one. */
export function uploadError(err: unknown): Error | null {
  if (err instanceof DomainException) return err;
  const e = err as Error & { status?: number; code?: unknown };
  if (e?.status === 413) return e;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('CSV_')) return badRequest(`CSV ${e.message}`);
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return badRequest('The upload ended before the file did');
  return null;
}
