import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, JobHandler, JobName, MetricsService, type AppConfig, type MessageJob } from '@beacon/core';
import { resolveAudience } from '../audience/audience-spec';
import { MessageRepository } from '../message.repository';
import { SendQueue, type DeliveryChannel } from '../sending/send-queue';
import { FanOutRepository } from './fan-out.repository';

const PARALLEL_SEND_JOBS = 4;
/** A fan-out that wrote at least this many rows analyses their partition when it ends. */
const ANALYZE_AFTER_ROWS = 10_000;

/**
 * `fan-out {messageId}`: writes every delivery row of a message that is due (set-based, range by
 * range in committed slices), starting up to PARALLEL_SEND_JOBS send jobs per channel as soon as
 * the first slice commits, then records its recipient count (which marks the fan-out finished),
 * folds its per-slice language counts and, after a large one, analyses the partition it filled.
 * A re-run resumes where the last one stopped and writes nothing twice; a cancel stops it at the
 * next slice.
 */
@Injectable()
export class FanOutJob {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly messages: MessageRepository,
    private readonly fanOuts: FanOutRepository,
    private readonly sendQueue: SendQueue,
    private readonly metrics: MetricsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.FanOut)
  async fanOut({ messageId }: MessageJob): Promise<void> {
    let message = await this.messages.findById(messageId);
    if (!message) return;
    if (message.status === 'scheduled') message = await this.messages.transition(messageId, ['scheduled'], 'sending');
    if (!message || message.status !== 'sending') return; // cancelled or paused meanwhile
    const started = Date.now();
    const cfg = this.config.messaging;
    const channels = message.channels as DeliveryChannel[];
    // Senders start as soon as a slice has committed, more of them as the rows grow, and one is
    // started again by each later slice (a sender that caught up with the fan-out has ended).
    const slots: Record<string, number> = {};
    const startSenders = async (inserted: Record<string, number>) => {
      for (const channel of channels) {
        const jobs = Math.max(1, Math.min(PARALLEL_SEND_JOBS, Math.ceil((inserted[channel] ?? 0) / cfg.batchSize)));
        await this.sendQueue.start(messageId, channel, jobs > (slots[channel] ?? 0) ? jobs : 1);
        slots[channel] = Math.max(jobs, slots[channel] ?? 0);
      }
    };
    const fanned = await this.fanOuts.insertForAudience(messageId, resolveAudience(message), new Date(), cfg.fanOutParallelism, startSenders);
    const { inserted } = fanned;
    // Cancelled meanwhile: the slices stopped at the cancel (the cancel's sweep has the rest), and
    // a fan-out that never finished records no recipient count.
    if ((await this.messages.findById(messageId))?.status === 'cancelled') {
      this.logger.log({ messageId, inserted, ms: Date.now() - started }, 'Fan-out stopped: message cancelled');
      return;
    }
    const recipients = fanned.recipients ?? (await this.fanOuts.countRecipients(messageId));
    await this.messages.setRecipientCount(messageId, recipients);
    await this.fanOuts.foldLanguageCounts(messageId);
    if (Object.values(inserted).reduce((n, k) => n + k, 0) >= ANALYZE_AFTER_ROWS) await this.fanOuts.analyzeDeliveries(messageId);
    this.metrics.observeFanOut((Date.now() - started) / 1000);
    this.logger.log({ messageId, inserted, recipients, ms: Date.now() - started }, 'Fan-out done');
    // Once more with the count set (every slot): a sender that finished every row before it was
    // could not mark the message sent.
    for (const channel of channels) delete slots[channel];
    await startSenders(inserted);
  }
}
