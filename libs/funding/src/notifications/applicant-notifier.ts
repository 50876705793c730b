import type { EntityManager } from 'typeorm';

export interface ApplicantEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * How funding e-mails applicants: provided by `NotificationService` from `@beacon/channels`
 * (enqueued in the caller's transaction, so the e-mail exists only if the decision commits).
 */
export abstract class ApplicantNotifier {
  /** A template of ApplicantNotifications and its ids (the bid id): never the applicant's details. */
  abstract enqueueEmail(template: string, ref: Record<string, string>, opts?: { manager?: EntityManager }): Promise<unknown>;
}
