import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, StaffPage, UuidParam, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { ResidentDirectoryService } from '@beacon/residents';
import { SCHEME_MANAGER_ROLES, SchemesService, STAFF_CONSENT_METHODS, type StaffConsentMethod } from '@beacon/schemes';
import { CsrfGuard, errorSummary, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

const NOTICES: Record<string, string> = {
  created: 'The scheme is set up. Add its members, then choose a coordinator.',
  updated: 'The scheme is updated.',
  added: 'The resident is now a member of the scheme.',
  removed: 'The resident is no longer a member of the scheme.',
  coordinator: 'The coordinator is changed.',
};
const STATUSES = ['active', 'closed'];
const fullName = (p: { firstName: string | null; lastName?: string | null } | null) => (p ? [p.firstName, p.lastName].filter(Boolean).join(' ') || 'A resident' : null);

interface SchemeForm {
  name: string;
  type: string;
  wardCode: string;
}

/** Watch schemes: the list (with its coordinator), create and change, members added with their consent, the coordinator. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/schemes')
export class ConsoleSchemesController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly schemes: SchemesService,
    private readonly geography: GeographyService,
    private readonly residents: ResidentDirectoryService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('status') status?: string, @Query('cursor') cursor?: string) {
    const staff = me(req);
    const chosen = STATUSES.includes(status ?? '') ? status : undefined;
    const [page, types] = await Promise.all([this.schemes.list(staff, { status: chosen as 'active' | undefined, cursor, limit: 50 }), this.typeNames()]);
    return this.pages.render(req, res, 'schemes.njk', 'schemes', {
      schemes: page.items.map((s) => ({ ...s, typeName: types.get(s.type) ?? 'Other', coordinatorName: fullName(s.coordinator) })),
      nextHref: page.nextCursor ? `/console/schemes?${new URLSearchParams({ ...(chosen ? { status: chosen } : {}), cursor: page.nextCursor })}` : null,
      statusOptions: [{ value: '', text: 'All schemes' }, ...optionsOf('schemeStatus', chosen)],
      canManage: SCHEME_MANAGER_ROLES.includes(staff.role),
    });
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Get('new')
  async newForm(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.form(req, res, { name: '', type: '', wardCode: '' }, []);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post()
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const values: SchemeForm = { name: field(body, 'name'), type: field(body, 'type'), wardCode: field(body, 'wardCode') };
    const errors: FormError[] = [];
    if (!/\p{L}|\p{N}/u.test(values.name)) errors.push({ field: 'name', message: 'Enter the name of the scheme' });
    else if (values.name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
    const types = await this.typeNames();
    if (!types.has(values.type)) errors.push({ field: 'type', message: 'Choose the type of scheme' });
    const wards = await this.geography.listWards(me(req).npuCode ?? undefined);
    if (!wards.some((w) => w.code === values.wardCode)) errors.push({ field: 'wardCode', message: 'Choose a ward in your area' });
    if (errors.length) return this.form(req, res, values, errors);
    const scheme = await this.schemes.create(me(req), { name: values.name, type: values.type, wardCode: values.wardCode });
    return res.redirect(303, `/console/schemes/${scheme.id}?done=created`);
  }

  @Get(':id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('q') q?: string, @Query('done') done?: string) {
    return this.detailPage(req, res, id, { q: (q ?? '').trim().slice(0, 80), notice: NOTICES[done ?? ''] ?? null, errors: [] });
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post(':id')
  async update(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const name = field(body, 'name');
    const status = field(body, 'status');
    const errors: FormError[] = [];
    if (!/\p{L}|\p{N}/u.test(name)) errors.push({ field: 'name', message: 'Enter the name of the scheme' });
    else if (name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
    if (!STATUSES.includes(status)) errors.push({ field: 'status', message: 'Choose whether the scheme is active or closed' });
    if (errors.length) return this.detailPage(req, res, id, { q: '', notice: null, errors, values: { name, status } });
    await this.schemes.update(me(req), id, { name, status: status as 'active' | 'closed' });
    return res.redirect(303, `/console/schemes/${id}?done=updated`);
  }

  /** Staff add a resident who agreed to join; how they agreed is required, as on the API. */
  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post(':id/members')
  async addMember(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const residentId = field(body, 'residentId');
    const consent = field(body, 'consent');
    const q = field(body, 'q');
    if (!/^[0-9a-f-]{36}$/i.test(residentId)) return this.detailPage(req, res, id, { q, notice: null, errors: [{ field: 'q', message: 'Find the resident to add' }] });
    if (!(STAFF_CONSENT_METHODS as readonly string[]).includes(consent)) {
      return this.detailPage(req, res, id, { q, notice: null, errors: [{ field: `consent-${residentId}`, message: 'Say how the resident agreed to join the scheme' }] });
    }
    try {
      await this.schemes.enrol(me(req), id, residentId, consent as StaffConsentMethod);
    } catch (e) {
      if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT', 'INVALID_TRANSITION'].includes(e.code)) throw e;
      const message = e.code === 'CONFLICT' ? 'This resident is already a member' : e.code === 'INVALID_TRANSITION' ? 'The scheme is closed: reopen it to add members' : 'Only an active resident of this NPU can join';
      return this.detailPage(req, res, id, { q, notice: null, errors: [{ field: `consent-${residentId}`, message }] });
    }
    return res.redirect(303, `/console/schemes/${id}?done=added`);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post(':id/members/:residentId/remove')
  async removeMember(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Param('residentId', UuidParam) residentId: string) {
    try {
      await this.schemes.removeMember(me(req), id, residentId);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
      return this.detailPage(req, res, id, { q: '', notice: null, errors: [{ field: 'members', message: 'This resident coordinates the scheme: choose another coordinator first' }] });
    }
    return res.redirect(303, `/console/schemes/${id}?done=removed`);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post(':id/coordinator')
  async coordinator(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const residentId = field(body, 'residentId');
    try {
      await this.schemes.update(me(req), id, { coordinatorResidentId: residentId === 'none' ? null : residentId });
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.detailPage(req, res, id, { q: '', notice: null, errors: [{ field: 'members', message: 'The coordinator must be an active member of the scheme' }] });
    }
    return res.redirect(303, `/console/schemes/${id}?done=coordinator`);
  }

  private async detailPage(req: Request, res: Response, id: string, o: { q: string; notice: string | null; errors: FormError[]; values?: { name: string; status: string } }) {
    const staff = me(req);
    const scheme = await this.schemes.get(staff, id);
    const [members, types, wards] = await Promise.all([this.schemes.listMembers(staff, id, { limit: 100 }), this.typeNames(), this.geography.listWards(scheme.npuCode)]);
    const wardName = new Map(wards.map((w) => [w.code, w.name]));
    const manager = SCHEME_MANAGER_ROLES.includes(staff.role);
    const memberIds = new Set(members.items.map((m) => m.residentId));
    const found = manager && o.q ? await this.search(staff, scheme.npuCode, o.q, memberIds) : null;
    if (o.errors.length) res.status(400);
    return this.pages.render(req, res, 'scheme.njk', 'schemes', {
      scheme: { ...scheme, typeName: types.get(scheme.type) ?? 'Other', coordinatorName: fullName(scheme.coordinator) },
      values: o.values ?? { name: scheme.name, status: scheme.status },
      statusOptions: optionsOf('schemeStatus', o.values?.status ?? scheme.status),
      members: members.items.map((m) => ({
        ...m,
        name: fullName(m),
        wardName: 'wardCode' in m ? (wardName.get(m.wardCode) ?? 'Another ward') : '',
        coordinator: scheme.coordinator?.residentId === m.residentId,
      })),
      q: o.q,
      found,
      consentOptions: STAFF_CONSENT_METHODS.map((c) => ({ value: c, text: optionsOf('consentMethod').find((x) => x.value === c)!.text })),
      manager,
      notice: o.notice,
      errors: errorSummary(o.errors),
      backLink: { href: '/console/schemes', text: 'All schemes' },
    });
  }

  /** Active residents of the scheme's NPU by name (or contact, for roles that see it), not yet members. */
  private async search(staff: StaffPrincipal, npuCode: string, q: string, members: Set<string>) {
    try {
      const page = await this.residents.list(staff, { npu: staff.npuCode ? undefined : npuCode, q, status: 'active', limit: 10 });
      return page.items.filter((r) => r.npuCode === npuCode && !members.has(r.id)).map((r) => ({ id: r.id, name: fullName(r), contact: r.email ?? r.phone ?? '' }));
    } catch (e) {
      if (e instanceof DomainException && e.code === 'FORBIDDEN') return [];
      throw e;
    }
  }

  private async typeNames(): Promise<Map<string, string>> {
    return new Map((await this.schemes.listTypes()).map((t) => [t.code, t.name]));
  }

  private async form(req: Request, res: Response, values: SchemeForm, errors: FormError[]) {
    const staff = me(req);
    const [types, wards, npus] = await Promise.all([this.schemes.listTypes(), this.geography.listWards(staff.npuCode ?? undefined), this.geography.listNpus()]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'scheme-form.njk', 'schemes', {
      values,
      errors: errorSummary(errors),
      typeOptions: [{ value: '', text: 'Choose a type' }, ...types.map((t) => ({ value: t.code, text: t.name, selected: t.code === values.type }))],
      wardOptions: [{ value: '', text: 'Choose a ward' }, ...wards.map((w) => ({ value: w.code, text: staff.npuCode ? w.name : `${w.name} (${npuName.get(w.npuCode) ?? ''})`, selected: w.code === values.wardCode }))],
      backLink: { href: '/console/schemes', text: 'All schemes' },
    });
  }
}
