import { Injectable } from '@nestjs/common';
import { assertNpuAccess, LinkTokenService } from '@beacon/auth';
import { badRequest, DomainException, forbidden, InjectConfig, notFound, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { MessageService, signSurveyToken, type CreateMessageDto } from '@beacon/messaging';
import type { QuestionKind, SurveyStatus } from './survey.entity';
import type { CreateSurveyDto, SurveyView } from './survey.dto';
import { CONFIDENCE_TEMPLATE, FREE_TEXT_MAX, fixedOptions } from './survey-questions';
import { SurveyRepository, type NewQuestion, type SurveyRow } from './survey.repository';

const invalidTransition = (status: string, action: string) => new DomainException('INVALID_TRANSITION', `A survey that is ${status} cannot be ${action}`);

/** Creating, opening, closing and sending surveys. */
@Injectable()
export class SurveyService {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly messages: MessageService,
    private readonly links: LinkTokenService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async create(staff: StaffPrincipal, dto: CreateSurveyDto): Promise<SurveyView> {
    const questions: NewQuestion[] = [];
    for (const t of dto.templates ?? []) {
      if (t === 'confidence') {
        for (const q of CONFIDENCE_TEMPLATE) questions.push({ kind: q.kind, text: q.text, options: q.options ?? fixedOptions(q.kind) ?? [], required: false, maxLength: 0, templateKey: q.key });
      }
    }
    const problems: string[] = [];
    (dto.questions ?? []).forEach((q, i) => {
      const kind = q.kind as QuestionKind;
      const fixed = fixedOptions(kind);
      if (fixed === null) {
        const opts = q.options ?? [];
        if (opts.length < 2) problems.push(`questions.${i}.options: a ${kind} question needs 2 to 20 options`);
        if (new Set(opts.map((o) => o.value)).size !== opts.length) problems.push(`questions.${i}.options: option values must be different`);
      } else if (q.options?.length) problems.push(`questions.${i}.options: a ${kind} question has fixed options`);
      if (q.maxLength !== undefined && kind !== 'free_text') problems.push(`questions.${i}.maxLength: only free_text questions have a maximum length`);
      questions.push({
        kind,
        text: q.text.trim(),
        options: fixed ?? (q.options ?? []).map((o) => ({ value: o.value, label: o.label.trim() })),
        required: q.required ?? false,
        maxLength: kind === 'free_text' ? Math.min(q.maxLength ?? 1000, FREE_TEXT_MAX) : 0,
        templateKey: null,
      });
    });
    if (!questions.length) problems.push('questions: a survey needs at least one question (or a template)');
    if (questions.length > 40) problems.push('questions: at most 40 questions, templates included');
    const opensAt = dto.opensAt ? new Date(dto.opensAt) : null;
    const closesAt = dto.closesAt ? new Date(dto.closesAt) : null;
    if (closesAt && closesAt.getTime() <= Math.max(Date.now(), opensAt?.getTime() ?? 0)) problems.push('closesAt: must be in the future and after opensAt');
    if (problems.length) throw badRequest(problems.join('; '), problems);
    // NPU-bound staff survey their own NPU (the guard refuses another); force-wide staff may name one.
    const npuCode = dto.npuCode ?? staff.npuCode;
    assertNpuAccess(staff, npuCode);
    if (npuCode && !(await this.surveys.npuExists(npuCode))) throw badRequest(`npuCode: unknown NPU ${npuCode}`, [`npuCode: unknown NPU ${npuCode}`]);
    const row = await this.surveys.insert(
      { npuCode, authorId: staff.id, title: dto.title.trim(), intro: (dto.intro ?? '').trim(), opensAt, closesAt, publicLink: dto.publicLink ?? false },
      questions,
    );
    return this.view(row);
  }

  /** Staff may read surveys of their NPU and force-wide ones. */
  async readable(staff: StaffPrincipal, id: string): Promise<SurveyRow> {
    const s = await this.surveys.findById(id);
    if (!s) throw notFound('Survey');
    if (s.npuCode !== null) assertNpuAccess(staff, s.npuCode);
    return s;
  }

  /** Acting on a survey needs its reach: force-wide surveys need force-wide staff. */
  private async actionable(staff: StaffPrincipal, id: string): Promise<SurveyRow> {
    const s = await this.surveys.findById(id);
    if (!s) throw notFound('Survey');
    assertNpuAccess(staff, s.npuCode);
    return s;
  }

  /** The latest surveys the staff member may read (their NPU's and force-wide ones). */
  async list(staff: StaffPrincipal, limit = 100): Promise<(SurveyRow & { responses: number })[]> {
    return this.surveys.list(staff.npuCode, limit);
  }

  async detail(staff: StaffPrincipal, id: string): Promise<SurveyView> {
    return this.view(await this.readable(staff, id));
  }

  /**
   * draft → open. A force-wide survey, like a force-wide message, needs a second person: it
   * opens only when an admin other than its author opens it; anyone else's open asks for
   * that approval (→ pending_approval).
   */
  async open(staff: StaffPrincipal, id: string): Promise<{ status: SurveyStatus }> {
    const s = await this.actionable(staff, id);
    if (s.status !== 'draft' && s.status !== 'pending_approval') throw invalidTransition(s.status, 'opened');
    if (s.closesAt && s.closesAt.getTime() <= Date.now()) throw invalidTransition('past its closing date', 'opened');
    if (s.npuCode === null && (staff.role !== 'admin' || staff.id === s.authorId)) {
      if (s.status === 'pending_approval') throw forbidden(staff.id === s.authorId ? 'A survey cannot be approved by its author' : 'Force-wide surveys are approved by an admin');
      const moved = await this.surveys.transition(id, ['draft'], 'pending_approval');
      if (!moved) throw invalidTransition('no longer a draft', 'opened');
      return { status: 'pending_approval' };
    }
    const moved = await this.surveys.transition(id, ['draft', 'pending_approval'], 'open', s.npuCode === null ? { approvedBy: staff.id } : {});
    if (!moved) throw invalidTransition('no longer a draft', 'opened');
    return { status: 'open' };
  }

  async close(staff: StaffPrincipal, id: string): Promise<{ status: SurveyStatus }> {
    const s = await this.actionable(staff, id);
    if (s.status !== 'open') throw invalidTransition(s.status, 'closed');
    const moved = await this.surveys.transition(id, ['open'], 'closed');
    if (!moved) throw invalidTransition('no longer open', 'closed');
    return { status: 'closed' };
  }

  /** A draft message carrying the survey: each recipient's e-mail and SMS get their own survey link. */
  async composeMessage(staff: StaffPrincipal, id: string, dto: CreateMessageDto) {
    await this.sendable(staff, id);
    const m = await this.messages.compose(staff, dto, { surveyId: id });
    return { ...m, status: m.status };
  }

  /** Links an existing draft message to the survey. */
  async linkMessage(staff: StaffPrincipal, id: string, messageId: string) {
    await this.sendable(staff, id);
    const m = await this.messages.attachSurvey(staff, messageId, id);
    return { ...m, status: m.status };
  }

  private async sendable(staff: StaffPrincipal, id: string): Promise<SurveyRow> {
    const s = await this.readable(staff, id);
    if (s.status === 'closed') throw invalidTransition('closed', 'sent');
    return s;
  }

  private async view(s: SurveyRow): Promise<SurveyView> {
    const questions = await this.surveys.questions(s.id);
    return {
      id: s.id,
      npuCode: s.npuCode,
      authorId: s.authorId,
      title: s.title,
      intro: s.intro,
      status: s.status,
      opensAt: s.opensAt,
      closesAt: s.closesAt,
      publicLink: s.publicLink,
      publicUrl: s.publicLink ? `${this.config.http.publicUrl}/s/p/${signSurveyToken(this.links, s.id, null)}` : null,
      approvedBy: s.approvedBy,
      openedAt: s.openedAt,
      closedAt: s.closedAt,
      createdAt: s.createdAt,
      questions,
    };
  }
}
