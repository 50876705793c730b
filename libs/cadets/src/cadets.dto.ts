import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ReportFormatDto } from '@beacon/web';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { HasVisibleCharacter, IsCalendarDay, PageQueryDto } from '@beacon/core';
import { CADET_ROLES, CADET_UNIT_KINDS, type CadetRole, type CadetUnitKind } from './cadet.entity';

const NPU = /^[A-Z]{2,8}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Optional, but when present it must be valid: null is not "absent". */
const IfPresent = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

export class CreateCadetUnitDto {
  @ApiProperty({ example: 'BE' }) @IsString() @Matches(NPU) npuCode: string;
  @HasVisibleCharacter()
  @ApiProperty({ example: 'Birmingham East Volunteer Police Cadets' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiProperty({ enum: CADET_UNIT_KINDS }) @IsIn(CADET_UNIT_KINDS) kind: CadetUnitKind;
}

export class CadetUnitListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
}

export class UnitIdParams {
  @ApiProperty() @IsUUID() id: string;
}

export class UnitMemberParams {
  @ApiProperty() @IsUUID() id: string;
  @ApiProperty() @IsUUID() memberId: string;
}

export class AddCadetMemberDto {
  @HasVisibleCharacter()
  @ApiProperty() @Transform(trim) @IsString() @MinLength(1) @MaxLength(80) firstName: string;
  @HasVisibleCharacter()
  @ApiProperty() @Transform(trim) @IsString() @MinLength(1) @MaxLength(80) lastName: string;
  @ApiProperty({ example: '2011-09-14', description: 'Children 8–18 years old; leaders 18 or over' })
  @IsString() @Matches(DATE, { message: 'dateOfBirth must be YYYY-MM-DD' }) @IsISO8601({ strict: true }) dateOfBirth: string;
  @ApiPropertyOptional({ description: 'Required for children; not accepted for leaders' })
  @HasVisibleCharacter()
  @IfPresent() @Transform(trim) @IsString() @MinLength(1) @MaxLength(120) guardianName?: string;
  @ApiPropertyOptional({ example: '0121 496 0123', description: 'UK number, stored in E.164; required for children' })
  @IfPresent() @IsString() @MaxLength(30) guardianPhone?: string;
  @ApiProperty({ enum: CADET_ROLES, description: 'cadet in a cadets unit, junior_pcso in a Junior PCSO unit, leader in either' })
  @IsIn(CADET_ROLES) role: CadetRole;
  @ApiPropertyOptional({ example: '2019-09-05', description: 'The day they joined (default now; not in the future): records a member who joined earlier' })
  @IsOptional() @IsCalendarDay() joinedOn?: string;
}

export class CadetLeaveQueryDto {
  @ApiPropertyOptional({ example: '2020-07-20', description: 'The day they left (default now; not in the future, not before they joined)' })
  @IsOptional() @IsCalendarDay() leftOn?: string;
}

export class CadetMemberListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include members who left' })
  @IsOptional() @IsIn(['true', 'false']) includeLeft?: 'true' | 'false';
}

export class RecordSessionDto {
  @ApiProperty({ example: '2024-09-12', description: 'Not in the future' })
  @IsString() @Matches(DATE, { message: 'heldOn must be YYYY-MM-DD' }) @IsISO8601({ strict: true }) heldOn: string;
  @ApiProperty({ type: [String], description: 'Active members of the unit who attended' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true }) attendeeIds: string[];
}

export class CadetReportQueryDto extends ReportFormatDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
  @ApiPropertyOptional({ example: '2019-09-30', description: 'Members as at the end of this day (default today; not in the future)' })
  @IsOptional() @IsCalendarDay() asAt?: string;
}
