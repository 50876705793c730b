import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MIN_PASSWORD_LENGTH, StaffAdminService } from '@beacon/auth';
import { DomainException, STAFF_ROLES, StaffPage, UuidParam, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { CsrfGuard, errorSummary, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me, STAFF_ADMINS } from './console-pages';

const NOTICES: Record<string, string> = {
  created: 'The account is set up. Give the person their password in a safe way; they can change it after signing in.',
  role: 'The role and NPU are changed: they apply from the person’s next page.',
  deactivated: 'The account is deactivated and every session of it has ended.',
  reactivated: 'The account can sign in again.',
  'password-reset': 'The password no longer works, every session has ended, and a reset e-mail is on its way to the person.',
  'mfa-reset': 'The authenticator app is removed and every session has ended: the person sets it up again at their next sign-in.',
  'session-revoked': 'That session has ended: the browser is signed out from its next page.',
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface AccountForm {
  email: string;
  name: string;
  role: string;
  npuCode: string;
}

/** Staff accounts (admins, NPU-scoped): list, create, role and NPU, deactivate, resets, sessions. */
@ApiExcludeController()
@StaffPage({ roles: STAFF_ADMINS })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/staff')
export class ConsoleStaffController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly admin: StaffAdminService,
    private readonly geography: GeographyService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const [accounts, npus] = await Promise.all([this.admin.list(me(req)), this.npuNames()]);
    return this.pages.render(req, res, 'staff-list.njk', 'staff', { accounts: accounts.map((a) => ({ ...a, npuName: a.npuCode ? (npus.get(a.npuCode) ?? 'Unknown NPU') : 'Whole force' })) });
  }

  @Get('new')
  async newForm(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.form(req, res, { email: '', name: '', role: '', npuCode: me(req).npuCode ?? '' }, []);
  }

  @Post()
  @HttpCode(303)
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const values: AccountForm = { email: field(body, 'email').toLowerCase(), name: field(body, 'name'), role: field(body, 'role'), npuCode: field(body, 'npuCode') };
    const password = typeof (body as Record<string, unknown>)?.password === 'string' ? ((body as Record<string, unknown>).password as string) : '';
    const errors: FormError[] = [];
    if (!values.email || values.email.length > 254 || !EMAIL.test(values.email)) errors.push({ field: 'email', message: 'Enter their work email address, like name@force.police.uk' });
    if (!/\p{L}/u.test(values.name)) errors.push({ field: 'name', message: 'Enter their name' });
    else if (values.name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
    errors.push(...(await this.roleProblems(values.role, values.npuCode)));
    if (password.length < MIN_PASSWORD_LENGTH) errors.push({ field: 'password', message: `Enter a first password of at least ${MIN_PASSWORD_LENGTH} characters` });
    else if (password.length > 200) errors.push({ field: 'password', message: 'The password must be 200 characters or fewer' });
    if (errors.length) return this.form(req, res, values, errors);
    try {
      const created = await this.admin.create(me(req), { email: values.email, name: values.name, password, role: values.role as StaffRole, npuCode: values.npuCode || null });
      return res.redirect(303, `/console/staff/${created.id}?done=created`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
      return this.form(req, res, values, [{ field: 'email', message: 'There is already an account with this email address' }], 409);
    }
  }

  @Get(':id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    return this.detailPage(req, res, id, NOTICES[done ?? ''] ?? null, []);
  }

  @Post(':id/role')
  @HttpCode(303)
  async changeRole(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const role = field(body, 'role');
    const npuCode = field(body, 'npuCode');
    const problems = await this.roleProblems(role, npuCode);
    if (problems.length) return this.detailPage(req, res, id, null, problems, { role, npuCode });
    return this.act(req, res, id, 'role', () => this.admin.changeRole(me(req), id, role as StaffRole, npuCode || null), 'role');
  }

  @Post(':id/deactivate')
  @HttpCode(303)
  deactivate(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'deactivated', () => this.admin.deactivate(me(req), id));
  }

  @Post(':id/reactivate')
  @HttpCode(303)
  reactivate(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'reactivated', () => this.admin.reactivate(me(req), id));
  }

  @Post(':id/password-reset')
  @HttpCode(303)
  passwordReset(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'password-reset', () => this.admin.forcePasswordReset(me(req), id));
  }

  @Post(':id/mfa-reset')
  @HttpCode(303)
  mfaReset(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.act(req, res, id, 'mfa-reset', () => this.admin.resetMfa(me(req), id));
  }

  @Post(':id/sessions/revoke')
  @HttpCode(303)
  revokeSession(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    return this.act(req, res, id, 'session-revoked', () => this.admin.revokeSession(me(req), id, field(body, 'session')));
  }

  /** Runs an action, then redirects to the account (PRG); a refusal the admin can act on is shown on the page. */
  private async act(req: Request, res: Response, id: string, done: string, action: () => Promise<void>, errorField = 'actions') {
    try {
      await action();
    } catch (e) {
      if (!(e instanceof DomainException) || (e.code !== 'VALIDATION' && e.code !== 'CONFLICT')) throw e;
      return this.detailPage(req, res, id, null, [{ field: errorField, message: e.message }], undefined, e.code === 'CONFLICT' ? 409 : 400);
    }
    return res.redirect(303, `/console/staff/${id}?done=${done}`);
  }

  private async roleProblems(role: string, npuCode: string): Promise<FormError[]> {
    const errors: FormError[] = [];
    if (!(STAFF_ROLES as readonly string[]).includes(role)) errors.push({ field: 'role', message: 'Choose a role' });
    else if (!npuCode && ['officer', 'npu_lead', 'cadet_leader'].includes(role)) errors.push({ field: 'npuCode', message: 'Choose the NPU: this role works for one NPU' });
    if (npuCode && !(await this.npuNames()).has(npuCode)) errors.push({ field: 'npuCode', message: 'Choose an NPU from the list' });
    return errors;
  }

  private async npuNames(): Promise<Map<string, string>> {
    return new Map((await this.geography.listNpus()).map((n) => [n.code, n.name]));
  }

  private async npuOptions(req: Request, selected: string) {
    const staff = me(req);
    const npus = [...(await this.npuNames())].filter(([code]) => staff.npuCode === null || code === staff.npuCode);
    return [...(staff.npuCode === null ? [{ value: '', text: 'Whole force (no NPU)', selected: selected === '' }] : []), ...npus.map(([value, text]) => ({ value, text, selected: value === selected }))];
  }

  private async form(req: Request, res: Response, values: AccountForm, errors: FormError[], status = 400) {
    if (errors.length) res.status(status);
    return this.pages.render(req, res, 'staff-form.njk', 'staff', {
      values,
      minLength: MIN_PASSWORD_LENGTH,
      roleOptions: [{ value: '', text: 'Choose a role', selected: !values.role }, ...optionsOf('role', values.role)],
      npuOptions: await this.npuOptions(req, values.npuCode),
      errors: errorSummary(errors),
      backLink: { href: '/console/staff', text: 'Back to staff accounts' },
    });
  }

  private async detailPage(req: Request, res: Response, id: string, notice: string | null, errors: FormError[], chosen?: { role: string; npuCode: string }, status = 400) {
    const by = me(req);
    const account = await this.admin.get(by, id);
    const [sessions, npus] = await Promise.all([this.admin.sessionsOf(by, id), this.npuNames()]);
    if (errors.length) res.status(status);
    const role = chosen?.role ?? account.role;
    const npuCode = chosen?.npuCode ?? account.npuCode ?? '';
    return this.pages.render(req, res, 'staff-account.njk', 'staff', {
      person: { ...account, npuName: account.npuCode ? (npus.get(account.npuCode) ?? 'Unknown NPU') : 'Whole force' },
      self: account.id === by.id,
      sessions,
      notice,
      roleOptions: optionsOf('role', role),
      npuOptions: await this.npuOptions(req, npuCode),
      errors: errorSummary(errors),
      backLink: { href: '/console/staff', text: 'Back to staff accounts' },
    });
  }
}
