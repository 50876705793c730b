import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { AuditOmits, DomainException, StaffPage, UuidParam } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { RESIDENT_MANAGER_ROLES, ResidentDirectoryService, SignUpDto, StaffResidentsService, UpdateMeDto } from '@beacon/residents';
import { CsrfGuard, errorSummary, optionsOf, VOCABULARY, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, fields, me } from './console-pages';

const NOTICES: Record<string, string> = {
  added: 'The sign-up is recorded. Beacon has sent the resident a message to confirm it: they get messages once they confirm.',
  preferences: 'Their preferences are changed.',
  erased: 'The resident’s personal data is erased. The erasure is recorded in your name.',
};
const STATUSES = ['pending', 'active', 'unsubscribed'] as const;
/** Where a sign-up taken by staff came from ('online' is the public page's). */
const STAFF_SOURCES = ['door_knock', 'event', 'street', 'social_media', 'other'] as const;
const PRIORITIES = Object.keys(VOCABULARY.minPriority);
const fullName = (r: { firstName: string | null; lastName: string | null }) => [r.firstName, r.lastName].filter(Boolean).join(' ') || 'A resident';

/** What a staff member typed on the paper-form page, kept to show it back. */
interface AddForm {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  wardCode: string;
  channels: string[];
  source: string;
  campaignCode: string;
  consent: boolean;
}

/** Class-validator's property → the field on the page and what to tell a person. */
const ADD_MESSAGES: Record<string, { field: string; message: string }> = {
  firstName: { field: 'firstName', message: 'Enter their first name (80 characters or fewer)' },
  lastName: { field: 'lastName', message: 'Their last name must be 80 characters or fewer' },
  email: { field: 'email', message: 'Enter their email address, like name@example.com' },
  phone: { field: 'phone', message: 'Enter a UK mobile number, like 07911 123456' },
  wardCode: { field: 'wardCode', message: 'Choose the ward they live in' },
  channels: { field: 'channels', message: 'Choose how they want their messages' },
  source: { field: 'source', message: 'Choose where they signed up' },
  campaignCode: { field: 'campaignCode', message: 'A campaign code is up to 40 letters, digits, hyphens or underscores' },
  consent: { field: 'consent', message: 'Confirm the resident agreed to get messages from the police' },
};

/**
 * Residents, for the roles the API lets see them (all staff; contact details masked for
 * analysts and cadet leaders, by the residents lib). Managers add a resident from a paper
 * form, change their preferences and carry out their data requests.
 */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/residents')
export class ConsoleResidentsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly directory: ResidentDirectoryService,
    private readonly residents: StaffResidentsService,
    private readonly geography: GeographyService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('q') q?: string, @Query('status') status?: string, @Query('cursor') cursor?: string, @Query('done') done?: string) {
    const staff = me(req);
    const search = typeof q === 'string' ? q.trim().slice(0, 80) : '';
    const chosen = (STATUSES as readonly string[]).includes(status ?? '') ? (status as (typeof STATUSES)[number]) : undefined;
    const errors: FormError[] = [];
    let page: Awaited<ReturnType<ResidentDirectoryService['list']>> = { items: [], nextCursor: null };
    try {
      page = await this.directory.list(staff, { q: search || undefined, status: chosen, cursor: typeof cursor === 'string' ? cursor : undefined, limit: 50 });
    } catch (e) {
      // Masked roles search by name only; a bad cursor is a stale link: both come back as a form error.
      if (!(e instanceof DomainException) || !['FORBIDDEN', 'VALIDATION'].includes(e.code)) throw e;
      errors.push({ field: 'q', message: e.code === 'FORBIDDEN' ? 'Search by name: your role sees contact details masked' : 'Search again: that page of results has expired' });
      res.status(400);
    }
    const wards = new Map((await this.geography.listWards(staff.npuCode ?? undefined)).map((w) => [w.code, w.name]));
    const next = page.nextCursor ? `/console/residents?${new URLSearchParams({ ...(search ? { q: search } : {}), ...(chosen ? { status: chosen } : {}), cursor: page.nextCursor })}` : null;
    return this.pages.render(req, res, 'residents.njk', 'residents', {
      q: search,
      residents: page.items.map((r) => ({ ...r, name: fullName(r), wardName: wards.get(r.wardCode) ?? 'Another ward', contact: [r.email, r.phone].filter(Boolean).join(', ') })),
      statusOptions: [{ value: '', text: 'Any status' }, ...STATUSES.map((s) => ({ value: s, text: VOCABULARY.residentStatus[s], selected: s === chosen }))],
      nextHref: next,
      manager: RESIDENT_MANAGER_ROLES.includes(staff.role),
      notice: NOTICES[done ?? ''] ?? null,
      errors: errorSummary(errors),
    });
  }

  @StaffPage({ roles: RESIDENT_MANAGER_ROLES })
  @Get('new')
  async newForm(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.addPage(req, res, { firstName: '', lastName: '', email: '', phone: '', wardCode: '', channels: [], source: '', campaignCode: '', consent: false }, []);
  }

  /** A door-knock or event sign-up from a paper form: the public sign-up, so the resident still confirms. */
  @StaffPage({ roles: RESIDENT_MANAGER_ROLES })
  @AuditOmits('firstName', 'lastName', 'email', 'phone') // personal data: erasure could not reach it in the audit log
  @Post()
  async add(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const values: AddForm = {
      firstName: field(body, 'firstName'),
      lastName: field(body, 'lastName'),
      email: field(body, 'email'),
      phone: field(body, 'phone'),
      wardCode: field(body, 'wardCode'),
      channels: fields(body, 'channels'),
      source: field(body, 'source'),
      campaignCode: field(body, 'campaignCode'),
      consent: field(body, 'consent') === 'yes',
    };
    const errors: FormError[] = [];
    const wards = await this.geography.listWards(me(req).npuCode ?? undefined);
    if (!wards.some((w) => w.code === values.wardCode)) errors.push(ADD_MESSAGES.wardCode);
    if (!(STAFF_SOURCES as readonly string[]).includes(values.source)) errors.push(ADD_MESSAGES.source);
    if (!values.email && !values.phone) errors.push({ field: 'email', message: 'Enter their email address or mobile number' });
    const dto = plainToInstance(SignUpDto, {
      firstName: values.firstName,
      ...(values.lastName ? { lastName: values.lastName } : {}),
      ...(values.email ? { email: values.email } : {}),
      ...(values.phone ? { phone: values.phone } : {}),
      wardCode: values.wardCode || 'none',
      channels: values.channels,
      source: values.source || undefined,
      ...(values.campaignCode ? { campaignCode: values.campaignCode } : {}),
      consent: values.consent,
    });
    for (const problem of await validate(dto, { whitelist: true, forbidNonWhitelisted: true })) {
      const known = ADD_MESSAGES[problem.property];
      if (known && !errors.some((e) => e.field === known.field)) errors.push(known);
    }
    if (errors.length) return this.addPage(req, res, values, errors);
    await this.residents.addOnBehalf(me(req), dto);
    return res.redirect(303, '/console/residents?done=added');
  }

  @Get(':id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    return this.detailPage(req, res, id, NOTICES[done ?? ''] ?? null, []);
  }

  @StaffPage({ roles: RESIDENT_MANAGER_ROLES })
  @Post(':id/preferences')
  async preferences(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const on = new Set(fields(body, 'channels'));
    // Only channels the resident has (listed on the form) or that are turned on: an untouched channel gets no row.
    const held = new Set(fields(body, 'held'));
    const plain = {
      channels: (['email', 'sms'] as const).filter((c) => on.has(c) || held.has(c)).map((c) => ({ channel: c, enabled: on.has(c), minPriority: field(body, `minPriority-${c}`) })),
      topics: fields(body, 'topics'),
      interestGroups: fields(body, 'interestGroups'),
    };
    const errors: FormError[] = [];
    if (plain.channels.some((c) => !PRIORITIES.includes(c.minPriority))) errors.push({ field: 'minPriority-email', message: 'Choose which messages they want on each channel' });
    if (!on.size) errors.push({ field: 'channels', message: 'Keep at least one way to get messages on: to stop all of them, the resident unsubscribes' });
    const dto = plainToInstance(UpdateMeDto, plain);
    if ((await validate(dto, { whitelist: true, forbidNonWhitelisted: true })).length && !errors.length) errors.push({ field: 'topics', message: 'Choose topics and groups from the lists' });
    if (errors.length) return this.detailPage(req, res, id, null, errors);
    try {
      await this.residents.updatePreferences(me(req), id, dto);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.detailPage(req, res, id, null, [{ field: 'channels', message: 'A channel can only be on when Beacon holds its address: the resident adds it from their own preferences page' }]);
    }
    return res.redirect(303, `/console/residents/${id}?done=preferences`);
  }

  /** A subject access request carried out for the resident: their export, as a download. */
  @StaffPage({ roles: RESIDENT_MANAGER_ROLES })
  @Post(':id/export')
  async exportData(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    const data = await this.residents.exportFor(me(req), id);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="beacon-resident-data.json"');
    res.setHeader('Cache-Control', 'no-store');
    return JSON.stringify(data, null, 2);
  }

  @StaffPage({ roles: RESIDENT_MANAGER_ROLES })
  @Post(':id/erase')
  async erase(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    if (field(body, 'confirm') !== 'yes') return this.detailPage(req, res, id, null, [{ field: 'confirm', message: 'Confirm the resident asked for their data to be erased' }]);
    await this.residents.eraseFor(me(req), id);
    return res.redirect(303, '/console/residents?done=erased');
  }

  private async detailPage(req: Request, res: Response, id: string, notice: string | null, errors: FormError[]) {
    const staff = me(req);
    const r = await this.residents.view(staff, id);
    if (errors.length) res.status(400);
    const channel = (c: 'email' | 'sms') => r.channels.find((x) => x.channel === c);
    return this.pages.render(req, res, 'resident.njk', 'residents', {
      r: { ...r, name: fullName(r) },
      channelRows: r.channels.map((c) => ({ ...c, address: c.channel === 'email' ? r.email : r.phone })),
      channelOptions: (['email', 'sms'] as const).map((c) => ({ value: c, text: VOCABULARY.channel[c], checked: !!channel(c)?.enabled })),
      priorityOptions: { email: optionsOf('minPriority', channel('email')?.minPriority ?? 'standard'), sms: optionsOf('minPriority', channel('sms')?.minPriority ?? 'standard') },
      topicOptions: optionsOf('topic', r.topics),
      interestOptions: optionsOf('interestGroup', r.interestGroups),
      manager: RESIDENT_MANAGER_ROLES.includes(staff.role),
      notice,
      errors: errorSummary(errors),
      backLink: { href: '/console/residents', text: 'Residents' },
    });
  }

  private async addPage(req: Request, res: Response, values: AddForm, errors: FormError[]) {
    const staff = me(req);
    const [wards, npus] = await Promise.all([this.geography.listWards(staff.npuCode ?? undefined), this.geography.listNpus()]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'resident-new.njk', 'residents', {
      values,
      errors: errorSummary(errors),
      wardOptions: [{ value: '', text: 'Choose a ward' }, ...wards.map((w) => ({ value: w.code, text: staff.npuCode ? w.name : `${w.name} (${npuName.get(w.npuCode) ?? ''})`, selected: w.code === values.wardCode }))],
      channelOptions: optionsOf('channel', values.channels),
      sourceOptions: STAFF_SOURCES.map((s) => ({ value: s, text: VOCABULARY.signupSource[s], checked: s === values.source })),
      backLink: { href: '/console/residents', text: 'Residents' },
    });
  }
}
