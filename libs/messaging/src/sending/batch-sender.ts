import { Injectable, Logger } from '@nestjs/common';
import { ProviderError } from '@beacon/channels';
import { InjectConfig, MetricsService, type AppConfig } from '@beacon/core';
import { ResidentChannelsService } from '@beacon/residents';
import type { MessageContext } from '../message-context';
import type { MessageEntity } from '../message.entity';
import { MessageRepository } from '../message.repository';
import { ClaimRepository, type ClaimedDelivery } from './claim.repository';
import { DeliverySender } from './delivery-sender';
import { failureOutcome } from './failure-outcome';
import { mapPool } from './map-pool';
import { MessageStatusWatch, type StatusView } from './message-status-watch';
import { OutcomeRepository, type DeliveryOutcome } from './outcome.repository';
import { OutcomeWriter } from './outcome-writer';
import { SendRateLimiter } from './rate-limiter';
import { SendQueue, type DeliveryChannel } from './send-queue';

const RATE_LIMITED_PAUSE_MS = 5_000;
// How often a running batch re-reads its message's status: after a cancel or pause, at most the
// sends in flight plus those started within this time still go out.
const STATUS_CHECK_MS = 100;

/**
 * Why a batch stopped early: the provider throttles us or cannot be reached (the channel waits
 * until resumeAt), the message was auto-paused, or it was cancelled or paused meanwhile (halted).
 */
export type BatchStop = { kind: 'rate_limited' | 'unavailable'; resumeAt: Date } | { kind: 'paused' } | { kind: 'halted' } | undefined;

/** What every batch of this process shares: repositories, providers, rate caps, the status watch. */
@Injectable()
export class BatchSenderDeps {
  readonly logger = new Logger('Delivery');
  readonly limiters: Record<DeliveryChannel, SendRateLimiter>;
  readonly statuses: MessageStatusWatch;

  constructor(
    readonly messages: MessageRepository,
    readonly claims: ClaimRepository,
    readonly outcomes: OutcomeRepository,
    readonly sender: DeliverySender,
    readonly sendQueue: SendQueue,
    readonly residentChannels: ResidentChannelsService,
    readonly metrics: MetricsService,
    @InjectConfig() readonly config: AppConfig,
  ) {
    this.limiters = { email: new SendRateLimiter(config.messaging.emailRatePerSecond), sms: new SendRateLimiter(config.messaging.smsRatePerSecond) };
    this.statuses = new MessageStatusWatch((id) => messages.findStatus(id), STATUS_CHECK_MS);
  }
}

/**
 * One claimed batch on its way to the provider: sends with the channel's concurrency and rate
 * cap, records outcomes as they come (OutcomeWriter), keeps the claim's lease fresh, stops
 * starting sends on a cancel or pause, a throttling or unreachable provider, or an unwritable
 * database, and hands back the rows it did not send.
 */
export class BatchSender {
  private readonly writer: OutcomeWriter;
  private readonly outcomes: DeliveryOutcome[] = [];
  private readonly unsent: string[] = [];
  private readonly started = new Set<string>();
  private channelStop: 'rate_limited' | 'unavailable' | undefined;
  private halted = false;
  private errors = 0;
  private successes = 0;

  constructor(
    private readonly deps: BatchSenderDeps,
    private readonly message: MessageEntity,
    private readonly context: MessageContext,
    private readonly channel: DeliveryChannel,
    private readonly batch: ClaimedDelivery[],
  ) {
    this.writer = new OutcomeWriter(deps.outcomes, deps.logger, message.id, (chunk) => deps.metrics.countDeliveries(channel, chunk));
  }

  async run(): Promise<BatchStop> {
    const cfg = this.deps.config.messaging;
    // The claim is a lease: renewed while this batch runs, so the sweeper only re-queues rows of
    // workers that died, however long a slow or rate-capped provider makes the batch.
    const ids = this.batch.map((d) => d.id);
    const lease = setInterval(() => {
      this.deps.claims.renewClaims(ids).catch((err: Error) => this.deps.logger.warn({ messageId: this.message.id, err: err.message }, 'Could not renew claimed deliveries'));
    }, Math.max(500, (cfg.staleSendingSeconds * 1000) / 3));
    // A cancel or pause (from any process) is seen within STATUS_CHECK_MS: no send starts after it.
    const status = this.deps.statuses.watch(this.message.id, 'sending');
    let failure: { err: unknown } | undefined;
    try {
      await mapPool(this.batch, this.channel === 'sms' ? cfg.smsConcurrency : cfg.emailConcurrency, (d) => this.sendOne(d, status));
    } catch (err) {
      // Still write what was sent, and hand back the rows never started, before giving up the batch.
      failure = { err };
      this.unsent.push(...ids.filter((id) => !this.started.has(id)));
    }
    // A throttling or unreachable provider says nothing about the recipients: their rows wait
    // without spending an attempt. Unreachable is retried every DELIVERY_RETRY_BASE_SECONDS for
    // as long as it lasts, and does not count towards the auto-pause. Rows left unsent because
    // the database was unreachable go back at once.
    const resumeAt = this.channelStop ? new Date(Date.now() + (this.channelStop === 'rate_limited' ? RATE_LIMITED_PAUSE_MS : cfg.retryBaseSeconds * 1000)) : null;
    try {
      await this.writer.finish();
      // Rows never sent go back now, with their attempt, even when outcomes could not be written
      // (those of a message cancelled meanwhile become cancelled).
      await this.writer.persist('released deliveries', () => this.deps.claims.release(this.message.id, this.unsent, resumeAt));
      if (this.writer.failure) throw this.writer.failure.err;
    } finally {
      clearInterval(lease);
      status.release();
    }
    if (failure) throw failure.err;
    return this.conclude(resumeAt);
  }

  private async sendOne(d: ClaimedDelivery, status: StatusView): Promise<void> {
    this.started.add(d.id);
    if (!this.halted && status.current() !== 'sending') this.halted = true;
    if (this.channelStop || this.writer.troubled || this.halted) {
      this.unsent.push(d.id);
      return;
    }
    let outcome: DeliveryOutcome;
    if (!d.eligible) {
      outcome = { id: d.id, status: 'cancelled', error: 'Resident unsubscribed or channel disabled before sending' };
    } else {
      await this.deps.limiters[this.channel].acquire();
      const sendStarted = process.hrtime.bigint();
      const took = () => Number(process.hrtime.bigint() - sendStarted) / 1e9;
      try {
        outcome = { id: d.id, status: 'sent', providerId: await this.deps.sender.send(this.message, this.context, d) };
        this.deps.metrics.observeProviderSend(this.channel, 'sent', took());
        this.successes++;
      } catch (err) {
        const e = err instanceof ProviderError ? err : new ProviderError('transient', (err as Error).message);
        this.deps.metrics.observeProviderSend(this.channel, e.kind, took());
        if (e.kind === 'rate_limited' || e.kind === 'unavailable') {
          this.channelStop ??= e.kind;
          this.unsent.push(d.id);
          return;
        }
        this.errors++; // an unknown outcome too: a relay that never answers in time pauses the message
        const verdict = failureOutcome(d, e, this.deps.config.messaging);
        const suspend = verdict.suspend;
        if (suspend) await this.writer.persist('channel suspension', () => this.deps.residentChannels.suspend(d.residentId, suspend.channel, suspend.reason));
        outcome = verdict.outcome;
      }
    }
    this.outcomes.push(outcome);
    this.writer.add({ ...outcome, createdAt: d.createdAt });
  }

  /** After the batch: a wake-up for due retries, the auto-pause, and why the batch stopped. */
  private async conclude(resumeAt: Date | null): Promise<BatchStop> {
    const { id } = this.message;
    const retryAt = this.outcomes.filter((o) => o.status === 'queued' && o.notBefore).map((o) => o.notBefore!.getTime());
    if (retryAt.length) await this.deps.sendQueue.enqueue(id, this.channel, 'retry', { startAfter: new Date(Math.min(...retryAt) + 250) });
    const run = await this.deps.outcomes.trackErrors(id, this.channel, this.errors, this.successes);
    if (run >= this.deps.config.messaging.pauseAfterErrors) {
      await this.deps.messages.transition(id, ['sending'], 'paused', { pausedReason: `Paused after ${run} consecutive ${this.channel} provider errors` });
      this.deps.logger.error({ messageId: id, channel: this.channel, run }, 'Message paused after consecutive provider errors');
      return { kind: 'paused' };
    }
    if (this.halted) {
      this.deps.logger.log({ messageId: id, channel: this.channel, released: this.unsent.length }, 'Message cancelled or paused during a batch: its unsent rows released');
      return { kind: 'halted' };
    }
    return this.channelStop ? { kind: this.channelStop, resumeAt: resumeAt! } : undefined;
  }
}
