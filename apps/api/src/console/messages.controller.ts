import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { badRequest, DomainException, InjectConfig, LANGUAGES_KNOWN, StaffPage, UuidParam, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { RatingService } from '@beacon/engagement';
import { GeographyService } from '@beacon/geography';
import { MessageDraftService, MessageLifecycleService, MessageService, NEAR_METRES, TemplateService, type CreateMessageDto } from '@beacon/messaging';
import { CsrfGuard, EMAIL_PREVIEW_CSP, errorSummary, labelFor, optionsOf, type FormError } from '@beacon/web';
import { APPROVERS, ConsoleExceptionFilter, ConsolePages, me, MESSAGE_WRITERS, RESUMERS } from './console-pages';
import { fieldLabel, fieldsUsed, formValuesOf, readMessageForm, templateProblems, toMessageDto, type MessageFormValues } from './message-form';

// Fixed texts for the banner after a post/redirect/get: the URL names one, never carries text.
const NOTICES: Record<string, string> = {
  saved: 'Draft saved. Check how it looks and who will get it, then send it.',
  updated: 'Draft updated.',
  duplicated: 'This is a copy of the message, saved as a new draft.',
  sending: 'The message is being sent.',
  scheduled: 'The message is scheduled.',
  pending_approval: 'The message is waiting for approval. It is sent once it is approved.',
  cancelled: 'The message is cancelled. Nothing more will be sent.',
  resumed: 'Sending has resumed.',
  test: 'A test email is on its way to your address.',
};

const PAGE_SIZE = 20;

@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/messages')
export class ConsoleMessagesController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly messages: MessageService,
    private readonly lifecycle: MessageLifecycleService,
    private readonly drafts: MessageDraftService,
    private readonly ratings: RatingService,
    private readonly geography: GeographyService,
    private readonly templates: TemplateService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The offered languages a message may be translated into (English is the message itself). */
  private get otherLanguages(): string[] {
    return this.config.languages.filter((l) => l !== 'en');
  }

  /** The fields of the template a form names (none without one); 400 for a malformed id, 404/403 as the API. */
  private async templateFields(staff: StaffPrincipal, templateId: string): Promise<string[]> {
    if (!templateId) return [];
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(templateId)) throw badRequest('Choose a template from the list');
    return (await this.templates.usable(staff, templateId)).fields;
  }

  /** The form's values, with the fields of its template and the offered languages. */
  private async readForm(staff: StaffPrincipal, body: unknown): Promise<{ values: MessageFormValues; templateFields: string[] }> {
    const templateFields = await this.templateFields(staff, readMessageForm(body).templateId);
    return { values: readMessageForm(body, templateFields, this.otherLanguages), templateFields };
  }

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('status') status?: string, @Query('cursor') cursor?: string) {
    const staff = me(req);
    const filter = optionsOf('messageStatus', status).some((o) => o.value === status) ? status : undefined;
    const page = await this.messages.list(staff, { status: filter, cursor, limit: PAGE_SIZE });
    return this.pages.render(req, res, 'messages.njk', 'messages', {
      messages: page.items,
      nextHref: page.nextCursor ? `/console/messages?${new URLSearchParams({ ...(filter ? { status: filter } : {}), cursor: page.nextCursor })}` : null,
      status: filter ?? '',
      statusOptions: [{ value: '', text: 'All messages' }, ...optionsOf('messageStatus', filter)],
      canWrite: MESSAGE_WRITERS.includes(staff.role),
    });
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Get('new')
  async newForm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('template') template?: string) {
    const staff = me(req);
    const translations = Object.fromEntries(this.otherLanguages.map((l) => [l, { title: '', body: '' }]));
    const blank = { title: '', body: '', category: 'community_update', templateId: '', fields: {} };
    let start: Pick<MessageFormValues, 'title' | 'body' | 'category' | 'templateId' | 'fields'> = blank;
    if (template) {
      await this.templateFields(staff, template); // 400 malformed, 404 unknown, 403 another NPU's
      const t = await this.templates.usable(staff, template);
      start = { title: t.title, body: t.body, category: t.category, templateId: t.id, fields: Object.fromEntries(t.fields.map((f) => [f, ''])) };
    }
    const values: MessageFormValues = { ...start, priority: 'standard', channels: ['email'], npuCodes: [], wardCodes: [], topics: [], interestGroups: [], when: 'now', scheduledAt: '', nearPostcode: '', nearMetres: '', translations };
    return this.form(req, res, values, null, []);
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post()
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const { values, templateFields } = await this.readForm(me(req), body);
    const { dto, errors } = await toMessageDto(values);
    if (errors.length) return this.form(req, res, values, null, errors);
    try {
      const m = await this.messages.compose(me(req), dto);
      return res.redirect(303, `/console/messages/${m.id}?done=saved`);
    } catch (e) {
      return this.form(req, res, values, null, this.problems(e, dto, templateFields));
    }
  }

  @Get(':id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    const staff = me(req);
    const m = await this.messages.detail(staff, id);
    const [preview, audience, comments] = await Promise.all([
      this.messages.previewContent(staff, id),
      m.status === 'draft' && MESSAGE_WRITERS.includes(staff.role) ? this.messages.previewAudience(staff, id) : null,
      this.ratings.recentComments(id, 20),
    ]);
    const wards = m.wardCodes.length ? await this.wardNames(m.wardCodes) : [];
    return this.pages.render(req, res, 'message.njk', 'messages', {
      m,
      preview,
      audience,
      comments,
      wards,
      translations: Object.entries(m.translations ?? {}).map(([code, tr]) => ({ code, language: labelFor('language', code), dir: LANGUAGES_KNOWN[code as keyof typeof LANGUAGES_KNOWN]?.rtl ? 'rtl' : 'ltr', ...tr })),
      // Most recipients first; English (no translation, or none wanted) is one row like the others.
      byLanguage: Object.entries(m.recipientsByLanguage ?? {}).sort(([, a], [, b]) => b - a).map(([code, n]) => ({ language: labelFor('language', code), n })),
      actions: this.actions(staff, m),
      notice: NOTICES[done ?? ''] ?? null,
      backLink: { href: '/console/messages', text: 'All messages' },
    });
  }

  /** The e-mail exactly as rendered, for the sandboxed frame of the message page. */
  @Get(':id/email-preview')
  async emailPreview(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    const preview = await this.messages.previewContent(me(req), id);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', EMAIL_PREVIEW_CSP);
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.send(preview.email?.html ?? '<!doctype html><title>No email</title><p>This message is not sent by email.</p>');
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Get(':id/edit')
  async editForm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    const m = await this.messages.readable(me(req), id);
    if (m.status !== 'draft') return res.redirect(303, `/console/messages/${id}`);
    return this.form(req, res, formValuesOf(m, this.otherLanguages), id, []);
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post(':id')
  async update(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const { values, templateFields } = await this.readForm(me(req), body);
    const { dto, errors } = await toMessageDto(values);
    if (errors.length) return this.form(req, res, values, id, errors);
    try {
      const current = await this.messages.readable(me(req), id);
      // Parts of an audience the form does not show (neighbourhoods, schemes: set through the API) are kept.
      const kept = { neighbourhoodIds: current.audience.neighbourhoodIds, schemeIds: current.audience.schemeIds };
      const withKept: CreateMessageDto = { ...dto, audience: { ...dto.audience, ...Object.fromEntries(Object.entries(kept).filter(([, v]) => v?.length)) } };
      await this.drafts.update(me(req), id, withKept);
      return res.redirect(303, `/console/messages/${id}?done=updated`);
    } catch (e) {
      return this.form(req, res, values, id, this.problems(e, dto, templateFields));
    }
  }

  /** The confirmation step: who and how many, before anything goes. */
  @StaffPage({ roles: MESSAGE_WRITERS })
  @Get(':id/confirm')
  async confirm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    const staff = me(req);
    const m = await this.messages.actionable(staff, id);
    if (m.status !== 'draft') return res.redirect(303, `/console/messages/${id}`);
    const audience = await this.messages.previewAudience(staff, id);
    const later = !!m.scheduledAt && new Date(m.scheduledAt).getTime() > Date.now();
    return this.pages.render(req, res, 'confirm.njk', 'messages', { m, audience, later, backLink: { href: `/console/messages/${id}`, text: 'Back to the message' } });
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post(':id/send')
  async send(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    const { status } = await this.lifecycle.send(me(req), id);
    res.redirect(303, `/console/messages/${id}?done=${status}`);
  }

  @StaffPage({ roles: APPROVERS })
  @Post(':id/approve')
  async approve(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    const { status } = await this.lifecycle.approve(me(req), id);
    res.redirect(303, `/console/messages/${id}?done=${status}`);
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post(':id/cancel')
  async cancel(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    await this.lifecycle.cancel(me(req), id);
    res.redirect(303, `/console/messages/${id}?done=cancelled`);
  }

  @StaffPage({ roles: RESUMERS })
  @Post(':id/resume')
  async resume(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    await this.lifecycle.resume(me(req), id);
    res.redirect(303, `/console/messages/${id}?done=resumed`);
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post(':id/duplicate')
  async duplicate(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    const copy = await this.drafts.duplicate(me(req), id);
    res.redirect(303, `/console/messages/${copy.id}/edit?done=duplicated`);
  }

  @StaffPage({ roles: MESSAGE_WRITERS })
  @Post(':id/test')
  async test(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    await this.drafts.sendTestToSelf(me(req), id);
    res.redirect(303, `/console/messages/${id}?done=test`);
  }

  private actions(staff: StaffPrincipal, m: { status: string; authorId: string }) {
    const writer = MESSAGE_WRITERS.includes(staff.role);
    return {
      edit: writer && m.status === 'draft',
      send: writer && m.status === 'draft',
      test: writer,
      duplicate: writer,
      approve: m.status === 'pending_approval' && APPROVERS.includes(staff.role) && staff.id !== m.authorId,
      resume: m.status === 'paused' && RESUMERS.includes(staff.role),
      cancel: writer && ['draft', 'pending_approval', 'scheduled', 'sending', 'paused'].includes(m.status),
    };
  }

  private problems(e: unknown, dto: CreateMessageDto, templateFields: string[]): FormError[] {
    if (!(e instanceof DomainException) || !['VALIDATION', 'FORBIDDEN', 'INVALID_TRANSITION', 'CONFLICT'].includes(e.code)) throw e;
    // A radius postcode the directory does not hold (or one with no grid reference): named at its field.
    if (/audience\.near/.test(e.message)) return [{ field: 'nearPostcode', message: /grid reference/.test(e.message) ? 'That postcode has no map position: choose a postcode nearby' : 'Enter a postcode in the force’s area' }];
    const template = e.code === 'VALIDATION' ? templateProblems(e.message, dto, templateFields) : null;
    if (template) return template;
    const field = /audience|ward|npu/i.test(e.message) ? 'wardCodes' : /scheduledAt/.test(e.message) ? 'scheduledAt' : undefined;
    const message = e.code === 'FORBIDDEN' ? 'You can only send messages to your own NPU' : /scheduledAt/.test(e.message) ? 'The time to send it must be in the future and within a year' : field ? 'Choose areas that exist' : e.message;
    return [{ field, message }];
  }

  private async wardNames(codes: string[]): Promise<string[]> {
    const all = await this.geography.listWards();
    const byCode = new Map(all.map((w) => [w.code, w.name]));
    return codes.map((c) => byCode.get(c) ?? 'Unknown ward').sort();
  }

  private async form(req: Request, res: Response, values: MessageFormValues, id: string | null, errors: FormError[]) {
    const staff = me(req);
    const [npus, wards] = await Promise.all([this.geography.listNpus(), this.geography.listWards(staff.npuCode ?? undefined)]);
    const myNpus = npus.filter((n) => !staff.npuCode || n.code === staff.npuCode);
    const wardGroups = myNpus.map((n) => ({
      npu: n,
      items: wards.filter((w) => w.npuCode === n.code).map((w) => ({ value: w.code, text: w.name, hint: { text: `${w.neighbourhood} neighbourhood` }, checked: values.wardCodes.includes(w.code) })),
    }));
    if (errors.length) res.status(400);
    const templateFields = values.templateId ? fieldsUsed(await this.templateFields(staff, values.templateId), [values.title, values.body, ...Object.values(values.translations).flatMap((tr) => [tr.title, tr.body])]) : [];
    const templates = id ? [] : (await this.templates.list(staff, { limit: 100 })).items;
    return this.pages.render(req, res, 'compose.njk', 'messages', {
      id,
      values,
      templateOptions: templates.length ? [{ value: '', text: 'Choose a template' }, ...templates.map((t) => ({ value: t.id, text: `${t.name} (${labelFor('messageCategory', t.category)})`, selected: t.id === values.templateId }))] : [],
      fieldInputs: templateFields.map((f) => ({ id: `field_${f}`, name: `field_${f}`, label: { text: fieldLabel(f), classes: 'govuk-label--s' }, value: values.fields[f] ?? '', errorMessage: errorSummary(errors)?.fields[`field_${f}`] ?? false })),
      translationInputs: this.otherLanguages.map((l) => {
        const known = LANGUAGES_KNOWN[l as keyof typeof LANGUAGES_KNOWN];
        const attributes = { lang: l, dir: known?.rtl ? 'rtl' : 'ltr' };
        const name = `${labelFor('language', l)}${known && known.native !== labelFor('language', l) ? ` (${known.native})` : ''}`;
        const fieldErrors = errorSummary(errors)?.fields ?? {};
        return {
          name,
          open: !!(values.translations[l]?.title || values.translations[l]?.body || fieldErrors[`title_${l}`] || fieldErrors[`body_${l}`]),
          title: { id: `title_${l}`, name: `title_${l}`, label: { text: `Title in ${labelFor('language', l)}`, classes: 'govuk-label--s' }, value: values.translations[l]?.title ?? '', attributes, errorMessage: fieldErrors[`title_${l}`] ?? false },
          body: { id: `body_${l}`, name: `body_${l}`, rows: 6, label: { text: `Message in ${labelFor('language', l)}`, classes: 'govuk-label--s' }, value: values.translations[l]?.body ?? '', attributes, errorMessage: fieldErrors[`body_${l}`] ?? false },
        };
      }),
      errors: errorSummary(errors),
      categoryOptions: optionsOf('messageCategory', values.category),
      priorityOptions: optionsOf('priority', values.priority).map((o) => ({ ...o, hint: { text: optionsOf('priorityHint').find((h) => h.value === o.value)?.text ?? '' } })),
      channelOptions: optionsOf('channel', values.channels),
      topicOptions: optionsOf('topic', values.topics),
      interestOptions: optionsOf('interestGroup', values.interestGroups),
      npuOptions: staff.npuCode ? [] : npus.map((n) => ({ value: n.code, text: n.name, checked: values.npuCodes.includes(n.code) })),
      wardGroups,
      nearMetres: { min: NEAR_METRES.min.toLocaleString('en-GB'), max: NEAR_METRES.max.toLocaleString('en-GB') },
      backLink: { href: id ? `/console/messages/${id}` : '/console/messages', text: id ? 'Back to the message' : 'All messages' },
    });
  }
}
