/**
 * Every queue Beacon uses, in one enum, with the payload each carries.
 * The worker refuses to boot unless each name has exactly one @JobHandler.
 */
export enum JobName {
  Housekeeping = 'housekeeping',
  NotifyEmail = 'notify-email',
  NotifySms = 'notify-sms',
  FanOut = 'fan-out',
  SendEmail = 'send-email',
  SendSms = 'send-sms',
  DeliverySweep = 'delivery-sweep',
  RefreshReportAggregates = 'refresh-report-aggregates',
  PurgeUnverifiedResidents = 'purge-unverified-residents',
  ImportCommit = 'import-commit',
  ImportHousekeeping = 'import-housekeeping',
}

export interface MessageJob {
  messageId: string;
}

export interface EmailJob {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface SmsJob {
  to: string;
  body: string;
  statusCallback?: string;
}

export interface ImportJob {
  importId: string;
}

export interface JobPayloads {
  [JobName.Housekeeping]: Record<string, never>;
  [JobName.NotifyEmail]: EmailJob;
  [JobName.NotifySms]: SmsJob;
  [JobName.FanOut]: MessageJob;
  /** Send jobs carry no recipients: the delivery table is the work list. */
  [JobName.SendEmail]: MessageJob;
  [JobName.SendSms]: MessageJob;
  [JobName.DeliverySweep]: Record<string, never>;
  [JobName.RefreshReportAggregates]: Record<string, never>;
  [JobName.PurgeUnverifiedResidents]: Record<string, never>;
  /** Applies a dry-run import in one transaction (libs/imports). */
  [JobName.ImportCommit]: ImportJob;
  [JobName.ImportHousekeeping]: Record<string, never>;
}

export interface QueuePolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  /** pg-boss `work` instances per process for this queue. */
  concurrency: number;
  cron?: string;
  /** pg-boss queue policy; 'short' keeps at most one waiting job per singletonKey. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

export const QUEUE_POLICIES: Record<JobName, QueuePolicy> = {
  [JobName.Housekeeping]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '*/10 * * * *' },
  // One-off messages: ~10 retries with exponential backoff from 2 s (about 30 min in all).
  [JobName.NotifyEmail]: { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, concurrency: 2 },
  [JobName.NotifySms]: { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, concurrency: 2 },
  [JobName.FanOut]: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, concurrency: 1 },
  // A send job works for at most ~60 s, then enqueues its continuation.
  [JobName.SendEmail]: { retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, concurrency: 2, policy: 'short' },
  [JobName.SendSms]: { retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, concurrency: 2, policy: 'short' },
  [JobName.DeliverySweep]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '* * * * *' },
  [JobName.RefreshReportAggregates]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '*/5 * * * *' },
  [JobName.PurgeUnverifiedResidents]: { retryLimit: 1, retryDelay: 600, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '40 3 * * *' },
  // One transaction per import (a million lines takes minutes); a retry after a crash re-runs it whole.
  [JobName.ImportCommit]: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 3600, concurrency: 1 },
  // Re-queues commits whose worker died; purges staged lines and rejected-rows reports after 7 days.
  [JobName.ImportHousekeeping]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '* * * * *' },
};
