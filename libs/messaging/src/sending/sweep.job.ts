import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, JobHandler, JobName, QueueService, type AppConfig } from '@beacon/core';
import { ClaimRepository } from './claim.repository';
import { SendProgressRepository } from './send-progress.repository';
import { SendQueue, type DeliveryChannel } from './send-queue';

/**
 * `delivery-sweep` (every minute, and twice when a consumer starts): rows claimed by a worker that
 * died go back to the queue, messages with due rows (quiet hours ended, retries due) get a send job,
 * and the delivery counters of messages still sending are folded (`compactCounts`).
 */
@Injectable()
export class SweepJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly claims: ClaimRepository,
    private readonly progress: SendProgressRepository,
    private readonly sendQueue: SendQueue,
    private readonly queue: QueueService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * A consumer that starts may be replacing one that died mid-send: sweep now, and again once the
   * rows that worker claimed just before it died have gone stale, rather than wait for the cron.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.queue.isConsumer) return;
    const staleMs = (this.config.messaging.staleSendingSeconds + 1) * 1000;
    await this.queue.send(JobName.DeliverySweep, {}, { singletonKey: 'boot' });
    await this.queue.send(JobName.DeliverySweep, {}, { singletonKey: 'boot-stale', startAfter: new Date(Date.now() + staleMs) });
  }

  @JobHandler(JobName.DeliverySweep)
  async sweep(): Promise<void> {
    const revived = await this.claims.requeueStale(this.config.messaging.staleSendingSeconds);
    if (revived.length) this.logger.warn({ messages: revived }, 'Re-queued deliveries claimed by a worker that stopped');
    for (const { messageId, channel } of await this.progress.findDueWork()) await this.sendQueue.enqueue(messageId, channel as DeliveryChannel, 0);
    await this.progress.compactCounts(); // messages still sending: their counters, folded
  }
}
