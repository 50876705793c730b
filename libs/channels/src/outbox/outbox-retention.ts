import { Injectable } from '@nestjs/common';
import { daysBefore, InjectConfig, RetentionPurgeProvider, type AppConfig, type RetentionPurge } from '@beacon/core';
import { OutboxStore } from './outbox.store';

/** Dev outbox files (whole e-mails and texts, addresses included) go after OUTBOX_RETENTION_DAYS. */
@Injectable()
@RetentionPurgeProvider()
export class OutboxRetention implements RetentionPurge {
  readonly retentionName = 'outbox files';
  constructor(
    private readonly outbox: OutboxStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  purgeExpired(now: Date): Promise<number> {
    return Promise.resolve(this.outbox.deleteBefore(daysBefore(now, this.config.retention.outboxDays)));
  }
}
