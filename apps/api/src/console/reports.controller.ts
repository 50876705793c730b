import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { notFound, StaffPage, toCsv, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { addMonths, currentMonth, ReportsService } from '@beacon/reports';
import { SchemesService } from '@beacon/schemes';
import { CsrfGuard, errorSummary, monthName, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, me, REPORT_READERS } from './console-pages';
import { csvRows, displayValue, simSections, type ReportSection } from './report-sections';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const FORCE = 'FORCE';
const MONTHS_OFFERED = 36;

/** "Figures as of 12 seconds ago": the read replica's staleness in words (null: no heartbeat has reached it yet). */
export function figuresAge(seconds: number | null): string {
  if (seconds === null) return 'Figures are read from the reporting copy of the database; how far behind it is is not known yet.';
  const [n, unit] = seconds < 90 ? [seconds, 'second'] : seconds < 90 * 60 ? [Math.round(seconds / 60), 'minute'] : [Math.round(seconds / 3600), 'hour'];
  return `Figures as of ${n} ${unit}${n === 1 ? '' : 's'} ago (read from the reporting copy of the database).`;
}

interface Choice {
  area: string;
  month: string;
}

/** The monthly SIM pack for one NPU or the whole force: each section a table, its CSV and its SVG chart. */
@ApiExcludeController()
@StaffPage({ roles: REPORT_READERS })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/reports')
export class ConsoleReportsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly reports: ReportsService,
    private readonly geography: GeographyService,
    private readonly schemes: SchemesService,
  ) {}

  @Get()
  async sim(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('area') area?: string, @Query('month') month?: string) {
    const staff = me(req);
    const npus = await this.geography.listNpus();
    const { choice, errors } = this.choose(staff, npus, area, month);
    const areaOptions = staff.npuCode
      ? npus.filter((n) => n.code === staff.npuCode).map((n) => ({ value: n.code, text: n.name, selected: true }))
      : [{ value: FORCE, text: 'Whole force', selected: choice.area === FORCE }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === choice.area }))];
    const latest = currentMonth();
    const monthOptions = Array.from({ length: MONTHS_OFFERED }, (_, i) => addMonths(latest, -i)).map((m) => ({ value: m, text: monthName(m), selected: m === choice.month }));
    if (errors.length) {
      res.status(400);
      return this.pages.render(req, res, 'reports.njk', 'reports', { errors: errorSummary(errors), areaOptions, monthOptions, areaName: null, sections: [], refreshedAt: null, staleness: null, query: '' });
    }
    // Read before the figures (they are at least this fresh); null: read from the primary, live.
    const staleness = await this.reports.staleness();
    const [sections, refreshedAt] = await Promise.all([this.sections(staff, choice), this.reports.lastRefreshedAt()]);
    const query = new URLSearchParams({ area: choice.area, month: choice.month }).toString();
    return this.pages.render(req, res, 'reports.njk', 'reports', {
      areaOptions,
      monthOptions,
      areaName: choice.area === FORCE ? 'Whole force' : (npus.find((n) => n.code === choice.area)?.name ?? ''),
      monthText: monthName(choice.month),
      refreshedAt,
      staleness: staleness ? { text: figuresAge(staleness.seconds) } : null,
      query,
      sections: sections.map((s) => ({
        id: s.id,
        title: s.title,
        note: s.note ?? null,
        head: s.columns.map((c) => ({ text: c.text, format: c.kind && c.kind !== 'text' ? 'numeric' : undefined })),
        rows: [...s.rows, ...(s.totals ? [s.totals] : [])].map((r) => s.columns.map((c) => ({ text: displayValue(r[c.key], c.kind), format: c.kind && c.kind !== 'text' ? 'numeric' : undefined }))),
        empty: s.rows.length === 0,
        csvHref: `/console/reports/${s.id}/csv?${query}`,
        chartHref: s.chart && s.rows.length ? `/console/reports/${s.id}/chart?${query}` : null,
      })),
    });
  }

  /** One section as CSV: the table's headings and labels, pounds rather than pence. */
  @Get(':section/csv')
  async csv(@Req() req: Request, @Res() res: Response, @Param('section') id: string, @Query('area') area?: string, @Query('month') month?: string) {
    const { section, choice } = await this.section(req, id, area, month);
    const { columns, rows } = csvRows(section);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="sim-${section.id}-${choice.area.toLowerCase()}-${choice.month}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(toCsv(rows, columns));
  }

  /** One section's chart, the server's SVG (shown on the page and downloadable). */
  @Get(':section/chart')
  async chart(@Req() req: Request, @Res() res: Response, @Param('section') id: string, @Query('area') area?: string, @Query('month') month?: string, @Query('download') download?: string) {
    const { section, choice } = await this.section(req, id, area, month);
    if (!section.chart) throw notFound('Chart');
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (download) res.setHeader('Content-Disposition', `attachment; filename="sim-${section.id}-${choice.area.toLowerCase()}-${choice.month}.svg"`);
    res.send(section.chart());
  }

  private async section(req: Request, id: string, area?: string, month?: string): Promise<{ section: ReportSection; choice: Choice }> {
    const staff = me(req);
    const { choice, errors } = this.choose(staff, await this.geography.listNpus(), area, month);
    if (errors.length) throw notFound('Report');
    const section = (await this.sections(staff, choice)).find((s) => s.id === id);
    if (!section) throw notFound('Report');
    return { section, choice };
  }

  /** The area and month asked for; NPU-bound staff get their NPU (another one is a 403 from the service, as the API). */
  private choose(staff: StaffPrincipal, npus: { code: string }[], area?: string, month?: string): { choice: Choice; errors: FormError[] } {
    const errors: FormError[] = [];
    let chosenArea = area || (staff.npuCode ?? FORCE);
    if (chosenArea !== FORCE && !npus.some((n) => n.code === chosenArea)) {
      errors.push({ field: 'area', message: 'Choose an area from the list' });
      chosenArea = staff.npuCode ?? FORCE;
    }
    let chosenMonth = month || addMonths(currentMonth(), -1);
    if (!MONTH.test(chosenMonth) || chosenMonth > currentMonth()) {
      errors.push({ field: 'month', message: 'Choose a month from the list' });
      chosenMonth = addMonths(currentMonth(), -1);
    }
    return { choice: { area: chosenArea, month: chosenMonth }, errors };
  }

  private async sections(staff: StaffPrincipal, choice: Choice): Promise<ReportSection[]> {
    const [pack, npus, wards, types] = await Promise.all([
      this.reports.sim(staff, { npu: choice.area === FORCE ? undefined : choice.area, month: choice.month }),
      this.geography.listNpus(),
      this.geography.listWards(),
      this.schemes.listTypes(),
    ]);
    const npuNames = new Map(npus.map((n) => [n.code, n.name]));
    const wardNames = new Map(wards.map((w) => [w.code, w.name]));
    const typeNames = new Map(types.map((t) => [t.code, t.name]));
    return simSections(pack, {
      npu: (c) => (c === FORCE ? 'Whole force' : (npuNames.get(c) ?? 'Unknown NPU')),
      ward: (c) => wardNames.get(c) ?? 'Unknown ward',
      schemeType: (c) => typeNames.get(c) ?? 'Other',
      strict: process.env.NODE_ENV === 'test',
    });
  }
}
