import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { Staff, type StaffPrincipal } from '@beacon/core';
import { CampaignCodeParamDto, CampaignCreatedDto, CampaignReportDto, CreateCampaignDto } from './campaign.dto';
import { CampaignService } from './campaign.service';

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

  @Staff({ roles: ['admin', 'analyst', 'npu_lead', 'eco', 'officer'] })
  @Get('reports/campaigns/:code')
  @ApiOkResponse({ type: CampaignReportDto })
  report(@CurrentStaff() me: StaffPrincipal, @Param() p: CampaignCodeParamDto): Promise<CampaignReportDto> {
    return this.campaigns.report(me, p.code);
  }
}
