import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { Staff, type StaffPrincipal } from '@beacon/core';
import { CancelPatrolDto, CreatePatrolDto, PatrolIdParams, PatrolListQueryDto, PatrolReportDto, SchemeIdParams } from './schemes.dto';
import { PatrolsService } from './patrols.service';
import { SCHEME_MANAGER_ROLES } from './schemes.service';
import { PatrolPageDto, PatrolReportRecordDto, PatrolViewDto } from './schemes-response.dto';

@ApiTags('patrols')
@Controller('api/v1')
export class PatrolsController {
  constructor(private readonly patrols: PatrolsService) {}

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Post('schemes/:id/patrols')
  @ApiOperation({ summary: 'Plan a Street Watch patrol: 2+ member volunteers, future, ≤ 12 h; 409 on a volunteer’s overlapping patrol' })
  @ApiCreatedResponse({ type: PatrolViewDto })
  plan(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeIdParams, @Body() dto: CreatePatrolDto): Promise<PatrolViewDto> {
    return this.patrols.plan(me, p.id, dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('patrols')
  @ApiOperation({ summary: 'Patrols of your NPU by start date, cancelled ones marked (filter with status); volunteers by first name only' })
  @ApiOkResponse({ type: PatrolPageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: PatrolListQueryDto): Promise<PatrolPageDto> {
    return this.patrols.list(me, q);
  }

  @Staff()
  @Get('patrols/:id')
  @ApiOkResponse({ type: PatrolViewDto })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: PatrolIdParams): Promise<PatrolViewDto> {
    return this.patrols.get(me, p.id);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Post('patrols/:id/report')
  @ApiOperation({ summary: 'File the patrol’s report once it has ended (one per patrol)' })
  @ApiCreatedResponse({ type: PatrolReportRecordDto })
  report(@CurrentStaff() me: StaffPrincipal, @Param() p: PatrolIdParams, @Body() dto: PatrolReportDto): Promise<PatrolReportRecordDto> {
    return this.patrols.fileReport(me, p.id, dto.observations);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Post('patrols/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a patrol before it starts (once); it stays listed as cancelled and its volunteers are free again' })
  @ApiOkResponse({ type: PatrolViewDto })
  cancel(@CurrentStaff() me: StaffPrincipal, @Param() p: PatrolIdParams, @Body() dto: CancelPatrolDto): Promise<PatrolViewDto> {
    return this.patrols.cancel(me, p.id, dto.reason);
  }
}
