import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import { assertNpuAccess } from '@beacon/auth';
import { badRequest, conflict, DomainException, JobName, notFound, QueueService, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { csvParser, FileMeter, uploadError, type ParsedRecord } from './csv-upload';
import type { ImportKind } from './import.entity';
import { ImportsRepository, type ImportRow } from './imports.repository';
import { loadMappings, type ImportMapping } from './mapping';
import { stageResidentRow, STAGING_COLUMNS, type RowContext } from './resident-row';
import { SCHEME_STAGING, SchemeStagingRepository, type SchemeCounts } from './scheme-staging.repository';
import { stageSchemeRow, SCHEME_STAGING_COLUMNS } from './scheme-row';
import { RESIDENT_STAGING, StagingRepository, type ClassCounts, type RowError, type RowMatch } from './staging.repository';

/** Lines of errors and matches a report carries (the rejected-rows CSV has them all). */
export const REPORT_LIMIT = 1000;
export const IMPORT_RETENTION_DAYS = 7;

export interface ImportReport {
  id: string;
  kind: ImportKind;
  status: string;
  mapping: string;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  matched: number;
  /** accepted − matched: residents the commit creates. */
  new: number;
  errors: RowError[];
  matches?: RowMatch[];
  /** A scheme dry run: schemes the commit creates, and existing ones it adds members to. */
  schemes?: SchemeCounts;
  result: Record<string, number> | null;
  error: string | null;
  createdAt: Date;
  committedAt: Date | null;
}

/** Uploads (dry run), commit requests and reports. The commit itself is `ImportCommitJob`. */
@Injectable()
export class ImportsService {
  private readonly mappings: Map<string, ImportMapping> = loadMappings();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly imports: ImportsRepository,
    private readonly staging: StagingRepository,
    private readonly schemeStaging: SchemeStagingRepository,
    private readonly geography: GeographyService,
    private readonly queue: QueueService,
  ) {}

  mappingNames(kind: ImportKind): string[] {
    return [...this.mappings.values()].filter((m) => m.kind === kind).map((m) => m.name);
  }

  mapping(kind: ImportKind, name: string | undefined): ImportMapping {
    const m = this.mappings.get(name ?? (kind === 'residents' ? 'beacon' : 'beacon-schemes'));
    if (!m || m.kind !== kind) throw badRequest(`mapping must be one of: ${this.mappingNames(kind).join(', ')}`);
    return m;
  }

  /**
   * The dry run: streams the CSV through csv-parse and the row checks into the staging table
   * (COPY), classifies it in SQL and stores the counts and the rejected-rows report. One
   * transaction: a broken file (400) or a dropped upload leaves nothing. Writes nothing outside
   * the import's own rows.
   */
  dryRunResidents(staff: StaffPrincipal, mappingName: string | undefined, body: Readable): Promise<ImportReport> {
    return this.dryRun('residents', staff, mappingName, body);
  }

  /** The same for schemes and their members (one line per member; see `stageSchemeRow`). */
  dryRunSchemes(staff: StaffPrincipal, mappingName: string | undefined, body: Readable): Promise<ImportReport> {
    return this.dryRun('schemes', staff, mappingName, body);
  }

  private async dryRun(kind: ImportKind, staff: StaffPrincipal, mappingName: string | undefined, body: Readable): Promise<ImportReport> {
    const mapping = this.mapping(kind, mappingName);
    const wards = new Map((await this.geography.listWards()).map((w) => [w.code, w.npuCode]));
    const ctx: RowContext = { mapping, wards, npuCode: staff.npuCode };
    const [table, columns, stageRow] =
      kind === 'residents' ? [RESIDENT_STAGING, STAGING_COLUMNS, stageResidentRow] : [SCHEME_STAGING, SCHEME_STAGING_COLUMNS, stageSchemeRow];
    const id = randomUUID();
    const qr = this.db.createQueryRunner();
    const client = (await qr.connect()) as pg.PoolClient;
    const meter = new FileMeter();
    try {
      await qr.startTransaction();
      await this.imports.insert({ id, kind, npuCode: staff.npuCode, createdBy: staff.id, mapping: mapping.name }, qr.manager);
      let lines = 0;
      const stage = new Transform({
        objectMode: true,
        transform(rec: ParsedRecord, _enc, done) {
          lines++;
          done(null, stageRow(ctx, id, rec.info.lines, rec.record));
        },
      });
      // eslint-disable-next-line no-restricted-syntax -- a COPY stream (pg-copy-streams), not a query with rows
      const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv)`));
      await pipeline(body, meter, csvParser(mapping), stage, stringify(), copy);
      if (!lines) throw badRequest('CSV has no data rows');
      // The staging table was empty when the planner last looked: without fresh statistics the
      // classification's joins over a large file are planned as nested loops (a 1M-row dry run
      // did not finish in 19 minutes). ANALYZE samples it in well under a second.
      await qr.manager.query<unknown>(`ANALYZE ${table}`);
      const counts = await this.classify(kind, id, staff.npuCode, qr.manager);
      await this.imports.saveDryRun(id, { sha256: meter.hash.digest('hex'), bytes: meter.bytes }, counts, qr.manager);
      await qr.commitTransaction();
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      // Whatever the client still sends is read and dropped, so the answer reaches it.
      body.resume();
      throw uploadError(err) ?? err;
    } finally {
      await qr.release();
    }
    return this.report(staff, id, true);
  }

  /** Classifies the staged lines and saves the rejected-rows report (the dry run, and the commit again). */
  async classify(kind: ImportKind, id: string, npuCode: string | null, tx: EntityManager): Promise<ClassCounts> {
    if (kind === 'residents') {
      await this.staging.classify(id, npuCode, tx);
      await this.staging.saveRejections(id, tx, RESIDENT_STAGING);
      return this.staging.counts(id, tx);
    }
    await this.schemeStaging.classify(id, tx);
    await this.staging.saveRejections(id, tx, SCHEME_STAGING);
    return this.staging.counts(id, tx, SCHEME_STAGING);
  }

  /** Queues the commit (202): the job applies it in one transaction and retries after a crash. */
  async requestCommit(staff: StaffPrincipal, id: string, opts: { welcome?: boolean } = {}): Promise<{ id: string; status: 'committing' }> {
    await this.db.transaction(async (tx) => {
      const imp = await this.findFor(staff, id);
      if (imp.purgedAt) throw new DomainException('GONE', 'This dry run is older than 7 days; upload the file again');
      if (opts.welcome && imp.kind !== 'residents') throw badRequest('welcome is for resident imports only');
      if (!(await this.imports.markCommitting(id, staff.id, !!opts.welcome, tx))) throw conflict(`This import is ${imp.status}, not a dry run`);
      await this.queue.send(JobName.ImportCommit, { importId: id }, { manager: tx });
    });
    return { id, status: 'committing' };
  }

  async report(staff: StaffPrincipal, id: string, withMatches = false): Promise<ImportReport> {
    const imp = await this.findFor(staff, id);
    const errors = await this.imports.errors(id, REPORT_LIMIT);
    const dry = withMatches && imp.status === 'dry_run';
    const matches = dry && imp.kind === 'residents' ? await this.staging.matches(id, REPORT_LIMIT, this.db.manager) : undefined;
    const schemes = dry && imp.kind === 'schemes' ? await this.schemeStaging.schemeCounts(id, this.db.manager) : undefined;
    return {
      id: imp.id,
      kind: imp.kind,
      status: imp.status,
      mapping: imp.mapping,
      rows: imp.rows,
      accepted: imp.accepted,
      rejected: imp.rejected,
      duplicates: imp.duplicates,
      matched: imp.matched,
      new: imp.accepted - imp.matched,
      errors,
      ...(matches ? { matches } : {}),
      ...(schemes ? { schemes } : {}),
      result: imp.result,
      error: imp.error,
      createdAt: imp.createdAt,
      committedAt: imp.committedAt,
    };
  }

  /** The rejected-rows report as CSV (line, reason, the raw cells), streamed a page at a time. */
  async rejectedCsv(staff: StaffPrincipal, id: string): Promise<Readable> {
    const imp = await this.findFor(staff, id);
    if (imp.purgedAt) throw new DomainException('GONE', 'The rejected-rows report is kept for 7 days and has been deleted');
    const out = stringify({ header: true, columns: ['line', 'reason', 'cells'], cast: { string: (s) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s) } });
    const imports = this.imports;
    void (async () => {
      try {
        for (let after = 0; ; ) {
          const page = await imports.rejections(id, after, 5000);
          if (!page.length) break;
          for (const r of page) out.write([r.line, r.reason, r.raw ? JSON.stringify(r.raw) : '']);
          after = page[page.length - 1].line;
        }
        out.end();
      } catch (err) {
        out.destroy(err as Error);
      }
    })();
    return out;
  }

  private async findFor(staff: StaffPrincipal, id: string): Promise<ImportRow> {
    const imp = await this.imports.find(id);
    if (!imp) throw notFound('Import');
    assertNpuAccess(staff, imp.npuCode);
    return imp;
  }
}
