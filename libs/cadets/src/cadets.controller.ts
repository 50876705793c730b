import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff, scopedNpu } from '@beacon/auth';
import { ApiJsonOrCsvResponse, PageQueryDto, Staff, type StaffPrincipal } from '@beacon/core';
import {
  AddCadetMemberDto,
  CadetMemberListQueryDto,
  CadetReportQueryDto,
  CadetUnitListQueryDto,
  CreateCadetUnitDto,
  RecordSessionDto,
  CadetLeaveQueryDto,
  UnitIdParams,
  UnitMemberParams,
} from './cadets.dto';
import { CadetReportService } from './cadet-report.service';
import { CADET_UNIT_CREATORS, CADET_WRITERS, CadetsService } from './cadets.service';
import { CadetMemberDetailDto, CadetMemberDto, CadetMemberPageDto, CadetReportDto, CadetSessionPageDto, CadetSessionViewDto, CadetUnitDto, CadetUnitPageDto } from './cadets-response.dto';

@ApiTags('cadets')
@Controller('api/v1')
export class CadetsController {
  constructor(
    private readonly cadets: CadetsService,
    private readonly reports: CadetReportService,
  ) {}

  @Staff({ roles: CADET_UNIT_CREATORS, npuFrom: ['body.npuCode'] })
  @Post('cadet-units')
  @ApiCreatedResponse({ type: CadetUnitDto })
  create(@Body() dto: CreateCadetUnitDto): Promise<CadetUnitDto> {
    return this.cadets.createUnit(dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('cadet-units')
  @ApiOperation({ summary: 'Units with active member counts (leaders included in activeMembers)' })
  @ApiOkResponse({ type: CadetUnitPageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: CadetUnitListQueryDto): Promise<CadetUnitPageDto> {
    return this.cadets.listUnits(me, q);
  }

  @Staff()
  @Get('cadet-units/:id')
  @ApiOkResponse({ type: CadetUnitDto })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitIdParams): Promise<CadetUnitDto> {
    return this.cadets.getUnit(me, p.id);
  }

  @Staff({ roles: CADET_WRITERS })
  @Post('cadet-units/:id/members')
  @ApiOperation({ summary: 'Add a cadet, Junior PCSO or leader (admin or cadet leader of the NPU)' })
  @ApiCreatedResponse({ type: CadetMemberDetailDto })
  addMember(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitIdParams, @Body() dto: AddCadetMemberDto): Promise<CadetMemberDetailDto> {
    return this.cadets.addMember(me, p.id, dto);
  }

  @Staff()
  @Get('cadet-units/:id/members')
  @ApiOperation({
    summary: 'Members: names for all staff of the NPU; date of birth and guardian only for admins and cadet leaders (each child read audited)',
  })
  @ApiOkResponse({ type: CadetMemberPageDto })
  members(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitIdParams, @Query() q: CadetMemberListQueryDto): Promise<CadetMemberPageDto> {
    return this.cadets.listMembers(me, p.id, q);
  }

  @Staff()
  @Get('cadet-units/:id/members/:memberId')
  @ApiOkResponse({ type: CadetMemberDto })
  member(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitMemberParams): Promise<CadetMemberDto> {
    return this.cadets.getMember(me, p.id, p.memberId);
  }

  @Staff({ roles: CADET_WRITERS })
  @Delete('cadet-units/:id/members/:memberId')
  @HttpCode(204)
  @ApiOperation({ summary: 'The member leaves: left_at is set, the row is kept' })
  @ApiNoContentResponse({ description: 'The member has left' })
  async removeMember(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitMemberParams, @Query() q: CadetLeaveQueryDto): Promise<void> {
    await this.cadets.removeMember(me, p.id, p.memberId, q.leftOn);
  }

  @Staff({ roles: CADET_WRITERS })
  @Post('cadet-units/:id/sessions')
  @ApiOperation({ summary: 'Record a session and who attended (active members of the unit)' })
  @ApiCreatedResponse({ type: CadetSessionViewDto })
  recordSession(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitIdParams, @Body() dto: RecordSessionDto): Promise<CadetSessionViewDto> {
    return this.cadets.recordSession(me, p.id, dto);
  }

  @Staff()
  @Get('cadet-units/:id/sessions')
  @ApiOkResponse({ type: CadetSessionPageDto })
  sessions(@CurrentStaff() me: StaffPrincipal, @Param() p: UnitIdParams, @Query() q: PageQueryDto): Promise<CadetSessionPageDto> {
    return this.cadets.listSessions(me, p.id, q);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('reports/cadets')
  @ApiOperation({ summary: 'Cadets and Junior PCSOs per NPU (+ totals) as at a day (?asAt=YYYY-MM-DD, by joined_at/left_at); ?format=csv' })
  @ApiJsonOrCsvResponse(CadetReportDto)
  async report(@CurrentStaff() me: StaffPrincipal, @Query() q: CadetReportQueryDto, @Res({ passthrough: true }) res: Response): Promise<CadetReportDto | string> {
    const report = await this.reports.cadetsReport(scopedNpu(me, q.npu), q.asAt);
    if (q.format !== 'csv') return report;
    res.type('text/csv').setHeader('Content-Disposition', 'attachment; filename="cadets-report.csv"');
    return this.reports.toCsv(report, q.columns);
  }
}
