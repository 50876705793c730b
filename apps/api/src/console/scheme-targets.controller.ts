import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffPage } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { SchemeReportService, SchemesService, TARGET_SETTER_ROLES } from '@beacon/schemes';
import { CsrfGuard, errorSummary, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) => DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

interface TargetForm {
  npuCode: string;
  type: string;
  target: string;
  dueDate: string;
}

/** Schemes against their targets per NPU and type; admins and NPU leads (their own NPU) set the targets. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/scheme-targets')
export class ConsoleSchemeTargetsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly reports: SchemeReportService,
    private readonly schemes: SchemesService,
    private readonly geography: GeographyService,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('done') done?: string) {
    return this.page(req, res, { npuCode: me(req).npuCode ?? '', type: '', target: '', dueDate: '' }, [], done === 'set' ? 'The target is set.' : null);
  }

  @StaffPage({ roles: TARGET_SETTER_ROLES })
  @Post()
  async set(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const staff = me(req);
    const values: TargetForm = { npuCode: staff.npuCode ?? field(body, 'npuCode'), type: field(body, 'type'), target: field(body, 'target'), dueDate: field(body, 'dueDate') };
    const errors: FormError[] = [];
    const [npus, types] = await Promise.all([this.geography.listNpus(), this.schemes.listTypes()]);
    if (!npus.some((n) => n.code === values.npuCode)) errors.push({ field: 'npuCode', message: 'Choose the NPU' });
    if (!types.some((t) => t.code === values.type)) errors.push({ field: 'type', message: 'Choose the type of scheme' });
    const target = /^\d{1,6}$/.test(values.target) ? Number(values.target) : NaN;
    if (!(target >= 0 && target <= 100000)) errors.push({ field: 'target', message: 'Enter the target as a whole number from 0 to 100,000' });
    if (!realDate(values.dueDate)) errors.push({ field: 'dueDate', message: 'Enter the date the target is due' });
    if (errors.length) return this.page(req, res, values, errors, null);
    // SchemeReportService checks the NPU is the caller's (403 otherwise), as on the API.
    await this.reports.setTarget(staff, { npuCode: values.npuCode, type: values.type, target, dueDate: values.dueDate });
    return res.redirect(303, '/console/scheme-targets?done=set');
  }

  private async page(req: Request, res: Response, values: TargetForm, errors: FormError[], notice: string | null) {
    const staff = me(req);
    const [report, npus, types] = await Promise.all([this.reports.schemesReport(staff.npuCode ?? undefined), this.geography.listNpus(), this.schemes.listTypes()]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    const typeName = new Map(types.map((t) => [t.code, t.name]));
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'scheme-targets.njk', 'schemes', {
      rows: report.rows.map((r) => ({ ...r, npuName: npuName.get(r.npuCode) ?? 'Another NPU', typeName: typeName.get(r.type) ?? 'Other' })),
      totals: report.totals,
      setter: TARGET_SETTER_ROLES.includes(staff.role),
      forceWide: !staff.npuCode,
      values,
      npuOptions: [{ value: '', text: 'Choose an NPU' }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === values.npuCode }))],
      typeOptions: [{ value: '', text: 'Choose a type' }, ...types.map((t) => ({ value: t.code, text: t.name, selected: t.code === values.type }))],
      notice,
      errors: errorSummary(errors),
      backLink: { href: '/console/schemes', text: 'Schemes' },
    });
  }
}
