import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, StaffPage } from '@beacon/core';
import { PopulationShareService } from '@beacon/reports';
import { CsrfGuard, errorSummary } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, STAFF_ADMINS } from './console-pages';

/**
 * The census shares upload for admins (the console face of `POST /api/v1/population-shares`):
 * the CSV pasted into a box; PopulationShareService checks every line and loads all or nothing.
 */
@ApiExcludeController()
@StaffPage({ roles: STAFF_ADMINS })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/population-shares')
export class ConsolePopulationSharesController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly shares: PopulationShareService,
  ) {}

  @Get()
  form(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('done') done?: string) {
    return this.page(req, res, { csv: '', notice: done === 'loaded' ? 'The census shares are loaded. The representation report and survey weighting use them from now on.' : null, errors: [] });
  }

  @Post()
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const csv = field(body, 'csv');
    if (!csv) return this.page(req, res, { csv, errors: [{ field: 'csv', message: 'Paste the CSV of census shares' }] });
    try {
      await this.shares.importCsv(csv);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      const problems = (e.details ?? [e.message]).slice(0, 20);
      return this.page(req, res, { csv, errors: problems.map((message) => ({ field: 'csv', message: `Nothing was loaded: ${message}` })) });
    }
    return res.redirect(303, '/console/population-shares?done=loaded');
  }

  private page(req: Request, res: Response, o: { csv: string; notice?: string | null; errors: { field: string; message: string }[] }) {
    if (o.errors.length) res.status(400);
    return this.pages.render(req, res, 'population-shares.njk', 'surveys', {
      csv: o.csv,
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
      backLink: { href: '/console/surveys', text: 'Surveys' },
    });
  }
}
