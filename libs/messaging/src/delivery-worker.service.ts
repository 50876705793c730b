import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EmailTransport, ProviderError, SmsTransport } from '@beacon/channels';
import { InjectConfig, isDatabaseUnavailable, JobHandler, JobName, MetricsService, QueueService, type AppConfig, type MessageJob } from '@beacon/core';
import { ResidentChannelsService } from '@beacon/residents';
import { DeliveryRepository, type ClaimedDelivery, type DeliveryOutcome } from './delivery.repository';
import { renderEmail, renderSms } from './message-content';
import { MessageLinksService } from './message-links.service';
import type { MessageEntity } from './message.entities';
import { MessageRepository } from './message.repository';
import { MessageStatusWatch } from './message-status-watch';
import { MessageService } from './message.service';
import { mapPool, RateLimiter } from './rate-limiter';

const JOB_BUDGET_MS = 60_000;
const PARALLEL_SEND_JOBS = 4;
const RATE_LIMITED_PAUSE_MS = 5_000;
// Outcomes of e-mails the provider already accepted are kept and re-written this long while the
// database is unreachable (a restart, a failover): each one given up on is a duplicate later.
const PERSIST_RETRY_MS = 60_000;
// How often a running batch re-reads its message's status: after a cancel or pause, at most the
// sends in flight plus those started within this time still go out.
const STATUS_CHECK_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Channel = 'email' | 'sms';
/**
 * Why a batch stopped early: the provider throttles us or cannot be reached (the channel waits
 * until resumeAt), the message was auto-paused, or it was cancelled or paused meanwhile (halted).
 */
type BatchStop = { kind: 'rate_limited' | 'unavailable'; resumeAt: Date } | { kind: 'paused' } | { kind: 'halted' } | undefined;

/**
 * The worker side of a broadcast. Fan-out writes every delivery row in one statement; send
 * jobs then claim rows in batches (SKIP LOCKED) until none are due. A job carries only the
 * message id, so a crashed worker loses nothing: its claimed rows go back to the queue.
 */
@Injectable()
export class DeliveryWorkerService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Delivery');
  private readonly limiters: Record<Channel, RateLimiter>;
  private readonly statuses: MessageStatusWatch;

  constructor(
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly service: MessageService,
    private readonly links: MessageLinksService,
    private readonly queue: QueueService,
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
    private readonly residentChannels: ResidentChannelsService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.limiters = { email: new RateLimiter(config.messaging.emailRatePerSecond), sms: new RateLimiter(config.messaging.smsRatePerSecond) };
    this.statuses = new MessageStatusWatch((id) => this.messages.findStatus(id), STATUS_CHECK_MS);
  }

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

  @JobHandler(JobName.FanOut)
  async fanOut({ messageId }: MessageJob): Promise<void> {
    let message = await this.messages.findById(messageId);
    if (!message) return;
    if (message.status === 'scheduled') message = await this.messages.transition(messageId, ['scheduled'], 'sending');
    if (!message || message.status !== 'sending') return; // cancelled or paused meanwhile
    const started = Date.now();
    const fanned = await this.deliveries.insertForAudience(messageId, this.service.toResolved(message), new Date(), this.config.messaging.fanOutParallelism);
    const { inserted } = fanned;
    const recipients = fanned.recipients ?? (await this.deliveries.countRecipients(messageId));
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
    while (Date.now() < deadline && !this.queue.stopping) {
      const current = await this.messages.findById(messageId);
      if (!current || current.status !== 'sending') return;
      const batch = await this.deliveries.claim(messageId, channel, this.config.messaging.batchSize);
      if (!batch.length) {
        await this.finishIfDone(messageId, message.channels as Channel[]);
        return;
      }
      const stop = await this.sendBatch(message, npuName, channel, batch);
      if (stop?.kind === 'rate_limited' || stop?.kind === 'unavailable') {
        // Pause this channel only: continue after a backoff; other channels and messages carry on.
        this.logger.warn({ messageId, channel, until: stop.resumeAt }, stop.kind === 'rate_limited' ? 'Provider rate limit: channel waits' : 'Provider unreachable: channel waits');
        await this.enqueueSend(messageId, channel, 0, stop.resumeAt);
        return;
      }
      if (stop?.kind === 'paused' || stop?.kind === 'halted') return;
    }
    await this.enqueueSend(messageId, channel, 0); // budget used: continue in a fresh job
  }

  private async sendBatch(message: MessageEntity, npuName: string | null, channel: Channel, batch: ClaimedDelivery[]): Promise<BatchStop> {
    const cfg = this.config.messaging;
    const outcomes: DeliveryOutcome[] = [];
    const unsent: string[] = [];
    let channelStop: 'rate_limited' | 'unavailable' | undefined;
    let dbTrouble = false; // stop sending while outcomes cannot be written
    let errors = 0;
    let successes = 0;
    let pending: DeliveryOutcome[] = [];
    const persist = <T>(what: string, write: () => Promise<T>) => this.persist(what, write, () => (dbTrouble = true));
    const writeOutcomes = (chunk: DeliveryOutcome[]) => persist('delivery outcomes', () => this.deliveries.record(chunk)).then(() => this.metrics.countDeliveries(channel, chunk));
    // Outcomes are written by one writer per batch as soon as the previous write is done (group
    // commit): under load each write takes what the lanes finished meanwhile, so a worker that
    // dies leaves only a few milliseconds of accepted sends unrecorded (each is sent again).
    let writer: Promise<void> | undefined;
    let writeFailure: { err: unknown } | undefined;
    const flush = (): Promise<void> =>
      (writer ??= (async () => {
        try {
          while (pending.length && !writeFailure) {
            const chunk = pending;
            pending = [];
            try {
              await writeOutcomes(chunk);
            } catch (err) {
              pending = chunk.concat(pending); // kept for the last attempt at the end of the batch
              throw err;
            }
          }
        } catch (err) {
          writeFailure ??= { err };
          dbTrouble = true; // stop sending: outcomes cannot be written
        } finally {
          writer = undefined;
        }
      })());
    // The claim is a lease: renewed while this batch runs, so the sweeper only re-queues rows of
    // workers that died, however long a slow or rate-capped provider makes the batch.
    const ids = batch.map((d) => d.id);
    const lease = setInterval(() => {
      this.deliveries.renewClaims(ids).catch((err: Error) => this.logger.warn({ messageId: message.id, err: err.message }, 'Could not renew claimed deliveries'));
    }, Math.max(500, (cfg.staleSendingSeconds * 1000) / 3));

    // A cancel or pause (from any process) is seen within STATUS_CHECK_MS: no send starts after it.
    const status = this.statuses.watch(message.id, 'sending');
    let halted = false;
    const started = new Set<string>();
    let failure: { err: unknown } | undefined;
    try {
      await mapPool(batch, channel === 'sms' ? cfg.smsConcurrency : cfg.emailConcurrency, async (d) => {
        started.add(d.id);
        if (!halted && status.current() !== 'sending') halted = true;
        if (channelStop || dbTrouble || halted) {
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
            if (e.kind === 'rate_limited' || e.kind === 'unavailable') {
              channelStop ??= e.kind;
              unsent.push(d.id);
              return;
            }
            errors++; // an unknown outcome too: a relay that never answers in time pauses the message
            outcome = await this.onFailure(d, e, persist);
          }
        }
        outcomes.push(outcome);
        pending.push(outcome);
        void flush();
      });
    } catch (err) {
      // Still write what was sent, and hand back the rows never started, before giving up the batch.
      failure = { err };
      unsent.push(...ids.filter((id) => !started.has(id)));
    }
    // A throttling or unreachable provider says nothing about the recipients: their rows wait
    // without spending an attempt. Unreachable is retried every DELIVERY_RETRY_BASE_SECONDS for
    // as long as it lasts, and does not count towards the auto-pause. Rows left unsent because
    // the database was unreachable go back at once.
    const resumeAt = channelStop ? new Date(Date.now() + (channelStop === 'rate_limited' ? RATE_LIMITED_PAUSE_MS : cfg.retryBaseSeconds * 1000)) : null;
    try {
      await flush();
      if (writeFailure && pending.length) {
        // One more try for the outcomes the writer could not write (each lost one is a resend).
        const chunk = pending;
        pending = [];
        await writeOutcomes(chunk).catch((err: Error) =>
          this.logger.error({ messageId: message.id, outcomes: chunk.length, err: err.message }, 'Delivery outcomes not written: their rows go back to the queue when their claim goes stale'),
        );
      }
      // Rows never sent go back now, with their attempt, even when outcomes could not be written
      // (those of a message cancelled meanwhile become cancelled).
      await persist('released deliveries', () => this.deliveries.release(message.id, unsent, resumeAt));
      if (writeFailure) throw writeFailure.err;
    } finally {
      clearInterval(lease);
      status.release();
    }
    if (failure) throw failure.err;
    const retryAt = outcomes.filter((o) => o.status === 'queued' && o.notBefore).map((o) => o.notBefore!.getTime());
    if (retryAt.length) await this.enqueueSend(message.id, channel, 'retry', new Date(Math.min(...retryAt) + 250));
    const run = await this.deliveries.trackErrors(message.id, channel, errors, successes);
    if (run >= cfg.pauseAfterErrors) {
      await this.messages.transition(message.id, ['sending'], 'paused', { pausedReason: `Paused after ${run} consecutive ${channel} provider errors` });
      this.logger.error({ messageId: message.id, channel, run }, 'Message paused after consecutive provider errors');
      return { kind: 'paused' };
    }
    if (halted) {
      this.logger.log({ messageId: message.id, channel, released: unsent.length }, 'Message cancelled or paused during a batch: its unsent rows released');
      return { kind: 'halted' };
    }
    return channelStop ? { kind: channelStop, resumeAt: resumeAt! } : undefined;
  }

  /** A write that must survive a database restart: retried with backoff while PostgreSQL is unreachable. */
  private async persist<T>(what: string, write: () => Promise<T>, onTrouble: () => void): Promise<T> {
    const giveUpAt = Date.now() + PERSIST_RETRY_MS;
    for (let wait = 250; ; wait = Math.min(wait * 2, 1_000)) {
      try {
        return await write();
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() + wait > giveUpAt) throw err;
        onTrouble();
        this.logger.warn({ what, err: (err as Error).message, retryInMs: wait }, 'Database unreachable: write retried');
        await sleep(wait);
      }
    }
  }

  private async onFailure(d: ClaimedDelivery, e: ProviderError, persist: <T>(what: string, write: () => Promise<T>) => Promise<T>): Promise<DeliveryOutcome> {
    const error = `${e.providerCode ?? ''} ${e.message}`.trim();
    // The provider may have it: recorded, the attempt spent (at the claim), never sent again.
    if (e.kind === 'unknown') return { id: d.id, status: 'unknown', error: `${e.message}${e.providerCode ? ` (${e.providerCode})` : ''}` };
    if (e.permanent) {
      if (d.channel === 'email' && e.providerCode && /^5\d\d$/.test(e.providerCode)) {
        await persist('channel suspension', () => this.residentChannels.suspend(d.residentId, 'email', `Hard bounce: ${error}`));
        return { id: d.id, status: 'bounced', error };
      }
      if (d.channel === 'sms' && e.providerCode === '21610') await persist('channel suspension', () => this.residentChannels.suspend(d.residentId, 'sms', 'Recipient replied STOP (21610)'));
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
      {
        ratingUrl: this.links.ratingUrl(d.id),
        unsubscribeUrl,
        manageUrl: this.links.manageUrl(d.residentId),
        surveyUrl: message.surveyId ? this.links.surveyUrl(message.surveyId, d.residentId) : undefined,
      },
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
      body: renderSms(message, this.links.ratingUrl(d.id), 3, message.surveyId ? this.links.surveyUrl(message.surveyId, d.residentId) : undefined),
      statusCallback: `${this.config.http.publicUrl}/webhooks/twilio/status`,
    });
    return providerId;
  }

  private async finishIfDone(messageId: string, channels: Channel[]): Promise<void> {
    if (await this.deliveries.hasUnfinished(messageId)) return;
    if (await this.deliveries.reviveStranded(messageId)) {
      for (const channel of channels) await this.enqueueSend(messageId, channel, 'retry');
      return;
    }
    const done = await this.messages.transition(messageId, ['sending'], 'sent', { sentAt: new Date() });
    if (done) this.logger.log({ messageId }, 'Message sent');
  }
}
