import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ReportFormatDto } from '@beacon/web';
import { IsCalendarDay } from '@beacon/core';

export class NpuReportQueryDto extends ReportFormatDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

export class NpuMonthQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional({ example: '2019-09', description: 'As at the end of this month (default: today)' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month like 2019-09' }) month?: string;
}

export class RangeReportQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional({ example: '2019-04' }) @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) from?: string;
  @ApiPropertyOptional({ example: '2020-03' }) @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) to?: string;
}

const AREA_DOC = { description: 'A named area (GET /api/v1/areas): only its wards are counted' };

/** Reach and representation: an NPU, or a named area of one, today or as at the end of a past month. */
export class AreaMonthQueryDto extends NpuMonthQueryDto {
  @ApiPropertyOptional(AREA_DOC) @IsOptional() @IsUUID('all') area?: string;
  @ApiPropertyOptional({ example: '2019-09-15', description: 'As at the end of this day (Europe/London); instead of month' })
  @IsOptional() @IsCalendarDay() asAt?: string;
}

export class SignupsQueryDto extends RangeReportQueryDto {
  @ApiPropertyOptional(AREA_DOC) @IsOptional() @IsUUID('all') area?: string;
  @ApiPropertyOptional({ enum: ['npu', 'ward', 'force'], default: 'npu', description: 'force: one series for the whole force (or the NPU in scope)' })
  @IsOptional() @IsIn(['npu', 'ward', 'force']) groupBy?: 'npu' | 'ward' | 'force';
  @ApiPropertyOptional({ example: '2019-09', description: 'The 12 months up to this one (the SIM pack\'s growth); instead of from/to' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month like 2019-09' }) month?: string;
  @ApiPropertyOptional({ example: '2019-09-15', description: 'Up to the end of this day (Europe/London): its month is the last, counted to that day' })
  @IsOptional() @IsCalendarDay() asAt?: string;
}

export class MessagesReportQueryDto extends RangeReportQueryDto {
  @ApiPropertyOptional({ enum: ['author', 'npu', 'team', 'force'], default: 'npu', description: 'team: the neighbourhood a message was for; force: one series' })
  @IsOptional() @IsIn(['author', 'npu', 'team', 'force']) groupBy?: 'author' | 'npu' | 'team' | 'force';
}

export class SimQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional({ example: '2019-09', description: 'Every section for this month (stocks as at its last day); not in the future' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month like 2019-09' }) month?: string;
}

export class QprQueryDto extends NpuReportQueryDto {
  @ApiProperty({ example: '2026-Q3', description: 'A calendar quarter (Q1 = January–March); not in the future' })
  @Matches(/^\d{4}-Q[1-4]$/, { message: 'quarter must be like 2026-Q3' }) quarter: string;
}
