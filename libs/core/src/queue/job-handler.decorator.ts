import { SetMetadata } from '@nestjs/common';
import { JobName } from './jobs';

export const JOB_HANDLER = 'beacon:job-handler';

/** Marks a provider method as the one handler of a queue. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);
