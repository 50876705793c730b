import { Body, Controller, Get, Param, Post, Req, Res, UploadedFile, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainException, forbidden, StaffPage, UuidParam } from '@beacon/core';
import { IMPORT_ROLES, ImportsService, type ImportKind, type ImportReport } from '@beacon/imports';
import { CsrfGuard, CsrfService, errorSummary, labelFor, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

const UPLOADS = join(tmpdir(), 'beacon-console-uploads');
/** The API's limit (libs/imports MAX_IMPORT_BYTES): the file goes to disk, so memory stays flat. */
const UPLOAD_LIMIT = 1024 * 1024 * 1024;
/** Rejected lines shown on the page; the downloadable report has them all. */
const ERRORS_SHOWN = 20;
/** How often the progress page reloads itself while the commit runs (meta refresh: no script). */
const REFRESH_SECONDS = 2;

interface UploadedCsv {
  path: string;
  size: number;
}

const fmt = (n: number | undefined) => Number(n ?? 0).toLocaleString('en-GB');

/** The final counts of a commit, in words (libs/imports result keys). */
const RESULT_LABELS: Record<ImportKind, [string, string][]> = {
  residents: [
    ['created', 'New residents'],
    ['updated', 'Residents already in Beacon updated'],
    ['verificationsSent', 'Verification messages sent'],
    ['welcomesSent', 'Welcome messages sent'],
  ],
  schemes: [
    ['schemesCreated', 'New schemes'],
    ['membersAdded', 'Members added'],
    ['coordinatorsSet', 'Coordinators set'],
  ],
};

/**
 * Admin → Import: a force's residents or schemes from the system it leaves (libs/imports).
 * Upload (multipart, the file on disk and always deleted) → the dry-run report → commit →
 * a progress page that reloads itself until the commit is done or failed. Admins only, as
 * the API (`IMPORT_ROLES`); an NPU admin's rows outside their NPU are rejected by the service.
 * The upload's CSRF token is checked once multer has read the form (a guard runs before the
 * body is parsed); the commit is an ordinary form under the CSRF guard.
 */
@ApiExcludeController()
@StaffPage({ roles: IMPORT_ROLES })
@UseFilters(ConsoleExceptionFilter)
@Controller('console/imports')
export class ConsoleImportsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly csrf: CsrfService,
    private readonly imports: ImportsService,
  ) {}

  @Get()
  page(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.form(req, res, '', []);
  }

  @Post()
  @UseInterceptors(FileInterceptor('file', { dest: UPLOADS, limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 4 } }))
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response, @UploadedFile() file: UploadedCsv | undefined) {
    try {
      if (!this.csrf.valid(req)) throw forbidden('This form has expired or did not come from Beacon. Go back, reload the page and try again.');
      const mapping = this.mappings().find((m) => m.value === field(req.body, 'mapping'));
      const errors: FormError[] = [];
      if (!mapping) errors.push({ field: 'mapping', message: 'Choose what the file is' });
      if (!file?.size) errors.push({ field: 'file', message: 'Choose a CSV file to upload' });
      if (errors.length || !mapping || !file) return this.form(req, res, mapping?.value ?? '', errors);
      let report: ImportReport;
      try {
        const body = createReadStream(file.path);
        report =
          mapping.kind === 'residents'
            ? await this.imports.dryRunResidents(me(req), mapping.value, body)
            : await this.imports.dryRunSchemes(me(req), mapping.value, body);
      } catch (e) {
        // A file that cannot be read as a whole (a broken line, a missing column, no rows): nothing is kept.
        if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
        return this.form(req, res, mapping.value, [{ field: 'file', message: e.message }]);
      }
      return res.redirect(303, `/console/imports/${report.id}`);
    } finally {
      if (file) await rm(file.path, { force: true });
    }
  }

  @Get(':id')
  async show(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    const r = await this.imports.report(me(req), id);
    const kind = r.kind;
    return this.pages.render(req, res, 'import.njk', 'imports', {
      backLink: { href: '/console/imports', text: 'Import another file' },
      report: r,
      kindText: kind === 'residents' ? 'Residents' : 'Schemes and members',
      sourceText: labelFor('importMapping', r.mapping),
      statusText: labelFor('importStatus', r.status),
      refreshSeconds: r.status === 'committing' ? REFRESH_SECONDS : null,
      counts: [
        ['Lines read', r.rows],
        [kind === 'residents' ? 'Accepted (new and matched residents)' : 'Accepted', r.accepted],
        ...(kind === 'residents' ? [['Matched to residents already in Beacon', r.matched] as [string, number], ['New residents', r.new] as [string, number]] : []),
        ['Rejected', r.rejected],
        ['Duplicates within the file', r.duplicates],
        ...(r.schemes ? [['New schemes', r.schemes.new] as [string, number], ['Schemes already in Beacon', r.schemes.existing] as [string, number]] : []),
      ].map(([k, v]) => ({ key: { text: k }, value: { text: fmt(v as number) } })),
      result: r.result ? RESULT_LABELS[kind].map(([k, text]) => ({ key: { text }, value: { text: fmt(r.result?.[k]) } })) : null,
      errors: null,
      rowErrors: r.errors.slice(0, ERRORS_SHOWN).map((e) => [{ text: String(e.line), format: 'numeric' }, { text: e.reason }]),
      moreErrors: Math.max(0, r.rejected + r.duplicates - ERRORS_SHOWN),
      canCommit: r.status === 'dry_run' && r.accepted > 0,
      commitText: `Import ${fmt(r.accepted)} ${r.accepted === 1 ? 'line' : 'lines'}`,
    });
  }

  @Post(':id/commit')
  @UseGuards(CsrfGuard)
  async commit(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    try {
      await this.imports.requestCommit(me(req), id, { welcome: field(body, 'welcome') === 'yes' });
    } catch (e) {
      // Committed already (a second click, or a colleague): the import's page says how it stands.
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
    }
    res.redirect(303, `/console/imports/${id}`);
  }

  @Get(':id/rejected.csv')
  async rejected(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    const csv = await this.imports.rejectedCsv(me(req), id);
    res.type('text/csv').setHeader('Content-Disposition', 'attachment; filename="import-rejected-lines.csv"');
    res.setHeader('Cache-Control', 'no-store');
    csv.pipe(res);
  }

  private mappings(): { value: string; kind: ImportKind; text: string }[] {
    return (['residents', 'schemes'] as const).flatMap((kind) => this.imports.mappingNames(kind).map((value) => ({ value, kind, text: labelFor('importMapping', value) })));
  }

  private form(req: Request, res: Response, mapping: string, errors: FormError[]): string {
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'imports.njk', 'imports', {
      errors: errorSummary(errors),
      mappingOptions: this.mappings().map((m) => ({ value: m.value, text: m.text, checked: m.value === mapping })),
    });
  }
}
