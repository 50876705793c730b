import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, JobHandler, JobName, QUEUE_POLICIES, type ImportJob } from '@beacon/core';
import { ResidentImportService } from '@beacon/residents';
import { ImportsRepository } from './imports.repository';
import { RESIDENT_STAGING, StagingRepository } from './staging.repository';

const LOST = 'The staged lines are gone (the database restarted since the dry run): upload the file again';

/**
 * Applies a dry run in ONE transaction: classify again against Beacon as it is now, write the
 * residents (libs/residents), delete the staged lines, mark the import committed and audit it.
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
    private readonly residents: ResidentImportService,
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
      if ((await this.staging.stagedRows(importId, tx)) !== imp.rows) {
        await this.imports.markFailed(importId, LOST, tx);
        return null;
      }
      await this.staging.classify(importId, imp.npuCode, tx);
      await this.staging.saveRejections(importId, tx);
      const counts = await this.staging.counts(importId, tx);
      const applied = await this.residents.apply({ table: RESIDENT_STAGING, importId }, tx);
      const result = { ...applied };
      // The file's personal data goes with the commit; the rejected-rows report stays 7 days.
      await this.staging.deleteStaged(importId, tx);
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
