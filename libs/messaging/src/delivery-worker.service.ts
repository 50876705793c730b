import { Injectable, Logger } from '@nestjs/common';
import { EmailTransport, ProviderError, SmsTransport } from '@beacon/channels';
import { InjectConfig, JobHandler, JobName, QueueService, type AppConfig, type MessageJob } from '@beacon/core';
import { DeliveryRepository, type ClaimedDelivery, type DeliveryOutcome } from './delivery.repository';
import { renderEmail, renderSms } from './message-content';
import { MessageLinksService } from './message-links.service';
import type { MessageEntity } from './message.entities';
import { MessageRepository } from './message.repository';
import { MessageService } from './message.service';
import { mapPool, RateLimiter } from './rate-limiter';

const JOB_BUDGET_MS = 60_000;
const PARALLEL_SEND_JOBS = 4;

type Channel = 'email' | 'sms';

/**
 * The worker side of a broadcast. Fan-out writes every delivery row in one statement; send
 * jobs then claim rows in batches (SKIP LOCKED) until none are due. A job carries only the
 * message id, so a crashed worker loses nothing: its claimed rows go back to the queue.
 */
@Injectable()
export class DeliveryWorkerService {
  private readonly logger = new Logger('Delivery');
  private readonly limiters: Record<Channel, RateLimiter>;

  constructor(
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly service: MessageService,
    private readonly links: MessageLinksService,
    private readonly queue: QueueService,
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.limiters = { email: new RateLimiter(config.messaging.emailRatePerSecond), sms: new RateLimiter(config.messaging.smsRatePerSecond) };
  }

  @JobHandler(JobName.FanOut)
  async fanOut({ messageId }: MessageJob): Promise<void> {
    let message = await this.messages.findById(messageId);
    if (!message) return;
    if (message.status === 'scheduled') message = await this.messages.transition(messageId, ['scheduled'], 'sending');
    if (!message || message.status !== 'sending') return; // cancelled or paused meanwhile
    const started = Date.now();
    const inserted = await this.deliveries.insertForAudience(messageId, this.service.toResolved(message), new Date());
    const recipients = await this.deliveries.countRecipients(messageId);
    await this.messages.setRecipientCount(messageId, recipients);
    this.logger.log({ messageId, inserted, recipients, ms: Date.now() - started }, 'Fan-out done');
    for (const channel of message.channels as Channel[]) {
      const jobs = Math.max(1, Math.min(PARALLEL_SEND_JOBS, Math.ceil((inserted[channel] ?? 0) / this.config.messaging.batchSize)));
      for (let slot = 0; slot < jobs; slot++) await this.enqueueSend(messageId, channel, slot);
    }
  }

  @JobHandler(JobName.SendEmail)
  sendEmail({ messageId }: MessageJob): Promise<void> {
    return this.sendLoop(messageId, 'email');
  }

  @JobHandler(JobName.SendSms)
  sendSms({ messageId }: MessageJob): Promise<void> {
    return this.sendLoop(messageId, 'sms');
  }

  /** Every minute: re-queue rows claimed by dead workers, and wake messages with due rows (quiet hours ended, retries due). */
  @JobHandler(JobName.DeliverySweep)
  async sweep(): Promise<void> {
    const revived = await this.deliveries.requeueStale(this.config.messaging.staleSendingSeconds);
    if (revived.length) this.logger.warn({ messages: revived }, 'Re-queued deliveries claimed by a worker that stopped');
    for (const { messageId, channel } of await this.deliveries.findDueWork()) await this.enqueueSend(messageId, channel as Channel, 0);
  }

  private enqueueSend(messageId: string, channel: Channel, slot: number | 'retry', startAfter?: Date): Promise<unknown> {
    // 'short' queues keep at most one waiting job per key: re-enqueueing is free of duplicates.
    return this.queue.send(channel === 'sms' ? JobName.SendSms : JobName.SendEmail, { messageId }, { singletonKey: `${messageId}:${slot}`, startAfter });
  }

  private async sendLoop(messageId: string, channel: Channel): Promise<void> {
    const deadline = Date.now() + JOB_BUDGET_MS;
    const message = await this.messages.findById(messageId);
    if (!message || message.status !== 'sending') return;
    const npuName = await this.messages.npuName(message.npuCode);
    while (Date.now() < deadline) {
      const current = await this.messages.findById(messageId);
      if (!current || current.status !== 'sending') return;
      const batch = await this.deliveries.claim(messageId, channel, this.config.messaging.batchSize);
      if (!batch.length) {
        await this.finishIfDone(messageId);
        return;
      }
      const stop = await this.sendBatch(message, npuName, channel, batch);
      if (stop === 'rate_limited') {
        // Pause this channel only: continue after a backoff; other channels and messages carry on.
        await this.enqueueSend(messageId, channel, 0, new Date(Date.now() + 5_000));
        return;
      }
      if (stop === 'paused') return;
    }
    await this.enqueueSend(messageId, channel, 0); // budget used: continue in a fresh job
  }

  private async sendBatch(message: MessageEntity, npuName: string | null, channel: Channel, batch: ClaimedDelivery[]): Promise<'rate_limited' | 'paused' | undefined> {
    const cfg = this.config.messaging;
    const outcomes: DeliveryOutcome[] = [];
    const unsent: string[] = [];
    let rateLimited = false;
    let errors = 0;
    let successes = 0;
    const flushEvery = 50;
    let pending: DeliveryOutcome[] = [];
    const flush = async () => {
      const chunk = pending;
      pending = [];
      await this.deliveries.record(chunk);
    };

    await mapPool(batch, channel === 'sms' ? cfg.smsConcurrency : cfg.emailConcurrency, async (d) => {
      if (rateLimited) {
        unsent.push(d.id);
        return;
      }
      let outcome: DeliveryOutcome;
      if (!d.eligible) {
        outcome = { id: d.id, status: 'cancelled', error: 'Resident unsubscribed or channel disabled before sending' };
      } else {
        await this.limiters[channel].acquire();
        try {
          const providerId = channel === 'email' ? await this.sendOneEmail(message, npuName, d) : await this.sendOneSms(message, d);
          outcome = { id: d.id, status: 'sent', providerId };
          successes++;
        } catch (err) {
          const e = err instanceof ProviderError ? err : new ProviderError('transient', (err as Error).message);
          if (e.kind === 'rate_limited') {
            rateLimited = true;
            unsent.push(d.id);
            return;
          }
          errors++;
          outcome = await this.onFailure(d, e);
        }
      }
      outcomes.push(outcome);
      pending.push(outcome);
      if (pending.length >= flushEvery) await flush();
    });
    await flush();
    await this.deliveries.release(unsent);
    const retryAt = outcomes.filter((o) => o.status === 'queued' && o.notBefore).map((o) => o.notBefore!.getTime());
    if (retryAt.length) await this.enqueueSend(message.id, channel, 'retry', new Date(Math.min(...retryAt) + 250));
    const run = await this.deliveries.trackErrors(message.id, channel, errors, successes);
    if (run >= cfg.pauseAfterErrors) {
      await this.messages.transition(message.id, ['sending'], 'paused', { pausedReason: `Paused after ${run} consecutive ${channel} provider errors` });
      this.logger.error({ messageId: message.id, channel, run }, 'Message paused after consecutive provider errors');
      return 'paused';
    }
    return rateLimited ? 'rate_limited' : undefined;
  }

  private async onFailure(d: ClaimedDelivery, e: ProviderError): Promise<DeliveryOutcome> {
    const error = `${e.providerCode ?? ''} ${e.message}`.trim();
    if (e.permanent) {
      if (d.channel === 'email' && e.providerCode && /^5\d\d$/.test(e.providerCode)) {
        await this.deliveries.suspendChannel(d.residentId, 'email', `Hard bounce: ${error}`);
        return { id: d.id, status: 'bounced', error };
      }
      if (d.channel === 'sms' && e.providerCode === '21610') await this.deliveries.suspendChannel(d.residentId, 'sms', 'Recipient replied STOP (21610)');
      return { id: d.id, status: 'failed', error };
    }
    if (d.attempts >= this.config.messaging.maxAttempts) return { id: d.id, status: 'failed', error: `Gave up after ${d.attempts} attempts: ${error}` };
    // Exponential backoff: base, 2×base, 4×base … ; a continuation job is scheduled for it.
    return { id: d.id, status: 'queued', error, notBefore: new Date(Date.now() + this.config.messaging.retryBaseSeconds * 1000 * 2 ** (d.attempts - 1)) };
  }

  private async sendOneEmail(message: MessageEntity, npuName: string | null, d: ClaimedDelivery): Promise<string> {
    const unsubscribeUrl = this.links.unsubscribeUrl(d.residentId, 'email');
    const rendered = renderEmail(
      { title: message.title, body: message.body, npuName },
      { ratingUrl: this.links.ratingUrl(d.id), unsubscribeUrl, manageUrl: this.links.manageUrl(d.residentId) },
    );
    const { providerId } = await this.email.send({
      to: d.email!,
      ...rendered,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Beacon-Delivery': d.id,
      },
    });
    return providerId;
  }

  private async sendOneSms(message: MessageEntity, d: ClaimedDelivery): Promise<string> {
    const { providerId } = await this.sms.send({
      to: d.phone!,
      body: renderSms(message, this.links.ratingUrl(d.id)),
      statusCallback: `${this.config.http.publicUrl}/webhooks/twilio/status`,
    });
    return providerId;
  }

  private async finishIfDone(messageId: string): Promise<void> {
    if (await this.deliveries.hasUnfinished(messageId)) return;
    const done = await this.messages.transition(messageId, ['sending'], 'sent', { sentAt: new Date() });
    if (done) this.logger.log({ messageId }, 'Message sent');
  }
}
