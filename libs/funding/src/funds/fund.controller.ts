import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiJsonOrCsvResponse, Staff } from '@beacon/core';
import { reportCsv } from '@beacon/web';
import { FundParamsDto, PositionQueryDto, SetBudgetDto, YearParamsDto } from './fund.dto';
import { FundingService, POSITION_COLUMNS } from './funding.service';
import { FUND_POSITION_READERS } from '../funding-roles';
import { FundViewDto, PositionReportDto } from '../funding-response.dto';

@ApiTags('funding')
@Controller('api/v1/funds')
export class FundController {
  constructor(private readonly funding: FundingService) {}

  // Force-wide management information: NPU-bound leads and ECOs see every NPU's position too.
  @Staff({ roles: FUND_POSITION_READERS })
  @Get(':year/position')
  @ApiOperation({ summary: 'Budget, allocated, spent, outstanding and awaiting a decision per NPU for the year, with totals and themes, as at a day (?asAt=); ?format=csv' })
  @ApiJsonOrCsvResponse(PositionReportDto, { description: 'JSON, or CSV with ?format=csv (a TOTAL line last)' })
  async position(@Param() p: YearParamsDto, @Query() q: PositionQueryDto, @Res({ passthrough: true }) res: Response): Promise<PositionReportDto | string> {
    const report = await this.funding.position(p.year, q.asAt);
    if (q.format !== 'csv') return report;
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="acf-position-${p.year}.csv"`);
    return reportCsv([...report.items, { npuCode: 'TOTAL', ...report.totals }], { columns: POSITION_COLUMNS, headings: q.columns });
  }

  // The force shares the fund out between NPUs: an NPU-bound admin may not set its own budget.
  @Staff({ roles: ['admin'], forceWide: true })
  @Put(':npuCode/:year')
  @ApiOperation({ summary: 'Create the fund or set its budget (force-wide admins); 409 below what is already allocated' })
  @ApiOkResponse({ type: FundViewDto })
  setBudget(@Param() p: FundParamsDto, @Body() dto: SetBudgetDto): Promise<FundViewDto> {
    return this.funding.setBudget(p.npuCode, p.year, dto.budgetPence);
  }
}
