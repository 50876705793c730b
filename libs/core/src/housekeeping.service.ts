import { Injectable } from '@nestjs/common';
import { JobHandler } from './queue/job-handler.decorator';
import { JobName } from './queue/jobs';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';

@Injectable()
export class HousekeepingService {
  constructor(private readonly buckets: RateLimitRepository) {}

  @JobHandler(JobName.Housekeeping)
  async run(): Promise<void> {
    await this.buckets.purgeBefore(new Date(Date.now() - 24 * 3600 * 1000));
  }
}
