import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentStaff } from '@beacon/auth';
import { ApiDocumentResponse, badRequest, Staff, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { CommitAcceptedDto, CommitImportDto, ImportIdParams, ImportReportDto, ImportUploadQueryDto } from './imports.dto';
import { ImportsService } from './imports.service';

const EXAMPLE =
  'email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\n' +
  'jo@example.org,07911 123456,Jo,Bloggs,B33 8TH,BE01,email;sms,appeals;events,dog_walker,2019-03-02,2019-03-02,true,false,wmnow\n';

const SCHEME_EXAMPLE =
  'scheme_type,scheme_name,ward_code,email,phone,role,joined_at,consent_at,source\n' +
  'neighbourhood_watch,Hodge Hill Road NW,BE01,jo@example.org,,coordinator,2018-04-01,2018-04-01,wmnow\n';

/** Who may import (the API and the console page): admins; an NPU-bound admin into their NPU's wards only (the service). */
export const IMPORT_ROLES: StaffRole[] = ['admin'];

/** Streams the body: the CSV is not parsed into memory by express (see configureApp). */
function csvBody(req: Request): Request {
  if (!req.is(['text/csv', 'text/plain']) || req.body !== undefined) throw badRequest('Send the CSV as a text/csv body');
  return req;
}

@ApiTags('imports')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Staff({ roles: IMPORT_ROLES })
  @Post('residents')
  @HttpCode(201)
  @ApiOperation({ summary: "Dry run of a residents CSV: nothing is written outside the import's own report; rows outside your NPU are rejected" })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: EXAMPLE } })
  @ApiResponse({ status: 201, type: ImportReportDto })
  residents(@CurrentStaff() me: StaffPrincipal, @Query() q: ImportUploadQueryDto, @Req() req: Request): Promise<ImportReportDto> {
    return this.imports.dryRunResidents(me, q.mapping, csvBody(req));
  }

  @Staff({ roles: IMPORT_ROLES })
  @Post('schemes')
  @HttpCode(201)
  @ApiOperation({ summary: "Dry run of a schemes CSV (one line per member, matched to residents by e-mail or phone): nothing is written outside the import's own report" })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: SCHEME_EXAMPLE } })
  @ApiResponse({ status: 201, type: ImportReportDto })
  schemes(@CurrentStaff() me: StaffPrincipal, @Query() q: ImportUploadQueryDto, @Req() req: Request): Promise<ImportReportDto> {
    return this.imports.dryRunSchemes(me, q.mapping, csvBody(req));
  }

  @Staff({ roles: IMPORT_ROLES })
  @Post(':id/commit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Apply a dry run (a job, one transaction); GET the import for its progress and counts' })
  @ApiResponse({ status: 202, type: CommitAcceptedDto })
  commit(@CurrentStaff() me: StaffPrincipal, @Param() p: ImportIdParams, @Body() body: CommitImportDto): Promise<CommitAcceptedDto> {
    return this.imports.requestCommit(me, p.id, { welcome: body.welcome });
  }

  @Staff({ roles: IMPORT_ROLES })
  @Get(':id')
  @ApiOkResponse({ type: ImportReportDto })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: ImportIdParams): Promise<ImportReportDto> {
    return this.imports.report(me, p.id, true);
  }

  @Staff({ roles: IMPORT_ROLES })
  @Get(':id/rejected.csv')
  @ApiOperation({ summary: 'The rejected and duplicate lines with reasons and raw cells (kept 7 days)' })
  @ApiDocumentResponse('text/csv', 'One line per rejected or duplicate row: line number, reasons, raw cells')
  async rejected(@CurrentStaff() me: StaffPrincipal, @Param() p: ImportIdParams, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const csv = await this.imports.rejectedCsv(me, p.id);
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="import-${p.id}-rejected.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(csv);
  }
}
