import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CADET_ROLES, CADET_UNIT_CREATORS, CADET_UNIT_KINDS, CADET_WRITERS, CadetsService, type CadetRole, type CadetUnitKind } from '@beacon/cadets';
import { assertNpuAccess, DomainException, StaffPage, UuidParam } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { CsrfGuard, errorSummary, labelFor, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, fields, me } from './console-pages';
import { dateInputItems, dateParts, londonToday, readDateInput } from './date-input';

const NOTICES: Record<string, string> = {
  created: 'The unit is set up. Add its leaders and members.',
  added: 'The member is added to the unit.',
  left: 'The member has left the unit. Their attendance is kept.',
  session: 'The session and who attended are recorded.',
};

interface MemberForm {
  firstName: string;
  lastName: string;
  role: string;
  'dateOfBirth-day': string;
  'dateOfBirth-month': string;
  'dateOfBirth-year': string;
  guardianName: string;
  guardianPhone: string;
}

/**
 * Cadet and Mini Police units: members, sessions and attendance. What each role sees of a child
 * is decided by CadetsService (as on the API): the page shows dates of birth and guardians only
 * when the service returned them.
 */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/cadets')
export class ConsoleCadetsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly cadets: CadetsService,
    private readonly geography: GeographyService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.listPage(req, res, { errors: [] });
  }

  @StaffPage({ roles: CADET_UNIT_CREATORS })
  @Post()
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const staff = me(req);
    const values = { name: field(body, 'name'), kind: field(body, 'kind'), npuCode: staff.npuCode ?? field(body, 'npuCode') };
    const errors: FormError[] = [];
    if (!/\p{L}|\p{N}/u.test(values.name)) errors.push({ field: 'name', message: 'Enter the name of the unit' });
    else if (values.name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
    if (!(CADET_UNIT_KINDS as readonly string[]).includes(values.kind)) errors.push({ field: 'kind', message: 'Choose the kind of unit' });
    if (!(await this.geography.npuExists(values.npuCode))) errors.push({ field: 'npuCode', message: 'Choose the NPU' });
    if (errors.length) return this.listPage(req, res, { errors, values });
    assertNpuAccess(staff, values.npuCode);
    try {
      const unit = await this.cadets.createUnit({ npuCode: values.npuCode, name: values.name, kind: values.kind as CadetUnitKind });
      return res.redirect(303, `/console/cadets/${unit.id}?done=created`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
      return this.listPage(req, res, { errors: [{ field: 'name', message: 'The NPU already has a unit with this name' }], values, status: 409 });
    }
  }

  @Get(':id')
  async unit(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string, @Query('left') left?: string) {
    return this.unitPage(req, res, id, { errors: [], notice: NOTICES[done ?? ''] ?? null, includeLeft: left === 'true' });
  }

  /** Children need a guardian and a date of birth that fits; CadetsService checks every rule, the form says it in words. */
  @StaffPage({ roles: CADET_WRITERS })
  @Post(':id/members')
  async addMember(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const dob = readDateInput(body, 'dateOfBirth');
    const values: MemberForm = {
      firstName: field(body, 'firstName'),
      lastName: field(body, 'lastName'),
      role: field(body, 'role'),
      'dateOfBirth-day': dob.day,
      'dateOfBirth-month': dob.month,
      'dateOfBirth-year': dob.year,
      guardianName: field(body, 'guardianName'),
      guardianPhone: field(body, 'guardianPhone'),
    };
    const isChild = values.role !== 'leader';
    const errors: FormError[] = [];
    if (!/\p{L}/u.test(values.firstName) || values.firstName.length > 80) errors.push({ field: 'firstName', message: 'Enter their first name (80 characters or fewer)' });
    if (!/\p{L}/u.test(values.lastName) || values.lastName.length > 80) errors.push({ field: 'lastName', message: 'Enter their last name (80 characters or fewer)' });
    if (!(CADET_ROLES as readonly string[]).includes(values.role)) errors.push({ field: 'role', message: 'Choose their role in the unit' });
    if (!dob.date) errors.push({ field: 'dateOfBirth-day', message: 'Enter their date of birth, like 14 9 2011' });
    if (isChild && !/\p{L}/u.test(values.guardianName)) errors.push({ field: 'guardianName', message: 'Enter the name of their parent or guardian' });
    if (isChild && !values.guardianPhone) errors.push({ field: 'guardianPhone', message: 'Enter a phone number for their parent or guardian' });
    if (errors.length) return this.unitPage(req, res, id, { errors, member: values });
    try {
      await this.cadets.addMember(me(req), id, {
        firstName: values.firstName,
        lastName: values.lastName,
        role: values.role as CadetRole,
        dateOfBirth: dob.date!,
        ...(isChild ? { guardianName: values.guardianName, guardianPhone: values.guardianPhone } : {}),
      });
    } catch (e) {
      if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT'].includes(e.code)) throw e;
      return this.unitPage(req, res, id, { errors: e.code === 'CONFLICT' ? [{ field: 'firstName', message: 'This person is already a member of the unit' }] : memberProblems(e.details ?? [e.message]), member: values, status: e.code === 'CONFLICT' ? 409 : 400 });
    }
    return res.redirect(303, `/console/cadets/${id}?done=added`);
  }

  @StaffPage({ roles: CADET_WRITERS })
  @Post(':id/members/:memberId/leave')
  async leave(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Param('memberId', UuidParam) memberId: string) {
    try {
      await this.cadets.removeMember(me(req), id, memberId);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
      return this.unitPage(req, res, id, { errors: [{ field: 'members', message: 'The member has already left' }], status: 409 });
    }
    return res.redirect(303, `/console/cadets/${id}?done=left`);
  }

  @StaffPage({ roles: CADET_WRITERS })
  @Post(':id/sessions')
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const heldOn = readDateInput(body, 'heldOn');
    const attendeeIds = fields(body, 'attendeeIds');
    const session = { 'heldOn-day': heldOn.day, 'heldOn-month': heldOn.month, 'heldOn-year': heldOn.year, attendeeIds };
    const errors: FormError[] = [];
    if (!heldOn.date) errors.push({ field: 'heldOn-day', message: 'Enter the date of the session, like 12 9 2024' });
    else if (heldOn.date > londonToday()) errors.push({ field: 'heldOn-day', message: 'The session must be today or in the past: record it once it has been held' });
    if (!attendeeIds.length || attendeeIds.length > 200 || attendeeIds.some((m) => !/^[0-9a-f-]{36}$/i.test(m))) errors.push({ field: 'attendeeIds', message: 'Choose who attended' });
    if (errors.length) return this.unitPage(req, res, id, { errors, session });
    try {
      await this.cadets.recordSession(me(req), id, { heldOn: heldOn.date!, attendeeIds: [...new Set(attendeeIds)] });
    } catch (e) {
      if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT'].includes(e.code)) throw e;
      const conflict = e.code === 'CONFLICT';
      return this.unitPage(req, res, id, {
        errors: [conflict ? { field: 'heldOn-day', message: 'A session on this day is already recorded for the unit' } : { field: 'attendeeIds', message: 'Only active members of the unit can attend' }],
        session,
        status: conflict ? 409 : 400,
      });
    }
    return res.redirect(303, `/console/cadets/${id}?done=session`);
  }

  private async listPage(req: Request, res: Response, o: { errors: FormError[]; values?: { name: string; kind: string; npuCode: string }; status?: number }) {
    const staff = me(req);
    const [units, npus] = await Promise.all([this.cadets.listUnits(staff, { limit: 100 }), this.geography.listNpus()]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    if (o.errors.length) res.status(o.status ?? 400);
    return this.pages.render(req, res, 'cadets.njk', 'cadets', {
      units: units.items.map((u) => ({ ...u, npuName: npuName.get(u.npuCode) ?? 'Another NPU' })),
      moreUnits: !!units.nextCursor,
      canCreate: CADET_UNIT_CREATORS.includes(staff.role),
      values: o.values ?? { name: '', kind: '', npuCode: '' },
      kindOptions: optionsOf('cadetUnitKind', o.values?.kind),
      npuOptions: staff.npuCode ? null : [{ value: '', text: 'Choose an NPU' }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === o.values?.npuCode }))],
      errors: errorSummary(o.errors),
    });
  }

  private async unitPage(req: Request, res: Response, id: string, o: { errors: FormError[]; notice?: string | null; includeLeft?: boolean; member?: MemberForm; session?: Record<string, unknown>; status?: number }) {
    const staff = me(req);
    const unit = await this.cadets.getUnit(staff, id);
    const [members, sessions, npus] = await Promise.all([
      this.cadets.listMembers(staff, id, { limit: 200, includeLeft: o.includeLeft ? 'true' : 'false' }),
      this.cadets.listSessions(staff, id, { limit: 50 }),
      this.geography.listNpus(),
    ]);
    // The service leaves the sensitive fields out for roles that may not see them.
    const detailed = members.items.some((m) => 'dateOfBirth' in m);
    const writer = CADET_WRITERS.includes(staff.role);
    const active = members.items.filter((m) => !m.leftAt);
    const s = (o.session ?? {}) as Record<string, string | string[]>;
    const heldOn = s['heldOn-day'] !== undefined ? { day: s['heldOn-day'] as string, month: s['heldOn-month'] as string, year: s['heldOn-year'] as string } : dateParts(londonToday());
    const chosen = new Set((s.attendeeIds as string[] | undefined) ?? []);
    const m = o.member;
    const childRole = unit.kind === 'cadets' ? 'cadet' : 'junior_pcso';
    if (o.errors.length) res.status(o.status ?? 400);
    return this.pages.render(req, res, 'cadet-unit.njk', 'cadets', {
      unit: { ...unit, npuName: npus.find((n) => n.code === unit.npuCode)?.name ?? 'Another NPU' },
      detailed,
      writer,
      includeLeft: !!o.includeLeft,
      members: members.items.map((x) => ({
        ...x,
        name: `${x.firstName} ${x.lastName}`,
        roleText: labelFor('cadetRole', x.role),
        dateOfBirth: 'dateOfBirth' in x ? x.dateOfBirth : null,
        guardian: 'guardianName' in x ? [x.guardianName, x.guardianPhone].filter(Boolean).join(', ') : null,
      })),
      sessions: sessions.items,
      attendeeOptions: active.map((x) => ({ value: x.id, text: `${x.firstName} ${x.lastName}`, hint: { text: labelFor('cadetRole', x.role) }, checked: chosen.has(x.id) })),
      heldOnItems: dateInputItems(heldOn, !!o.errors.find((e) => e.field === 'heldOn-day')),
      member: m ?? { firstName: '', lastName: '', role: '', guardianName: '', guardianPhone: '' },
      dobItems: dateInputItems({ day: m?.['dateOfBirth-day'] ?? '', month: m?.['dateOfBirth-month'] ?? '', year: m?.['dateOfBirth-year'] ?? '' }, !!o.errors.find((e) => e.field === 'dateOfBirth-day')),
      roleOptions: [childRole, 'leader'].map((r) => ({ value: r, text: labelFor('cadetRole', r), checked: m?.role === r })),
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
      backLink: { href: '/console/cadets', text: 'All units' },
    });
  }
}

/** CadetsService's problems ("dateOfBirth: a cadet must be 8–18 years old (is 7)") as form errors in words. */
function memberProblems(problems: string[]): FormError[] {
  return problems.map((p) => {
    if (p.startsWith('dateOfBirth is in the future')) return { field: 'dateOfBirth-day', message: 'The date of birth must be in the past' };
    const age = /^dateOfBirth: a (\w+) must be (.*)$/.exec(p);
    if (age) return { field: 'dateOfBirth-day', message: age[1] === 'leader' ? 'A leader must be an adult' : `A ${labelFor('cadetRole', age[1]).toLowerCase()} must be ${age[2]}` };
    if (p.startsWith('guardianPhone')) return { field: 'guardianPhone', message: 'Enter a UK phone number for their parent or guardian, like 0121 496 0123' };
    if (p.startsWith('guardianName')) return { field: 'guardianName', message: 'Enter the name of their parent or guardian' };
    if (p.startsWith('role')) return { field: 'role', message: 'Choose a role this unit takes' };
    return { field: 'firstName', message: 'Check the member’s details' };
  });
}
