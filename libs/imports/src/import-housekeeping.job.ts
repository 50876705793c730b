import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobHandler, JobName, QueueService } from '@beacon/core';
import { ImportsRepository } from './imports.repository';
import { IMPORT_RETENTION_DAYS } from './imports.service';

/** A commit not locked by any transaction for this long has lost its worker. */
const STALLED_SECONDS = 30;

/**
 * Every minute: re-queues commits whose worker died (their row is no longer locked by a
 * running commit) and purges the personal data of imports older than 7 days (staged lines,
 * rejected-rows reports). A worker also re-queues every unfinished commit when it boots.
 */
@Injectable()
export class ImportHousekeepingJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImportHousekeepingJob.name);

  constructor(
    private readonly imports: ImportsRepository,
    private readonly queue: QueueService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.queue.isConsumer) return;
    // In the background: a commit still running elsewhere keeps its row locked and is skipped.
    this.requeue(0, true).catch((err: unknown) => this.logger.warn({ err }, 'Could not re-queue unfinished imports at boot'));
  }

  @JobHandler(JobName.ImportHousekeeping)
  async run(): Promise<void> {
    await this.requeue(STALLED_SECONDS);
    const purged = await this.imports.purgeOlderThan(IMPORT_RETENTION_DAYS);
    if (purged) this.logger.log({ purged }, 'Purged the personal data of old imports');
  }

  private async requeue(olderThanSeconds: number, wait = false): Promise<void> {
    const ids = await this.imports.stalledCommits(olderThanSeconds, wait);
    for (const importId of ids) await this.queue.send(JobName.ImportCommit, { importId });
    if (ids.length) this.logger.log({ imports: ids }, 'Re-queued unfinished import commits');
  }
}
