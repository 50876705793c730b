import { DiscoveryService } from '@nestjs/core';

/**
 * One kind of data kept only so long (storage limitation, UK GDPR art. 5(1)(e)). Each lib purges
 * its own tables (one writer per table) in a provider marked `@RetentionPurgeProvider()`; the
 * housekeeping job runs them all. `purge` deletes what is older than its configured period and
 * returns how many items went; it must be safe to run often (every 10 minutes) and bounded per
 * run on large tables.
 */
export interface RetentionPurge {
  /** e.g. 'deliveries': logged, and the docs/data-protection.md row. */
  readonly retentionName: string;
  purgeExpired(now: Date): Promise<number>;
}

export const RetentionPurgeProvider = DiscoveryService.createDecorator<void>();

export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000);

/**
 * Deletes in short batches until one comes back smaller than `batchSize`: `deleteBatch` removes at
 * most `batchSize` rows and returns how many it removed. Returns the total.
 */
export async function deleteInBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteBatch(batchSize);
    total += n;
    if (n < batchSize) return total;
  }
}
