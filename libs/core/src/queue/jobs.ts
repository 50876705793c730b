/**
 * Every queue Beacon uses, in one enum, with the payload each carries.
 * The worker refuses to boot unless each name has exactly one @JobHandler.
 */
export enum JobName {
  Housekeeping = 'housekeeping',
  NotifyEmail = 'notify-email',
  NotifySms = 'notify-sms',
  FanOut = 'fan-out',
  CancelDeliveries = 'cancel-deliveries',
  SendEmail = 'send-email',
  SendSms = 'send-sms',
  DeliverySweep = 'delivery-sweep',
  RefreshReportAggregates = 'refresh-report-aggregates',
  PurgeUnverifiedResidents = 'purge-unverified-residents',
  ResidentReminder = 'resident-reminder',
  ImportCommit = 'import-commit',
  ImportHousekeeping = 'import-housekeeping',
  ResidentWardRecheck = 'resident-ward-recheck',
  StaffPasswordReset = 'staff-password-reset',
  InboundEmail = 'inbound-email',
  SurveyAutoClose = 'survey-auto-close',
  DeliveryPartitions = 'delivery-partitions',
  AuditPartitions = 'audit-partitions',
}

export interface MessageJob {
  messageId: string;
}

/**
 * A one-off e-mail or SMS, as queued: a template key and the ids its composer re-reads at send
 * time, never an address, a name or message text. pg-boss keeps payloads (and their archive) for
 * days, out of reach of GDPR erasure; so an erased resident's pending notifications send nothing
 * and leave nothing behind. A ref naming a resident says so as `residentId` (erasure deletes
 * such jobs still queued or archived).
 */
export interface NotificationJob {
  /** e.g. 'resident.sign-in'; a composer registered for it renders the message. */
  template: string;
  /** Ids (and at most an opaque one-time code): no personal data. */
  ref: NotificationRef;
  /**
   * Set by GDPR erasure on a job a worker was running as it erased (QueueService
   * `deleteNotificationsFor`): the ref is emptied, and a retry sends nothing.
   */
  erased?: true;
}

/** Ids by name; `residentId` when the notification is about (or to) a resident. */
export type NotificationRef = Record<string, string>;

/**
 * A public "send me a sign-in link / the code again" request, decided off the request path so
 * the request does the same work whether or not the address is registered (no timing oracle).
 */
export interface ResidentReminderJob {
  purpose: 'sign-in' | 'resend';
  email?: string;
  phone?: string;
  /** A sign-in's landing page (a key of libs/residents SIGN_IN_DESTINATIONS, never a URL). */
  next?: string;
}

/**
 * A public "forgot my password" request (libs/auth), decided off the request path like
 * ResidentReminderJob: the address is what the job looks up; the e-mail it queues carries the
 * staff id only, and the link is signed when that e-mail is sent.
 */
export interface StaffPasswordResetJob {
  email: string;
}

/**
 * An e-mail received for a reply or bounce address (the worker's SMTP listener or the webhook):
 * the id of its `inbound_email` row only, never the message, its sender or its text.
 */
export interface InboundEmailJob {
  inboundEmailId: string;
}

export interface ImportJob {
  importId: string;
}

export interface JobPayloads {
  [JobName.Housekeeping]: Record<string, never>;
  [JobName.NotifyEmail]: NotificationJob;
  [JobName.NotifySms]: NotificationJob;
  [JobName.FanOut]: MessageJob;
  /** A cancelled message's queued rows, cancelled in committed slices (libs/messaging). */
  [JobName.CancelDeliveries]: MessageJob;
  /** Send jobs carry no recipients: the delivery table is the work list. */
  [JobName.SendEmail]: MessageJob;
  [JobName.SendSms]: MessageJob;
  [JobName.DeliverySweep]: Record<string, never>;
  [JobName.RefreshReportAggregates]: Record<string, never>;
  [JobName.PurgeUnverifiedResidents]: Record<string, never>;
  [JobName.ResidentReminder]: ResidentReminderJob;
  /** Applies a dry-run import in one transaction (libs/imports). */
  [JobName.ImportCommit]: ImportJob;
  [JobName.ImportHousekeeping]: Record<string, never>;
  /** After a postcode directory or ward set import: moves residents whose postcode now lies in another ward (libs/residents). */
  [JobName.ResidentWardRecheck]: { reason: 'postcodes' | 'wards' };
  [JobName.StaffPasswordReset]: StaffPasswordResetJob;
  /** Parses one stored inbound e-mail: a reply into the inbox, a bounce or complaint onto its delivery (libs/engagement). */
  [JobName.InboundEmail]: InboundEmailJob;
  /** Closes open surveys past their closing date (libs/surveys). */
  [JobName.SurveyAutoClose]: Record<string, never>;
  /** Creates next months' `delivery` partitions ahead of time (libs/messaging). */
  [JobName.DeliveryPartitions]: Record<string, never>;
  /** Creates next months' `audit_event` partitions ahead of time (libs/core). */
  [JobName.AuditPartitions]: Record<string, never>;
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
  // E-mail jobs can wait up to SMTP_REPLY_TIMEOUT_SECONDS (600 s, RFC 5321) for one reply: their
  // expiry stays above it, so pg-boss never starts a second copy of a job still waiting on a relay.
  [JobName.NotifyEmail]: { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 900, concurrency: 2 },
  [JobName.NotifySms]: { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, concurrency: 2 },
  [JobName.FanOut]: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, concurrency: 1 },
  // Re-runnable: a retry walks on from the start, over rows already cancelled (no longer queued).
  [JobName.CancelDeliveries]: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 1800, concurrency: 1 },
  // A send job works for at most ~60 s (plus one reply wait), then enqueues its continuation.
  [JobName.SendEmail]: { retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 900, concurrency: 2, policy: 'short' },
  [JobName.SendSms]: { retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, concurrency: 2, policy: 'short' },
  [JobName.DeliverySweep]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '* * * * *' },
  [JobName.RefreshReportAggregates]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '*/5 * * * *' },
  [JobName.PurgeUnverifiedResidents]: { retryLimit: 1, retryDelay: 600, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '40 3 * * *' },
  // A sign-in link or code asked for by someone waiting: a few quick retries.
  [JobName.ResidentReminder]: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 60, concurrency: 2 },
  // One transaction per import (a million lines takes minutes); a retry after a crash re-runs it whole.
  [JobName.ImportCommit]: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 3600, concurrency: 1 },
  // Re-queues commits whose worker died; purges staged lines and rejected-rows reports after 7 days.
  [JobName.ImportHousekeeping]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '* * * * *' },
  // Idempotent (moves only residents whose ward differs): one waiting job is enough.
  [JobName.ResidentWardRecheck]: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 1800, concurrency: 1, policy: 'short' },
  // A staff member waiting for a reset link: a few quick retries.
  [JobName.StaffPasswordReset]: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 60, concurrency: 1 },
  // Idempotent (a processed row is skipped); the stored message waits for the database to come back.
  [JobName.InboundEmail]: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, concurrency: 2 },
  // Idempotent (one UPDATE of the surveys still open past closes_at); answers are refused from closes_at anyway.
  [JobName.SurveyAutoClose]: { retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '* * * * *' },
  // Daily; three months ahead, so a worker down over a month end still finds next month's partition.
  [JobName.DeliveryPartitions]: { retryLimit: 3, retryDelay: 300, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '17 3 * * *' },
  [JobName.AuditPartitions]: { retryLimit: 3, retryDelay: 300, retryBackoff: false, expireInSeconds: 600, concurrency: 1, cron: '19 3 * * *' },
};
