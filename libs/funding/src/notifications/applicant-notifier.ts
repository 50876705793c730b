import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@beacon/core';

export interface ApplicantEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * How funding e-mails applicants. The shape is `NotificationService.enqueueEmail` from
 * `@beacon/channels` (being written on main), so switching is one line in funding.module.ts:
 * `{ provide: ApplicantNotifier, useExisting: NotificationService }`.
 */
export abstract class ApplicantNotifier {
  /** Enqueues inside `manager`'s transaction: the e-mail exists only if the caller commits. */
  abstract enqueueEmail(email: ApplicantEmail, opts?: { manager?: EntityManager }): Promise<unknown>;
}

/** Stand-in until `@beacon/channels` lands: records the e-mail as an audit_event row, sends nothing. */
@Injectable()
export class AuditLogApplicantNotifier extends ApplicantNotifier {
  private readonly logger = new Logger('ApplicantNotifier');

  constructor(private readonly audit: AuditService) {
    super();
  }

  async enqueueEmail(email: ApplicantEmail, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.audit.record(
      { actor: 'system:funding', action: 'email.applicant', subject: `mailto:${email.to}`, data: { subject: email.subject, text: email.text } },
      opts.manager,
    );
    this.logger.debug(`E-mail to applicant recorded (not sent): ${email.subject}`);
  }
}
