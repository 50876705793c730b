import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, type ResidentReminderJob } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';
import { signInDestination } from './resident-links.service';
import { VerificationService } from './verification.service';

/**
 * Public sign-in-link and resend requests only queue this job (the same work for a known and an
 * unknown address, so the answer's timing says nothing); here the address is looked up and the
 * message, if any, queued. Re-reads everything; a retry at worst sends the same message again.
 */
@Injectable()
export class ResidentReminderHandler {
  constructor(
    private readonly accounts: ResidentAccountService,
    private readonly verification: VerificationService,
  ) {}

  @JobHandler(JobName.ResidentReminder)
  async handle(job: ResidentReminderJob): Promise<void> {
    if (job.purpose === 'sign-in') {
      if (job.email) await this.accounts.sendSignInLink(job.email, signInDestination(job.next));
      return;
    }
    await this.verification.sendReminders({ email: job.email, phone: job.phone });
  }
}
