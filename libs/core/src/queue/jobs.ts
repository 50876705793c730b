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
  ResidentReminder = 'resident-reminder',
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

/**
 * A public "send me a sign-in link / the code again" request, decided off the request path so
 * the request does the same work whether or not the address is registered (no timing oracle).
 */
export interface ResidentReminderJob {
  purpose: 'sign-in' | 'resend';
  email?: string;
  phone?: string;
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
  [JobName.ResidentReminder]: ResidentReminderJob;
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
  // A sign-in link or code asked for by someone waiting: a few quick retries.
  [JobName.ResidentReminder]: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 60, concurrency: 2 },
};
