/**
 * Every queue Beacon uses, in one enum, with the payload each carries.
 * The worker refuses to boot unless each name has exactly one @JobHandler.
 */
export enum JobName {
  Housekeeping = 'housekeeping',
}

export interface JobPayloads {
  [JobName.Housekeeping]: Record<string, never>;
}

export interface QueuePolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  /** pg-boss `work` instances per process for this queue. */
  concurrency: number;
  cron?: string;
}

export const QUEUE_POLICIES: Record<JobName, QueuePolicy> = {
  [JobName.Housekeeping]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300, concurrency: 1, cron: '*/10 * * * *' },
};
