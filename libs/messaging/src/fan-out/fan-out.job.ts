import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, JobHandler, JobName, MetricsService, type AppConfig, type MessageJob } from '@beacon/core';
import { AudienceCountsService } from '@beacon/residents';
import { resolveAudience, type ResolvedAudience } from '../audience/audience-spec';
import { MessageRepository } from '../message.repository';
import { SendQueue, type DeliveryChannel } from '../sending/send-queue';
import { FanOutRepository, type FanOutDriver } from './fan-out.repository';

const PARALLEL_SEND_JOBS = 4;
/** A fan-out that wrote at least this many rows analyses their partition when it ends. */
const ANALYZE_AFTER_ROWS = 10_000;
/** An audience's filter drives its slices (`FanOutDriver`) when it keeps at most this share of the residents. */
const DRIVEN_MAX_SHARE = 0.05;

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
    private readonly counts: AudienceCountsService,
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
    const audience = resolveAudience(message);
    const fanned = await this.fanOuts.insertForAudience(messageId, audience, new Date(), cfg.fanOutParallelism, startSenders, await this.driverFor(audience));
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

  /**
   * Which filter, if any, the slices are read from: the named schemes' members (a street, a canal,
   * never a force); else the interest groups or topics when the maintained counts say the
   * smaller of them keeps at most DRIVEN_MAX_SHARE of the residents on these channels. A broad
   * audience is cheaper read by walking the ranges (one pass over the residents in all).
   */
  private async driverFor(a: ResolvedAudience): Promise<FanOutDriver | null> {
    if (a.schemeIds) return 'scheme';
    if (!a.interestGroups && !a.topics) return null;
    const count = (q: { topics?: string[] | null; interestGroups?: string[] | null }) =>
      this.counts.count({ wardCodes: null, topics: q.topics ?? null, interestGroups: q.interestGroups ?? null, channels: a.channels, maxRank: 3 }).then((c) => c.total);
    const [everyone, interest, topic] = await Promise.all([count({}), a.interestGroups ? count({ interestGroups: a.interestGroups }) : Infinity, a.topics ? count({ topics: a.topics }) : Infinity]);
    const [driver, share] = interest <= topic ? (['interest', interest] as const) : (['topic', topic] as const);
    return share <= DRIVEN_MAX_SHARE * everyone ? driver : null;
  }
}
