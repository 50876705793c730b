import { Injectable } from '@nestjs/common';
import { assertNpuAccess } from '@beacon/auth';
import { badRequest, InjectConfig, decodeCursor, type AppConfig, notFound, toPage, type Page, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { AudienceCountsService } from '@beacon/residents';
import { resolveAudience, type AudienceSource, type AudienceSpec } from './audience/audience-spec';
import { MessageAttachmentRepository, view } from './attachments/message-attachment.repository';
import { AudienceRepository } from './audience/audience.repository';
import { priorityRank } from './audience/audience.sql';
import { AudienceTargetsService } from './audience/audience-targets.service';
import { DeliveryRepository } from './delivery.repository';
import { localised, renderEmail, renderSms, smsSegments } from './message-content';
import type { AudienceCountsDto, MessageDetailDto, MessagePreviewDto, MessageProgressDto, ProgressCountsDto } from './message-response.dto';
import { MessageInsightsRegistry } from './message-insights';
import { MessageContextService } from './message-context';
import { MessageLinksService } from './message-links.service';
import type { AudiencePreviewDto, CreateMessageDto, MessageListQueryDto } from './message.dto';
import type { MessageEntity, MessageTranslations } from './message.entity';
import { invalidTransition } from './message-errors';
import { MessageRepository, type NewMessage } from './message.repository';
import { TemplateService } from './templates/template.service';

/** A draft's columns as the compose form gives them (the author and survey are set apart). */
export type DraftContent = Omit<NewMessage, 'authorId' | 'surveyId'>;

/** Composing messages and reading them: list, detail, progress, audience counts, previews (lifecycle: MessageLifecycleService). */
@Injectable()
export class MessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly audiences: AudienceRepository,
    private readonly audienceCounts: AudienceCountsService,
    private readonly targets: AudienceTargetsService,
    private readonly links: MessageLinksService,
    private readonly geography: GeographyService,
    private readonly insights: MessageInsightsRegistry,
    private readonly templates: TemplateService,
    private readonly contexts: MessageContextService,
    private readonly attachments: MessageAttachmentRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `opts.surveyId`: a survey the caller (libs/surveys) has checked the author may send. */
  async compose(staff: StaffPrincipal, dto: CreateMessageDto, opts: { surveyId?: string } = {}): Promise<MessageEntity> {
    const content = await this.draftContent(staff, dto);
    return this.messages.insert({ authorId: staff.id, ...content, surveyId: opts.surveyId ?? null });
  }

  /**
   * A compose form as a draft's columns, with the target checks (400 unknown area, 403 outside
   * the author's NPU) and a time in the future, at most a year ahead: the same for compose and
   * for a draft edited later.
   */
  async draftContent(staff: StaffPrincipal, dto: CreateMessageDto): Promise<DraftContent> {
    const audience: AudienceSpec = JSON.parse(JSON.stringify(dto.audience ?? {}));
    const scheduledAt = dto.scheduledAt ? new Date(dto.scheduledAt) : null;
    if (scheduledAt) {
      if (scheduledAt.getTime() < Date.now() - 60_000) throw badRequest('scheduledAt must be in the future');
      if (scheduledAt.getTime() > Date.now() + 366 * 24 * 3600 * 1000) throw badRequest('scheduledAt must be within a year');
    }
    const text = await this.templates.composeText(staff, dto);
    const { wardCodes, npuCode } = await this.targets.resolve(staff, audience);
    return {
      npuCode,
      title: text.title,
      body: text.body,
      templateId: text.templateId,
      translations: this.translations(dto, text.render),
      category: dto.category,
      priority: dto.priority ?? 'standard',
      channels: dto.channels,
      audience,
      wardCodes,
      scheduledAt,
    };
  }

  /**
   * Staff-entered translations, each in a language the force offers (LANGUAGES; not English),
   * once per language, with the template's fields filled as in the English (a field the template
   * lacks is a 400).
   */
  private translations(dto: CreateMessageDto, render: (text: string, what: string) => string): MessageTranslations {
    const out: MessageTranslations = {};
    for (const [i, tr] of (dto.translations ?? []).entries()) {
      const at = `translations.${i}`;
      if (tr.language === 'en') throw badRequest(`${at}.language: English is the message's own title and body`);
      if (!this.config.languages.includes(tr.language)) throw badRequest(`${at}.language: ${tr.language} is not offered (LANGUAGES: ${this.config.languages.join(', ')})`);
      if (out[tr.language]) throw badRequest(`${at}.language: ${tr.language} is translated twice`);
      const title = render(tr.title, `${at}.title`);
      const body = render(tr.body, `${at}.body`);
      if (!title || title.length > 200 || !body || body.length > 5000) throw badRequest(`${at}: title must be 1 to 200 and body 1 to 5000 characters once the fields are filled`);
      out[tr.language] = { title, body };
    }
    return out;
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

  async previewAudience(staff: StaffPrincipal, id: string): Promise<AudienceCountsDto> {
    const m = await this.readable(staff, id);
    return this.countFor(m);
  }

  /**
   * The audience of a message not yet saved: the same target checks as compose (400 unknown
   * area, 403 outside the author's NPU), then the same count as a saved draft's preview.
   */
  async previewUnsavedAudience(staff: StaffPrincipal, dto: AudiencePreviewDto): Promise<AudienceCountsDto> {
    const audience: AudienceSpec = JSON.parse(JSON.stringify(dto.audience ?? {}));
    const { wardCodes } = await this.targets.resolve(staff, audience);
    return this.countFor({ wardCodes, audience, channels: dto.channels, priority: dto.priority ?? 'standard' });
  }

  /**
   * Wards, topics, interests, channels and priority are answered from residents' maintained
   * counts (no scan); schemes and circles narrow by rows the counts do not hold, so those
   * audiences are counted live (the same query is the counts' reference in the tests).
   */
  private async countFor(m: AudienceSource): Promise<AudienceCountsDto> {
    const a = resolveAudience(m);
    const counts =
      a.schemeIds || a.near
        ? await this.audiences.countAudience(a)
        : await this.audienceCounts.count({ wardCodes: a.wardCodes, topics: a.topics, interestGroups: a.interestGroups, channels: a.channels, maxRank: priorityRank(a.priority) });
    return { total: counts.total, byChannel: { email: m.channels.includes('email') ? counts.email : 0, sms: m.channels.includes('sms') ? counts.sms : 0 } };
  }

  /** The e-mail and SMS of a message exactly as the senders render them, with placeholder links. */
  async previewContent(staff: StaffPrincipal, id: string): Promise<MessagePreviewDto> {
    const m = await this.readable(staff, id);
    const links = this.links.previewLinks();
    const context = await this.contexts.forMessage(m);
    const surveyUrl = m.surveyId ? links.surveyUrl : undefined;
    const sms = m.channels.includes('sms') ? renderSms(m, links.ratingUrl, 3, surveyUrl, links.webUrl) : null;
    return {
      email: m.channels.includes('email') ? renderEmail({ title: m.title, body: m.body, ...context }, { ...links, surveyUrl }) : null,
      sms: sms === null ? null : { body: sms, segments: smsSegments(sms), characters: [...sms].length },
    };
  }

  /** The NPU's name for the e-mail's signature (null: force-wide or several NPUs). */
  async npuName(code: string | null): Promise<string | null> {
    return code ? ((await this.geography.findNpus([code]))[0]?.name ?? null) : null;
  }

  async progress(id: string): Promise<MessageProgressDto> {
    const raw = await this.deliveries.progress(id);
    const sum = ({ complained = 0, ...counts }: Record<string, number>): ProgressCountsDto => ({
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      queued: (counts.queued ?? 0) + (counts.sending ?? 0),
      sent: counts.sent ?? 0,
      delivered: counts.delivered ?? 0,
      failed: (counts.failed ?? 0) + (counts.bounced ?? 0),
      cancelled: counts.cancelled ?? 0,
      unknown: counts.unknown ?? 0,
      bounced: counts.bounced ?? 0,
      complained,
    });
    const all: Record<string, number> = {};
    for (const counts of Object.values(raw)) for (const [k, v] of Object.entries(counts)) all[k] = (all[k] ?? 0) + v;
    return { ...sum(all), byChannel: Object.fromEntries(Object.entries(raw).map(([c, counts]) => [c, sum(counts)])) };
  }

  /** The message with its progress and what other libs add (@MessageInsightsProvider: ratings, replies). */
  async detail(staff: StaffPrincipal, id: string): Promise<MessageDetailDto> {
    const m = await this.readable(staff, id);
    const extra = Object.assign({}, ...(await Promise.all(this.insights.all().map((i) => i.forMessage(id)))));
    const attachments = (await this.attachments.forMessage(id)).map(view);
    return { ...m, progress: await this.progress(id), recipientsByLanguage: await this.recipientsByLanguage(m), attachments, ...extra };
  }

  /** Recipients by the language they received (a translation, or English: `localised`'s choice). */
  private async recipientsByLanguage(m: MessageEntity): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const row of await this.deliveries.recipientLanguages(m.id)) {
      const { language } = localised(m, row.language, this.config.languages);
      out[language] = (out[language] ?? 0) + row.n;
    }
    return out;
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
