import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsFinancialYear, IsPence, MAX_PENCE } from '../money';
import { IsCalendarDay } from '@beacon/core';
import { ReportFormatDto } from '@beacon/web';

export class YearParamsDto {
  @ApiProperty({ example: '2019-20' }) @IsFinancialYear() year: string;
}

export class FundParamsDto extends YearParamsDto {
  @ApiProperty({ example: 'BE' }) @IsString() @Matches(/^[A-Z]{2,8}$/) npuCode: string;
}

export class SetBudgetDto {
  @ApiProperty({ minimum: 0, maximum: MAX_PENCE, description: 'Integer pence' }) @IsPence(0) budgetPence: number;
}

export class PositionQueryDto extends ReportFormatDto {
  @ApiPropertyOptional({ example: '2020-03-31', description: 'Figures as at the end of this day (default today; not in the future)' })
  @IsOptional() @IsCalendarDay() asAt?: string;
}
