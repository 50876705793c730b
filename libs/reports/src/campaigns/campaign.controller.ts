import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff } from '@beacon/auth';
import { ApiJsonOrCsvResponse, Staff, type StaffPrincipal } from '@beacon/core';
import { reportCsv } from '@beacon/web';
import { flattenForCsv } from '../reports.controller';
import { CampaignCodeParamDto, CampaignCreatedDto, CampaignOfficerLinkDto, CampaignReportDto, CampaignReportQueryDto, CreateCampaignDto } from './campaign.dto';
import { CampaignService } from './campaign.service';

// A campaign's figures name its tactics with the sign-up sources' words.
const CAMPAIGN_CODES = { section: 'reportSection', tactic: 'signupSource' } as const;

@ApiTags('reports')
@Controller('api/v1')
export class CampaignController {
  constructor(private readonly campaigns: CampaignService) {}

  @Staff({ roles: ['admin', 'npu_lead', 'eco'], npuFrom: ['body.npuCode'] })
  @Post('campaigns')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CampaignCreatedDto })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateCampaignDto): Promise<CampaignCreatedDto> {
    return this.campaigns.create(me, dto);
  }

  @Staff({ roles: ['admin', 'npu_lead', 'eco', 'officer'] })
  @Get('campaigns/:code/officer-link')
  @ApiOkResponse({ type: CampaignOfficerLinkDto, description: "The signed-in staff member's own sign-up link for the campaign" })
  officerLink(@CurrentStaff() me: StaffPrincipal, @Param() p: CampaignCodeParamDto): Promise<CampaignOfficerLinkDto> {
    return this.campaigns.officerLink(me, p.code);
  }

  @Staff({ roles: ['admin', 'analyst', 'npu_lead', 'eco', 'officer'] })
  @Get('reports/campaigns/:code')
  @ApiJsonOrCsvResponse(CampaignReportDto, { description: 'JSON, or CSV with ?format=csv (wards, tactics, officers and teams, named in a section column)' })
  async report(@CurrentStaff() me: StaffPrincipal, @Param() p: CampaignCodeParamDto, @Query() q: CampaignReportQueryDto, @Res({ passthrough: true }) res: Response) {
    const data = await this.campaigns.report(me, p.code);
    if (q.format !== 'csv') return data;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="campaign-${p.code}.csv"`);
    return reportCsv(flattenForCsv(data), { headings: q.columns, codes: CAMPAIGN_CODES });
  }
}
