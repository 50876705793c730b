import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assertNpuAccess } from '@beacon/auth';
import {
  badRequest,
  decodeCursor,
  DomainException,
  forbidden,
  InjectConfig,
  JobName,
  notFound,
  QueueService,
  toPage,
  type AppConfig,
  type Page,
  type StaffPrincipal,
} from '@beacon/core';
import { resolveAudience, type AudienceSource, type AudienceSpec, type ResolvedAudience } from './audience/audience-spec';
import { AudienceTargetsService, type AudienceTargets } from './audience/audience-targets.service';
import { GeographyService } from '@beacon/geography';
import { DeliveryRepository } from './delivery.repository';
import { renderEmail, renderSms, smsSegments, type RenderedEmail } from './message-content';
import { MessageLinksService } from './message-links.service';
import type { AudiencePreviewDto, CreateMessageDto, MessageListQueryDto } from './message.dto';
import type { MessageEntity, MessageStatus } from './message.entities';
import { MessageRepository } from './message.repository';

export interface AudienceCounts {
  total: number;
  byChannel: { email: number; sms: number };
}

/** A message as residents will get it, with placeholder links (`GET /messages/{id}/preview`). */
export interface MessagePreview {
  email: RenderedEmail | null;
  sms: { body: string; segments: number; characters: number } | null;
}

export interface MessageProgress {
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  cancelled: number;
  /** Sent to the provider, no answer in time: may have gone out; never resent. */
  unknown: number;
}

/** Read-side extensions other libs contribute to message detail (ratings, replies). */
export interface MessageInsights {
  forMessage(messageId: string): Promise<Record<string, unknown>>;
}

/**
 * Libs that know more about a message (engagement: ratings, replies) register here on
 * module init, so messaging never imports them.
 */
@Injectable()
export class MessageInsightsRegistry {
  private readonly insights: MessageInsights[] = [];
  register(insight: MessageInsights): void {
    this.insights.push(insight);
  }
  all(): MessageInsights[] {
    return this.insights;
  }
}

const invalidTransition = (status: string, action: string) =>
  new DomainException('INVALID_TRANSITION', `A message that is ${status} cannot be ${action}`);

@Injectable()
export class MessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly queue: QueueService,
    private readonly links: MessageLinksService,
    private readonly targets: AudienceTargetsService,
    private readonly geography: GeographyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Checks every target exists and lies in the author's NPU; works out the message's NPU (compose and draft edits). */
  resolveTargets(staff: StaffPrincipal, audience: AudienceSpec): Promise<AudienceTargets> {
    return this.targets.resolve(staff, audience);
  }

  toResolved(m: AudienceSource): ResolvedAudience {
    return resolveAudience(m);
  }

  /** `opts.surveyId`: a survey the caller (libs/surveys) has checked the author may send. */
  async compose(staff: StaffPrincipal, dto: CreateMessageDto, opts: { surveyId?: string } = {}): Promise<MessageEntity> {
    const audience: AudienceSpec = JSON.parse(JSON.stringify(dto.audience ?? {}));
    const scheduledAt = dto.scheduledAt ? new Date(dto.scheduledAt) : null;
    if (scheduledAt) {
      if (scheduledAt.getTime() < Date.now() - 60_000) throw badRequest('scheduledAt must be in the future');
      if (scheduledAt.getTime() > Date.now() + 366 * 24 * 3600 * 1000) throw badRequest('scheduledAt must be within a year');
    }
    const { wardCodes, npuCode } = await this.resolveTargets(staff, audience);
    return this.messages.insert({
      authorId: staff.id,
      npuCode,
      title: dto.title.trim(),
      body: dto.body.trim(),
      category: dto.category,
      priority: dto.priority ?? 'standard',
      channels: dto.channels,
      audience,
      wardCodes,
      scheduledAt,
      surveyId: opts.surveyId ?? null,
    });
  }

  /** Links a draft the caller may act on to a survey (checked by libs/surveys). */
  async attachSurvey(staff: StaffPrincipal, id: string, surveyId: string): Promise<MessageEntity> {
    const m = await this.actionable(staff, id);
    if (m.status !== 'draft') throw invalidTransition(m.status, 'linked to a survey');
    const linked = await this.messages.attachSurvey(id, surveyId);
    if (!linked) throw invalidTransition('no longer a draft', 'linked to a survey');
    return linked;
  }

  /** Staff may read messages of their NPU and force-wide ones. */
  async readable(staff: StaffPrincipal, id: string): Promise<MessageEntity> {
    const m = await this.messages.findById(id);
    if (!m) throw notFound('Message');
    if (m.npuCode !== null) assertNpuAccess(staff, m.npuCode);
    return m;
  }

  /** Acting on a message (send, cancel…) needs the author's reach: force-wide messages need force-wide staff. */
  async actionable(staff: StaffPrincipal, id: string): Promise<MessageEntity> {
    const m = await this.messages.findById(id);
    if (!m) throw notFound('Message');
    assertNpuAccess(staff, m.npuCode);
    return m;
  }

  async previewAudience(staff: StaffPrincipal, id: string): Promise<AudienceCounts> {
    const m = await this.readable(staff, id);
    return this.countFor(m);
  }

  /**
   * The audience of a message not yet saved: the same target checks as compose (400 unknown
   * area, 403 outside the author's NPU), then the same count as a saved draft's preview.
   */
  async previewUnsavedAudience(staff: StaffPrincipal, dto: AudiencePreviewDto): Promise<AudienceCounts> {
    const audience: AudienceSpec = JSON.parse(JSON.stringify(dto.audience ?? {}));
    const { wardCodes } = await this.resolveTargets(staff, audience);
    return this.countFor({ wardCodes, audience, channels: dto.channels, priority: dto.priority ?? 'standard' });
  }

  private async countFor(m: Pick<MessageEntity, 'wardCodes' | 'audience' | 'channels' | 'priority'>): Promise<AudienceCounts> {
    const counts = await this.deliveries.countAudience(this.toResolved(m));
    return { total: counts.total, byChannel: { email: m.channels.includes('email') ? counts.email : 0, sms: m.channels.includes('sms') ? counts.sms : 0 } };
  }

  /** The e-mail and SMS of a message exactly as the senders render them, with placeholder links. */
  async previewContent(staff: StaffPrincipal, id: string): Promise<MessagePreview> {
    const m = await this.readable(staff, id);
    const links = this.links.previewLinks();
    const npuName = await this.npuName(m.npuCode);
    const surveyUrl = m.surveyId ? links.surveyUrl : undefined;
    const sms = m.channels.includes('sms') ? renderSms(m, links.ratingUrl, 3, surveyUrl) : null;
    return {
      email: m.channels.includes('email') ? renderEmail({ title: m.title, body: m.body, npuName }, { ...links, surveyUrl }) : null,
      sms: sms === null ? null : { body: sms, segments: smsSegments(sms), characters: [...sms].length },
    };
  }

  /** The NPU's name for the e-mail's signature (null: force-wide or several NPUs). */
  async npuName(code: string | null): Promise<string | null> {
    return code ? ((await this.geography.findNpus([code]))[0]?.name ?? null) : null;
  }

  /**
   * Two-person rule: a force-wide message (whole force, or more than one NPU) always waits for
   * a second person, whoever the author is, admins included, and no setting lowers that.
   * `OFFICER_MESSAGES_NEED_APPROVAL` can only add approvals (officers' NPU messages).
   */
  private needsApproval(staff: StaffPrincipal, m: MessageEntity): boolean {
    if (m.npuCode === null) return true;
    return staff.role === 'officer' && this.config.messaging.officerMessagesNeedApproval;
  }

  async send(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.actionable(staff, id);
    if (m.status !== 'draft') throw invalidTransition(m.status, 'sent');
    if (this.needsApproval(staff, m)) {
      const moved = await this.messages.transition(id, ['draft'], 'pending_approval', { sendRequestedAt: new Date() });
      if (!moved) throw invalidTransition('no longer a draft', 'sent');
      return { status: 'pending_approval' };
    }
    return this.release(id, ['draft'], {});
  }

  async approve(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.actionable(staff, id);
    if (m.status !== 'pending_approval') throw invalidTransition(m.status, 'approved');
    const allowed = staff.role === 'admin' || (staff.role === 'npu_lead' && m.npuCode !== null && staff.npuCode === m.npuCode);
    if (!allowed) throw forbidden(m.npuCode === null ? 'Force-wide messages are approved by an admin' : 'Approval needs the NPU lead or an admin');
    if (staff.id === m.authorId) throw forbidden('A message cannot be approved by its author');
    return this.release(id, ['pending_approval'], { approvedBy: staff.id, approvedAt: new Date() });
  }

  /** One transaction: the status change and the fan-out job commit together. */
  private async release(
    id: string,
    from: MessageStatus[],
    set: { approvedBy?: string; approvedAt?: Date },
  ): Promise<{ status: MessageStatus }> {
    return this.messages.transaction(async (tx) => {
      const current = await this.messages.findById(id, tx, { lock: true });
      if (!current || !from.includes(current.status)) throw invalidTransition(current?.status ?? 'gone', 'sent');
      const later = current.scheduledAt && current.scheduledAt.getTime() > Date.now();
      const status: MessageStatus = later ? 'scheduled' : 'sending';
      await this.messages.transition(id, from, status, { ...set, sendRequestedAt: new Date() }, tx);
      await this.queue.send(JobName.FanOut, { messageId: id }, { manager: tx, startAfter: later ? current.scheduledAt! : undefined });
      return { status };
    });
  }

  async cancel(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.actionable(staff, id);
    if (!['eco', 'npu_lead', 'admin'].includes(staff.role) && staff.id !== m.authorId) throw forbidden('Only the author, an ECO, the NPU lead or an admin can cancel');
    return this.messages.transaction(async (tx: EntityManager) => {
      const moved = await this.messages.transition(id, ['draft', 'pending_approval', 'scheduled', 'sending', 'paused'], 'cancelled', {}, tx);
      if (!moved) throw invalidTransition(m.status, 'cancelled');
      await this.deliveries.cancelQueued(id, tx);
      return { status: 'cancelled' as const };
    });
  }

  async resume(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.actionable(staff, id);
    return this.messages.transaction(async (tx) => {
      const moved = await this.messages.transition(id, ['paused'], 'sending', { pausedReason: null }, tx);
      if (!moved) throw invalidTransition(m.status, 'resumed');
      for (const channel of m.channels) {
        await this.queue.send(channel === 'sms' ? JobName.SendSms : JobName.SendEmail, { messageId: id }, { manager: tx, singletonKey: `${id}:0` });
      }
      return { status: 'sending' as const };
    });
  }

  async progress(id: string): Promise<MessageProgress & { byChannel: Record<string, MessageProgress> }> {
    const raw = await this.deliveries.progress(id);
    const sum = (counts: Record<string, number>): MessageProgress => ({
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      queued: (counts.queued ?? 0) + (counts.sending ?? 0),
      sent: counts.sent ?? 0,
      delivered: counts.delivered ?? 0,
      failed: (counts.failed ?? 0) + (counts.bounced ?? 0),
      cancelled: counts.cancelled ?? 0,
      unknown: counts.unknown ?? 0,
    });
    const all: Record<string, number> = {};
    for (const counts of Object.values(raw)) for (const [k, v] of Object.entries(counts)) all[k] = (all[k] ?? 0) + v;
    return { ...sum(all), byChannel: Object.fromEntries(Object.entries(raw).map(([c, counts]) => [c, sum(counts)])) };
  }

  async detail(staff: StaffPrincipal, id: string, insights: MessageInsights[] = []) {
    const m = await this.readable(staff, id);
    const extra = Object.assign({}, ...(await Promise.all(insights.map((i) => i.forMessage(id)))));
    return { ...m, progress: await this.progress(id), ...extra };
  }

  async list(staff: StaffPrincipal, q: MessageListQueryDto): Promise<Page<MessageEntity>> {
    if (q.npu) assertNpuAccess(staff, q.npu);
    const limit = q.limit ?? 50;
    const rows = await this.messages.list({
      npuCode: q.npu ?? staff.npuCode ?? undefined,
      includeForceWide: !q.npu && !!staff.npuCode,
      authorId: q.authorId,
      status: q.status,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      after: decodeCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, (m) => ({ key: new Date(m.createdAt).toISOString(), id: m.id }));
  }
}
