import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName, type MessageJob } from '@beacon/core';
import { DeliveryRepository, type CancelKey } from './delivery.repository';
import { FanOutRepository } from './fan-out/fan-out.repository';
import { MessageRepository } from './message.repository';

/** Rows a cancel's committed slice takes: one short transaction each, never a lock on the whole message. */
export const CANCEL_SLICE_ROWS = 10_000;

/**
 * `cancel-deliveries {messageId}`: a cancelled message's queued rows become `cancelled`, slice by
 * slice in resident order, each slice its own transaction. The cancel itself commits at once (the
 * message's status, which stops every sender and the fan-out); one UPDATE of a force-wide
 * message's rows held 13M row locks for minutes (measured at 10M residents) and made the claims
 * of every other message's senders wait behind it.
 */
@Injectable()
export class CancelDeliveriesJob {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly fanOuts: FanOutRepository,
  ) {}

  @JobHandler(JobName.CancelDeliveries)
  async cancelDeliveries({ messageId }: MessageJob): Promise<void> {
    const message = await this.messages.findById(messageId);
    if (message?.status !== 'cancelled') return;
    const started = Date.now();
    // A fan-out slice that read the message before the cancel committed is still writing rows:
    // walk once it has committed them (later slices see the cancel and write none).
    await this.fanOuts.waitForSlices(messageId);
    let cancelled = 0;
    let after: CancelKey | null = null;
    for (;;) {
      const slice = await this.deliveries.cancelQueuedSlice(messageId, after, CANCEL_SLICE_ROWS);
      if (!slice.picked) break;
      cancelled += slice.picked;
      after = slice.last;
    }
    cancelled += await this.deliveries.cancelWaiting(messageId);
    this.logger.log({ messageId, cancelled, ms: Date.now() - started }, 'Queued deliveries of a cancelled message cancelled');
  }
}
