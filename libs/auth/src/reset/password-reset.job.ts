import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, type StaffPasswordResetJob } from '@beacon/core';
import { PasswordResetService } from './password-reset.service';

/** The lookup a "forgot your password?" request does not do itself (no timing oracle). */
@Injectable()
export class StaffPasswordResetHandler {
  constructor(private readonly resets: PasswordResetService) {}

  @JobHandler(JobName.StaffPasswordReset)
  async handle(job: StaffPasswordResetJob): Promise<void> {
    if (job.email) await this.resets.sendLink(job.email);
  }
}
