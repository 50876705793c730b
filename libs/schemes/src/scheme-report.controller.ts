import { Body, Controller, Get, HttpCode, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff, scopedNpu } from '@beacon/auth';
import { ApiJsonOrCsvResponse, Staff, type StaffPrincipal } from '@beacon/core';
import { ReportQueryDto, SchemeTargetDto, SchemeTargetQueryDto } from './schemes.dto';
import { SchemeReportService, TARGET_SETTER_ROLES } from './scheme-report.service';
import { SchemeReportDto, SchemeTargetViewDto } from './schemes-response.dto';

@ApiTags('schemes')
@Controller('api/v1')
export class SchemeReportController {
  constructor(private readonly reports: SchemeReportService) {}

  @Staff({ roles: TARGET_SETTER_ROLES, npuFrom: ['body.npuCode'] })
  @Put('scheme-targets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set an NPU’s dated target for a scheme type (upsert per due date; setOn = when it took effect)' })
  @ApiOkResponse({ type: SchemeTargetViewDto })
  setTarget(@CurrentStaff() me: StaffPrincipal, @Body() dto: SchemeTargetDto): Promise<SchemeTargetViewDto> {
    return this.reports.setTarget(me, dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('scheme-targets')
  @ApiOkResponse({ type: [SchemeTargetViewDto] })
  targets(@CurrentStaff() me: StaffPrincipal, @Query() q: SchemeTargetQueryDto): Promise<SchemeTargetViewDto[]> {
    return this.reports.listTargets(me, q.npu);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('reports/schemes')
  @ApiOperation({ summary: 'Schemes and members vs the targets in force, per NPU per type (+ totals), as at a day (?asAt=YYYY-MM-DD); ?format=csv' })
  @ApiJsonOrCsvResponse(SchemeReportDto)
  async report(@CurrentStaff() me: StaffPrincipal, @Query() q: ReportQueryDto, @Res({ passthrough: true }) res: Response): Promise<SchemeReportDto | string> {
    const report = await this.reports.schemesReport(scopedNpu(me, q.npu), q.asAt);
    if (q.format !== 'csv') return report;
    res.type('text/csv').setHeader('Content-Disposition', 'attachment; filename="schemes-report.csv"');
    return this.reports.toCsv(report, q.columns);
  }
}
