import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

export class ReportFormatDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

export class NpuReportQueryDto extends ReportFormatDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

export class RangeReportQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional({ example: '2019-04' }) @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) from?: string;
  @ApiPropertyOptional({ example: '2020-03' }) @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) to?: string;
}

const AREA_DOC = { description: 'A named area (GET /api/v1/areas): only its wards are counted' };

/** Reach and representation: an NPU, or a named area of one. */
export class AreaReportQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional(AREA_DOC) @IsOptional() @IsUUID('all') area?: string;
}

export class SignupsQueryDto extends RangeReportQueryDto {
  @ApiPropertyOptional(AREA_DOC) @IsOptional() @IsUUID('all') area?: string;
  @ApiPropertyOptional({ enum: ['npu', 'ward'], default: 'npu' }) @IsOptional() @IsIn(['npu', 'ward']) groupBy?: 'npu' | 'ward';
}

export class MessagesReportQueryDto extends RangeReportQueryDto {
  @ApiPropertyOptional({ enum: ['author', 'npu'], default: 'npu' }) @IsOptional() @IsIn(['author', 'npu']) groupBy?: 'author' | 'npu';
}

export class SimQueryDto extends NpuReportQueryDto {
  @ApiPropertyOptional({ example: '2019-09' }) @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/) month?: string;
}
