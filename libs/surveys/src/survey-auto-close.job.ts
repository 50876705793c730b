import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName } from '@beacon/core';
import { SurveyRepository } from './survey.repository';

/**
 * Every minute: open surveys past their closing date move to closed (the page already refuses
 * answers from closes_at; this makes the status say so). One UPDATE on the state it re-reads,
 * so a repeat or a second worker changes nothing.
 */
@Injectable()
export class SurveyAutoCloseJob {
  private readonly logger = new Logger(SurveyAutoCloseJob.name);

  constructor(private readonly surveys: SurveyRepository) {}

  @JobHandler(JobName.SurveyAutoClose)
  async run(): Promise<number> {
    const closed = await this.surveys.closeDue();
    if (closed) this.logger.log({ closed }, 'Closed surveys past their closing date');
    return closed;
  }
}
