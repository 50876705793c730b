import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff } from '@beacon/auth';
import { ApiJsonOrCsvResponse, Staff, type StaffPrincipal, toCsv, UuidParam } from '@beacon/core';
import { CreateMessageDto } from '@beacon/messaging';
import { CreateSurveyDto, LinkMessageDto, SurveyResultsQueryDto, SurveyView } from './survey.dto';
import { SurveyResultsService, type SurveyResults } from './results.service';
import { SurveyService } from './survey.service';
import { SurveyMessageDto, SurveyResultsDto, SurveyStatusDto } from './surveys-response.dto';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'] as const;
const READERS = ['admin', 'analyst', 'npu_lead', 'eco', 'officer'] as const;

/** One row per question × section (all, public, npu, ward, ageBand, ethnicity) × group × option. */
export function resultsCsv(r: SurveyResults): string {
  const rows: Record<string, unknown>[] = [];
  for (const q of r.questions) {
    const base = { questionPosition: q.position, question: q.text };
    for (const o of q.options) rows.push({ ...base, section: 'all', group: '', option: o.label, count: o.count, percent: o.percent, weightedPercent: o.weightedPercent ?? '', base: q.base, suppressed: q.suppressed, unweightedBaseOfWeighted: q.weighting?.unweightedBase ?? '' });
    if (q.public) for (const o of q.public.options) rows.push({ ...base, section: 'public (unweighted)', group: '', option: o.label, count: o.count, percent: o.percent, base: q.public.base, suppressed: q.public.suppressed });
    for (const [section, groups] of Object.entries(q.breakdowns)) {
      for (const g of groups) for (const o of g.options) rows.push({ ...base, section, group: g.group, option: o.label, count: o.count, percent: o.percent, base: g.base, suppressed: g.suppressed });
    }
    for (const text of q.freeText ?? []) rows.push({ ...base, section: 'free text', group: '', option: text });
  }
  const columns = ['questionPosition', 'question', 'section', 'group', 'option', 'count', 'percent', 'weightedPercent', 'base', 'suppressed', 'unweightedBaseOfWeighted'];
  return toCsv(rows, columns);
}

@ApiTags('surveys')
@Controller('api/v1/surveys')
export class SurveysController {
  constructor(
    private readonly surveys: SurveyService,
    private readonly results: SurveyResultsService,
  ) {}

  @Staff({ roles: [...WRITERS], npuFrom: ['body.npuCode'] })
  @Post()
  @ApiCreatedResponse({ type: SurveyView })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateSurveyDto): Promise<SurveyView> {
    return this.surveys.create(me, dto);
  }

  @Staff()
  @Get(':id')
  @ApiOkResponse({ type: SurveyView })
  detail(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<SurveyView> {
    return this.surveys.detail(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/open')
  @HttpCode(200)
  @ApiOperation({ summary: 'draft → open; a force-wide survey opens when an admin other than its author opens it (otherwise → pending_approval)' })
  @ApiOkResponse({ type: SurveyStatusDto })
  open(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<SurveyStatusDto> {
    return this.surveys.open(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/close')
  @HttpCode(200)
  @ApiOkResponse({ type: SurveyStatusDto })
  close(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<SurveyStatusDto> {
    return this.surveys.close(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/messages')
  @ApiOperation({ summary: 'A draft message carrying the survey (send it through /messages/{id}/send): each recipient gets their own link' })
  @ApiCreatedResponse({ type: SurveyMessageDto })
  composeMessage(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Body() dto: CreateMessageDto): Promise<SurveyMessageDto> {
    return this.surveys.composeMessage(me, id, dto);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/link')
  @HttpCode(200)
  @ApiOperation({ summary: 'Links an existing draft message to the survey' })
  @ApiOkResponse({ type: SurveyMessageDto })
  link(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Body() dto: LinkMessageDto): Promise<SurveyMessageDto> {
    return this.surveys.linkMessage(me, id, dto.messageId);
  }

  @Staff({ roles: [...READERS], npuFrom: ['query.npu'] })
  @Get(':id/results')
  @ApiJsonOrCsvResponse(SurveyResultsDto, { description: 'JSON, or CSV with ?format=csv (one row per question × section × group × option)' })
  @ApiOperation({ summary: 'Counts and percentages per question, by NPU, ward, age band and ethnicity (groups under 10 respondents suppressed); weighted=true adds population-weighted shares' })
  async resultsOf(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Query() q: SurveyResultsQueryDto, @Res({ passthrough: true }) res: Response): Promise<SurveyResultsDto | string> {
    const r = await this.results.results(me, id, q);
    if (q.format !== 'csv') return r;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="survey-${id}.csv"`);
    return resultsCsv(r);
  }
}
