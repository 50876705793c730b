import { Controller, Get, Post, Query, Req, Res, UploadedFile, UseFilters, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainException, forbidden, StaffPage } from '@beacon/core';
import { OnsImportService, PostcodeDirectoryService } from '@beacon/geography';
import { CsrfService, errorSummary, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

type ImportKind = 'ons_lookup' | 'ward_mapping' | 'populations' | 'postcodes';
const KINDS: ImportKind[] = ['ons_lookup', 'ward_mapping', 'populations', 'postcodes'];
/** The API's text/csv limit for the files read whole; the postcode directory is streamed from disk. */
const TEXT_LIMIT = 5 * 1024 * 1024;
const UPLOAD_LIMIT = 2 * 1024 * 1024 * 1024;
const UPLOADS = join(tmpdir(), 'beacon-console-uploads');

/** What multer's disk storage leaves on the request. */
interface UploadedCsv {
  path: string;
  size: number;
}

/** What each file holds, as the ONS publishes it (shown under each choice). */
const HINTS: Record<ImportKind, string> = {
  ons_lookup: 'As the ONS publishes it: WD24CD, WD24NM, LAD24CD, LAD24NM (any year). Ward codes are ONS codes from then on.',
  ward_mapping: "Beacon's mapping of each ward code to its neighbourhood and NPU (and the NPU's name for a new NPU). Each ward must be in the ONS lookup.",
  populations: 'Mid-year estimates: a ward code column (such as WD23CD) and Total. Wards outside the force are skipped.',
  postcodes: "The ONS Postcode Directory or National Statistics Postcode Lookup as published (pcds, osward, lat, long, doterm). Only the force's wards are kept.",
};

const fmt = (n: string | undefined) => Number(n ?? 0).toLocaleString('en-GB');
/** The notice after an import (post/redirect/get: the counts ride in the redirect's query). */
const NOTICES: Record<ImportKind, (q: Record<string, string | undefined>) => string> = {
  ons_lookup: (q) => `The ONS ward lookup is imported: ${fmt(q.rows)} wards read, ${fmt(q.created)} new, ${fmt(q.updated)} updated.`,
  ward_mapping: (q) => `The ward mapping is imported: ${fmt(q.created)} wards added, ${fmt(q.updated)} updated, ${fmt(q.moved)} moved to another NPU. Residents are being moved to their postcodes' wards.`,
  populations: (q) => `Ward populations are imported: ${fmt(q.updated)} wards updated, ${fmt(q.skipped)} outside the force skipped.`,
  postcodes: (q) =>
    `The postcode directory is imported: ${fmt(q.rows)} lines read, ${fmt(q.kept)} postcodes of the force kept (${fmt(q.terminated)} terminated), ${fmt(q.removed)} removed. Residents are being moved to their postcodes' wards.`,
};

/**
 * Admin → Geography: the ONS lookup, ward mapping, populations and postcode directory uploads
 * the API takes (force-wide admins, as on the API). Multipart, so the CSRF token is checked here
 * once multer has read the form (a guard runs before the body is parsed); the file goes to a
 * temporary file (flat memory however large), is read by the same services as the API, and is
 * always deleted.
 */
@ApiExcludeController()
@StaffPage({ roles: ['admin'], forceWide: true })
@UseFilters(ConsoleExceptionFilter)
@Controller('console/geography')
export class ConsoleGeographyController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly csrf: CsrfService,
    private readonly ons: OnsImportService,
    private readonly postcodes: PostcodeDirectoryService,
  ) {}

  @Get()
  page(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() q: Record<string, string | undefined>) {
    const done = KINDS.find((k) => k === q.done);
    return this.form(req, res, { kind: '', moveWards: false }, [], done ? NOTICES[done](q) : null);
  }

  @Post()
  @UseInterceptors(FileInterceptor('file', { dest: UPLOADS, limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 8 } }))
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response, @UploadedFile() file: UploadedCsv | undefined) {
    try {
      if (!this.csrf.valid(req)) throw forbidden('This form has expired or did not come from Beacon. Go back, reload the page and try again.');
      const kind = KINDS.find((k) => k === field(req.body, 'kind'));
      const moveWards = field(req.body, 'moveWards') === 'yes';
      const errors: FormError[] = [];
      if (!kind) errors.push({ field: 'kind', message: 'Choose what the file is' });
      if (!file?.size) errors.push({ field: 'file', message: 'Choose a CSV file to upload' });
      else if (kind && kind !== 'postcodes' && file.size > TEXT_LIMIT) errors.push({ field: 'file', message: 'The file must be 5 MB or smaller for this import' });
      if (errors.length || !kind || !file) return this.form(req, res, { kind: kind ?? '', moveWards }, errors);
      let counts: Record<string, number>;
      try {
        counts = await this.run(req, kind, file, moveWards);
      } catch (e) {
        // A bad file (a line, a header, an unknown ward, a ward move not confirmed): shown on the form.
        if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT'].includes(e.code)) throw e;
        return this.form(req, res, { kind, moveWards }, [{ field: 'file', message: e.message }]);
      }
      const query = new URLSearchParams({ done: kind, ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)])) });
      return res.redirect(303, `/console/geography?${query}`);
    } finally {
      if (file) await rm(file.path, { force: true });
    }
  }

  private async run(req: Request, kind: ImportKind, file: UploadedCsv, moveWards: boolean): Promise<Record<string, number>> {
    if (kind === 'postcodes') {
      const r = await this.postcodes.importDirectory(createReadStream(file.path));
      return { rows: r.rows, kept: r.kept, terminated: r.terminated, removed: r.removed };
    }
    const text = await readFile(file.path, 'utf8');
    if (kind === 'ons_lookup') {
      const r = await this.ons.importLookup(text);
      return { rows: r.rows, created: r.created, updated: r.updated };
    }
    if (kind === 'populations') {
      const r = await this.ons.importPopulations(text);
      return { updated: r.wardsUpdated, skipped: r.skipped };
    }
    const r = await this.ons.importMapping(text, { actor: me(req), moveWards });
    return { created: r.wardsCreated, updated: r.wardsUpdated, moved: r.wardsMoved };
  }

  private form(req: Request, res: Response, values: { kind: string; moveWards: boolean }, errors: FormError[], notice: string | null = null): string {
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'geography.njk', 'geography', {
      errors: errorSummary(errors),
      notice,
      kindOptions: optionsOf('geographyImport', values.kind).map((o) => ({ ...o, hint: { text: HINTS[o.value as ImportKind] } })),
      moveWards: values.moveWards,
    });
  }
}
