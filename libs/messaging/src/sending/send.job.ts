import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, JobHandler, JobName, QueueService, type AppConfig, type MessageJob } from '@beacon/core';
import { MessageAttachmentService } from '../attachments/message-attachment.service';
import { MessageRepository } from '../message.repository';
import { MessageContextService } from '../message-context';
import { BatchSender, BatchSenderDeps } from './batch-sender';
import { ClaimRepository } from './claim.repository';
import { SendProgressRepository } from './send-progress.repository';
import { SendQueue, type DeliveryChannel } from './send-queue';

const JOB_BUDGET_MS = 60_000;

/**
 * `send-email` / `send-sms {messageId}`: claims batches of the message's due rows and sends them
 * (BatchSender) for up to JOB_BUDGET_MS, then continues in a fresh job. The job carries only the
 * message id, so a crashed worker loses nothing: its claimed rows go back to the queue.
 */
@Injectable()
export class SendJob {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly messages: MessageRepository,
    private readonly contexts: MessageContextService,
    private readonly attachments: MessageAttachmentService,
    private readonly claims: ClaimRepository,
    private readonly progress: SendProgressRepository,
    private readonly sendQueue: SendQueue,
    private readonly batchDeps: BatchSenderDeps,
    private readonly queue: QueueService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.SendEmail)
  sendEmail({ messageId }: MessageJob): Promise<void> {
    return this.sendLoop(messageId, 'email');
  }

  @JobHandler(JobName.SendSms)
  sendSms({ messageId }: MessageJob): Promise<void> {
    return this.sendLoop(messageId, 'sms');
  }

  private async sendLoop(messageId: string, channel: DeliveryChannel): Promise<void> {
    const deadline = Date.now() + JOB_BUDGET_MS;
    const message = await this.messages.findById(messageId);
    if (!message || message.status !== 'sending') return;
    // Images and files are read and MIME-encoded here, once per job, and reused for every recipient.
    const context = { ...(await this.contexts.forMessage(message)), attachments: channel === 'email' ? await this.attachments.forEmail(messageId) : null, webUrls: new Map<string, string>() };
    // On shutdown (queue.stopping) the loop ends after its current batch: the rest waits in the queue.
    while (Date.now() < deadline && !this.queue.stopping) {
      const current = await this.messages.findById(messageId);
      if (!current || current.status !== 'sending') return;
      const batch = await this.claims.claim(messageId, channel, this.config.messaging.batchSize);
      if (!batch.length) {
        await this.finishIfDone(messageId, channel, message.channels as DeliveryChannel[]);
        return;
      }
      const stop = await new BatchSender(this.batchDeps, message, context, channel, batch).run();
      if (stop?.kind === 'rate_limited' || stop?.kind === 'unavailable') {
        // Pause this channel only: continue after a backoff; other channels and messages carry on.
        this.logger.warn({ messageId, channel, until: stop.resumeAt }, stop.kind === 'rate_limited' ? 'Provider rate limit: channel waits' : 'Provider unreachable: channel waits');
        await this.sendQueue.enqueue(messageId, channel, 0, { startAfter: stop.resumeAt });
        return;
      }
      if (stop?.kind === 'paused' || stop?.kind === 'halted') return;
    }
    await this.sendQueue.enqueue(messageId, channel, 0); // budget used: continue in a fresh job
  }

  private async finishIfDone(messageId: string, channel: DeliveryChannel, channels: DeliveryChannel[]): Promise<void> {
    if (await this.progress.hasUnfinished(messageId)) {
      // Rows waiting for a later time get a wake-up then. The one enqueued when they were held
      // may have been merged into a job already waiting for that key (one waiting job per key),
      // which ran early and found nothing due; without this they waited for the minute's sweep.
      const next = await this.progress.nextWaiting(messageId, channel);
      if (next) await this.sendQueue.enqueue(messageId, channel, 'retry', { startAfter: new Date(next.getTime() + 250) });
      return;
    }
    if (await this.progress.reviveStranded(messageId)) {
      for (const channel of channels) await this.sendQueue.enqueue(messageId, channel, 'retry');
      return;
    }
    const done = await this.messages.transition(messageId, ['sending'], 'sent', { sentAt: new Date() });
    if (done) {
      this.logger.log({ messageId }, 'Message sent');
      await this.progress.compactCounts(messageId);
    }
  }
}
