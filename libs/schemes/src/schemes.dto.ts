import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ReportFormatDto } from '@beacon/web';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { HasVisibleCharacter, IsCalendarDay, PageQueryDto } from '@beacon/core';
import { PATROL_STATUSES, SCHEME_STATUSES, STAFF_CONSENT_METHODS, type PatrolStatus, type SchemeStatus, type StaffConsentMethod } from './scheme.entity';

const NPU = /^[A-Z]{2,8}$/;
const WARD = /^[A-Za-z0-9_-]{2,16}$/;
const TYPE = /^[a-z][a-z0-9_]{1,29}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// An instant must carry its zone: "2030-01-01T10:00:00Z" or "…+01:00".
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Optional, but when present it must be valid: null is not "absent". */
const IfPresent = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

export class SchemeTypeDto {
  @ApiProperty({ example: 'farm_watch' }) @IsString() @Matches(TYPE) code: string;
  @HasVisibleCharacter()
  @ApiProperty({ example: 'Farm Watch' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(80) name: string;
}

export class CreateSchemeDto {
  @ApiProperty({ example: 'neighbourhood_watch', description: 'A code from GET /api/v1/scheme-types' })
  @IsString() @Matches(TYPE) type: string;
  @HasVisibleCharacter()
  @ApiProperty({ example: 'Hodge Hill Neighbourhood Watch' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiProperty({ example: 'BE01' }) @IsString() @Matches(WARD) wardCode: string;
  @ApiPropertyOptional({ description: 'An active resident of the NPU; becomes the first member (needs coordinatorConsent)' })
  @IsOptional() @IsUUID() coordinatorResidentId?: string;
  @ApiPropertyOptional({ enum: STAFF_CONSENT_METHODS, description: 'How the coordinator agreed to join and coordinate: required with coordinatorResidentId' })
  @ValidateIf((o: CreateSchemeDto) => o.coordinatorResidentId !== undefined || o.coordinatorConsent !== undefined)
  @IsIn(STAFF_CONSENT_METHODS)
  coordinatorConsent?: StaffConsentMethod;
  @ApiPropertyOptional({ example: '2020-01-15', description: 'The day it opened (default today; not in the future): records a scheme that began earlier' })
  @IsOptional() @IsCalendarDay() openedOn?: string;
}

export class UpdateSchemeDto {
  @HasVisibleCharacter()
  @ApiPropertyOptional() @IfPresent() @Transform(trim) @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ enum: SCHEME_STATUSES, description: 'closed keeps the scheme (and its history); active reopens it from today' })
  @IfPresent() @IsIn(SCHEME_STATUSES) status?: SchemeStatus;
  @ApiPropertyOptional({ example: '2020-06-30', description: 'With status closed: the day it closed (default today; not before it opened)' })
  @IfPresent() @IsCalendarDay() closedOn?: string;
  @ApiPropertyOptional({ nullable: true, description: 'A member of the scheme; null clears the coordinator' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null) @IsUUID() coordinatorResidentId?: string | null;
}

export class SchemeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
  @ApiPropertyOptional({ example: 'street_watch' }) @IsOptional() @Matches(TYPE) type?: string;
  @ApiPropertyOptional({ example: 'BE01' }) @IsOptional() @Matches(WARD) ward?: string;
  @ApiPropertyOptional({ enum: SCHEME_STATUSES }) @IsOptional() @IsIn(SCHEME_STATUSES) status?: SchemeStatus;
}

export class SchemeIdParams {
  @ApiProperty() @IsUUID() id: string;
}

export class SchemeMemberParams {
  @ApiProperty() @IsUUID() id: string;
  @ApiProperty() @IsUUID() residentId: string;
}

/** A coordinator invites; the resident joins only by accepting. */
export class AddMemberDto {
  @ApiProperty() @IsUUID() residentId: string;
}

/** Staff enrol a resident only with the resident's consent, recorded with the membership. */
export class EnrolMemberDto {
  @ApiProperty() @IsUUID() residentId: string;
  @ApiProperty({ enum: STAFF_CONSENT_METHODS, description: 'How the resident told you they agree to join' })
  @IsIn(STAFF_CONSENT_METHODS)
  consent: StaffConsentMethod;
  @ApiPropertyOptional({ example: '2020-02-01', description: 'The day they joined (default now; not in the future, not before the scheme opened)' })
  @IsOptional() @IsCalendarDay() joinedOn?: string;
}

export class CreatePatrolDto {
  @ApiProperty({ example: '2030-05-01T19:00:00+01:00', description: 'ISO 8601 with a zone; in the future' })
  @IsString() @Matches(INSTANT, { message: 'startsAt must be an ISO 8601 date-time with a zone' }) @IsISO8601({ strict: true })
  startsAt: string;
  @ApiProperty({ example: '2030-05-01T22:00:00+01:00', description: 'After startsAt, at most 12 hours later' })
  @IsString() @Matches(INSTANT, { message: 'endsAt must be an ISO 8601 date-time with a zone' }) @IsISO8601({ strict: true })
  endsAt: string;
  @ApiProperty({ example: 'Coleshill Road, Bucklands End Lane, back via the park' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(2000) route: string;
  @ApiProperty({ type: [String], minItems: 2, description: 'Residents who are members of the scheme' })
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  volunteerResidentIds: string[];
}

export class PatrolListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
  @ApiPropertyOptional({ description: 'Patrols starting at or after (default: now). A date means its start (UTC).' })
  @IsOptional() @IsString() @Matches(DATE_OR_INSTANT) @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'Patrols starting before this instant; a date includes that whole day (UTC).' })
  @IsOptional() @IsString() @Matches(DATE_OR_INSTANT) @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() schemeId?: string;
  @ApiPropertyOptional({ enum: PATROL_STATUSES, description: 'Default: both; cancelled patrols show with their cancellation' })
  @IsOptional() @IsIn(PATROL_STATUSES) status?: PatrolStatus;
}

export class PatrolIdParams {
  @ApiProperty() @IsUUID() id: string;
}

export class PatrolReportDto {
  @ApiProperty({ example: 'Two open windows on Bucklands End Lane; residents advised.' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(5000) observations: string;
}

export class CancelPatrolDto {
  @ApiPropertyOptional({ example: 'Heavy rain forecast', maxLength: 500, description: 'Why, for the team and the volunteers' })
  @IfPresent() @Transform(trim) @IsString() @MinLength(1) @MaxLength(500) reason?: string;
}

export class SchemeTargetDto {
  @ApiProperty({ example: 'BE' }) @IsString() @Matches(NPU) npuCode: string;
  @ApiProperty({ example: 'neighbourhood_watch' }) @IsString() @Matches(TYPE) type: string;
  @ApiProperty({ example: 12, minimum: 0, maximum: 100000 }) @IsInt() @Min(0) @Max(100000) target: number;
  @ApiProperty({ example: '2027-03-31' }) @IsString() @Matches(DATE) @IsISO8601({ strict: true }) dueDate: string;
  @ApiPropertyOptional({ example: 500, minimum: 0, maximum: 1000000, description: 'Members aimed for (distinct people in schemes of the type)' })
  @IsOptional() @IsInt() @Min(0) @Max(1000000) memberTarget?: number;
  @ApiPropertyOptional({ example: '2019-06-01', description: 'The day the target took effect (default today; not in the future)' })
  @IsOptional() @IsCalendarDay() setOn?: string;
}

export class SchemeTargetQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
}

export class ReportQueryDto extends ReportFormatDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(NPU) npu?: string;
  @ApiPropertyOptional({ example: '2020-04-30', description: 'Figures as they stood at the end of this day (default today; not in the future)' })
  @IsOptional() @IsCalendarDay() asAt?: string;
}
