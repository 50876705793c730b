import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '@beacon/core';
import type { CadetReport, CadetReportRow } from './cadet-report.service';
import { CADET_ROLES, CADET_UNIT_KINDS, type CadetRole, type CadetUnitKind } from './cadet.entity';
import type { CadetMemberDetail, CadetMemberRecord, CadetSessionRecord, CadetUnitRecord } from './cadets.repository';
import type { CadetSessionView } from './cadets.service';

export class CadetUnitDto implements CadetUnitRecord {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() npuCode: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CADET_UNIT_KINDS }) kind: CadetUnitKind;
  @ApiProperty({ description: 'Members who have not left, leaders included' }) activeMembers: number;
  @ApiProperty() cadets: number;
  @ApiProperty() juniorPcsos: number;
  @ApiProperty() leaders: number;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class CadetUnitPageDto extends PageDto(CadetUnitDto) {}

/** Names for every staff role of the NPU; date of birth and guardian for admins and cadet leaders only. */
export class CadetMemberDto implements CadetMemberRecord, Partial<CadetMemberDetail> {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ enum: CADET_ROLES }) role: CadetRole;
  @ApiProperty({ format: 'date-time' }) joinedAt: Date;
  @ApiProperty({ type: Date, nullable: true }) leftAt: Date | null;
  @ApiPropertyOptional({ format: 'date', description: 'Admins and cadet leaders only' }) dateOfBirth?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Admins and cadet leaders only' }) guardianName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Admins and cadet leaders only' }) guardianPhone?: string | null;
}

export class CadetMemberDetailDto implements CadetMemberDetail {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ enum: CADET_ROLES }) role: CadetRole;
  @ApiProperty({ format: 'date-time' }) joinedAt: Date;
  @ApiProperty({ type: Date, nullable: true }) leftAt: Date | null;
  @ApiProperty({ format: 'date' }) dateOfBirth: string;
  @ApiProperty({ type: String, nullable: true }) guardianName: string | null;
  @ApiProperty({ type: String, nullable: true }) guardianPhone: string | null;
}

export class CadetMemberPageDto extends PageDto(CadetMemberDto) {}

export class CadetSessionRecordDto implements CadetSessionRecord {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty() attendeeCount: number;
}

export class CadetSessionPageDto extends PageDto(CadetSessionRecordDto) {}

export class CadetSessionViewDto extends CadetSessionRecordDto implements CadetSessionView {
  @ApiProperty({ type: [String], format: 'uuid' }) attendeeIds: string[];
}

export class CadetReportTotalsDto implements Omit<CadetReportRow, 'npuCode'> {
  [key: string]: unknown;
  @ApiProperty() juniorPcsos: number;
  @ApiProperty() cadets: number;
  @ApiProperty() total: number;
}

export class CadetReportRowDto extends CadetReportTotalsDto implements CadetReportRow {
  @ApiProperty() npuCode: string;
}

export class CadetReportDto implements CadetReport {
  @ApiProperty({ format: 'date', description: 'Figures as at the end of this day (Europe/London)' }) asAt: string;
  @ApiProperty({ type: [CadetReportRowDto] }) rows: CadetReportRowDto[];
  @ApiProperty({ type: CadetReportTotalsDto }) totals: CadetReportTotalsDto;
}
