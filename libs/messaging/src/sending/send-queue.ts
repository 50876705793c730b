import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobName, QueueService } from '@beacon/core';

export type DeliveryChannel = 'email' | 'sms';

const queueOf = (channel: DeliveryChannel) => (channel === 'sms' ? JobName.SendSms : JobName.SendEmail);

/**
 * Enqueues a channel's send job. `slot` names one of a message's parallel send jobs (or the
 * `retry` wake-up); the queue policy `short` keeps at most one waiting job per key, so enqueueing
 * again is free of duplicates.
 */
@Injectable()
export class SendQueue {
  constructor(private readonly queue: QueueService) {}

  enqueue(messageId: string, channel: DeliveryChannel, slot: number | 'retry', opts: { startAfter?: Date; manager?: EntityManager } = {}): Promise<unknown> {
    return this.queue.send(queueOf(channel), { messageId }, { singletonKey: `${messageId}:${slot}`, ...opts });
  }

  /** Enqueues `slots` parallel send jobs of a channel and wakes the senders of every process (the fan-out, as each slice commits). */
  async start(messageId: string, channel: DeliveryChannel, slots: number): Promise<void> {
    for (let slot = 0; slot < slots; slot++) await this.enqueue(messageId, channel, slot);
    await this.queue.wake(queueOf(channel));
  }
}
