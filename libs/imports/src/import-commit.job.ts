import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, JobHandler, JobName, QUEUE_POLICIES, type ImportJob } from '@beacon/core';
import { ResidentImportService } from '@beacon/residents';
import { SchemeImportService } from '@beacon/schemes';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { STAGING_TABLES, StagingRepository, type ClassCounts } from './staging.repository';

const LOST = 'The staged lines are gone (the database restarted since the dry run): upload the file again';

/**
 * Applies a dry run in ONE transaction: classify again against Beacon as it is now, write the
 * residents (libs/residents) or the schemes and members (libs/schemes), delete the staged lines, mark the import committed and audit it.
 * A worker killed half-way leaves nothing (the transaction dies with it) and the job runs again;
 * run again after it committed, it does nothing.
 */
@Injectable()
export class ImportCommitJob {
  private readonly logger = new Logger(ImportCommitJob.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly imports: ImportsRepository,
    private readonly staging: StagingRepository,
    private readonly service: ImportsService,
    private readonly residents: ResidentImportService,
    private readonly schemes: SchemeImportService,
    private readonly audit: AuditService,
  ) {}

  @JobHandler(JobName.ImportCommit)
  async handle({ importId }: ImportJob, job: { retryCount: number }): Promise<void> {
    try {
      await this.commit(importId);
    } catch (err) {
      // The last try: say so on the import rather than leave it "committing" for ever.
      if (job.retryCount >= QUEUE_POLICIES[JobName.ImportCommit].retryLimit) {
        await this.db.transaction((tx) => this.imports.markFailed(importId, `The commit failed: ${(err as Error).message}`, tx));
      }
      throw err;
    }
  }

  async commit(importId: string): Promise<void> {
    const started = Date.now();
    const done = await this.db.transaction(async (tx) => {
      // Waits for a commit of the same import running elsewhere, then finds it committed.
      const imp = await this.imports.lockForCommit(importId, tx);
      if (!imp || imp.status !== 'committing') return null;
      const table = STAGING_TABLES[imp.kind];
      if ((await this.staging.stagedRows(importId, tx, table)) !== imp.rows) {
        await this.imports.markFailed(importId, LOST, tx);
        return null;
      }
      let result: Record<string, number>;
      let counts: ClassCounts;
      if (imp.kind === 'residents') {
        counts = await this.service.classify('residents', importId, imp.npuCode, tx);
        result = { ...(await this.residents.apply({ table, importId }, tx, { welcome: imp.welcome })) };
      } else {
        // Staff changing these schemes' members wait for the commit; the classification sees what they did before.
        await this.schemes.lockSchemes({ table, importId }, tx);
        counts = await this.service.classify('schemes', importId, imp.npuCode, tx);
        result = { ...(await this.schemes.apply({ table, importId }, tx)) };
      }
      // The file's personal data goes with the commit; the rejected-rows report stays 7 days.
      await this.staging.deleteStaged(importId, tx, table);
      await this.imports.markCommitted(importId, counts, result, tx);
      await this.audit.record(
        {
          actor: `staff:${imp.committedBy}`,
          action: 'import.commit',
          subject: `import:${importId}`,
          data: { kind: imp.kind, mapping: imp.mapping, uploadedBy: imp.createdBy, fileSha256: imp.fileSha256, ...counts, ...result },
        },
        tx,
      );
      return { counts, result };
    });
    if (done) this.logger.log({ importId, ...done.counts, ...done.result, ms: Date.now() - started }, 'Import committed');
  }
}
