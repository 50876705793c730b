import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '@beacon/core';
import type { PatrolCancellation, PatrolReportRecord } from './patrols.repository';
import type { PatrolView } from './patrols.service';
import type { SchemeTarget } from './scheme-report.repository';
import type { SchemeReport, SchemeReportRow } from './scheme-report.service';
import { PATROL_STATUSES, SCHEME_STATUSES, type PatrolStatus, type SchemeStatus } from './scheme.entity';
import type { InvitationView, MySchemeRecord, SchemeType } from './schemes.repository';
import type { CoordinatorMemberView, Invited, MemberAdded, SchemeView, StaffMemberView } from './schemes.service';

const nullable = (description?: string) => ({ type: String, nullable: true, description });

export class SchemeTypeViewDto implements SchemeType {
  @ApiProperty({ example: 'street_watch' }) code: string;
  @ApiProperty() name: string;
}

export class CoordinatorDto {
  @ApiProperty({ format: 'uuid' }) residentId: string;
  @ApiProperty(nullable()) firstName: string | null;
  @ApiProperty(nullable()) lastName: string | null;
}

export class SchemeViewDto implements SchemeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty() name: string;
  @ApiProperty() wardCode: string;
  @ApiProperty() wardName: string;
  @ApiProperty() npuCode: string;
  @ApiProperty({ enum: SCHEME_STATUSES }) status: string;
  @ApiProperty({ type: CoordinatorDto, nullable: true }) coordinator: CoordinatorDto | null;
  @ApiProperty() memberCount: number;
  @ApiProperty({ format: 'date', description: 'The day it (last) opened' }) openedOn: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The day it closed; null while active' }) closedOn: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class SchemePageDto extends PageDto(SchemeViewDto) {}

/** Staff see first and last name, ward and status; a resident coordinator sees first names only. */
export class SchemeMemberDto implements CoordinatorMemberView, Partial<StaffMemberView> {
  @ApiProperty({ format: 'uuid' }) residentId: string;
  @ApiProperty(nullable()) firstName: string | null;
  @ApiPropertyOptional(nullable('Staff only')) lastName?: string | null;
  @ApiPropertyOptional({ description: 'Staff only' }) wardCode?: string;
  @ApiPropertyOptional({ description: 'Staff only' }) status?: string;
  @ApiProperty({ format: 'date-time' }) joinedAt: Date;
}

export class SchemeMemberPageDto extends PageDto(SchemeMemberDto) {}

export class MemberAddedDto implements MemberAdded {
  @ApiProperty({ format: 'uuid' }) schemeId: string;
  @ApiProperty({ format: 'uuid' }) residentId: string;
  @ApiProperty(nullable()) firstName: string | null;
  @ApiPropertyOptional(nullable('Staff only')) lastName?: string | null;
  @ApiProperty({ format: 'date-time' }) joinedAt: Date;
}

export class InvitedDto implements Invited {
  @ApiProperty({ format: 'uuid' }) schemeId: string;
  @ApiProperty({ format: 'uuid' }) residentId: string;
  @ApiProperty({ enum: ['invited'], description: 'The same answer for any resident id' }) status: 'invited';
}

export class InvitationViewDto implements InvitationView {
  @ApiProperty({ format: 'uuid' }) schemeId: string;
  @ApiProperty() name: string;
  @ApiProperty() type: string;
  @ApiProperty() wardCode: string;
  @ApiProperty({ format: 'date-time' }) invitedAt: Date;
}

export class MySchemeDto implements MySchemeRecord {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty() name: string;
  @ApiProperty() wardCode: string;
  @ApiProperty() wardName: string;
  @ApiProperty({ enum: SCHEME_STATUSES }) status: SchemeStatus;
  @ApiProperty() isCoordinator: boolean;
  @ApiProperty({ format: 'date-time' }) joinedAt: Date;
}

export class PatrolSchemeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() type: string;
}

export class PatrolWardDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class VolunteerDto {
  @ApiProperty(nullable()) firstName: string | null;
}

export class PatrolFiledReportDto implements Omit<PatrolReportRecord, 'patrolId'> {
  @ApiProperty() observations: string;
  @ApiProperty({ description: "'staff:<id>' or 'resident:<id>'" }) reportedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class PatrolReportRecordDto extends PatrolFiledReportDto implements PatrolReportRecord {
  @ApiProperty({ format: 'uuid' }) patrolId: string;
}

export class PatrolCancellationDto implements PatrolCancellation {
  @ApiProperty({ format: 'date-time' }) cancelledAt: Date;
  @ApiProperty({ description: "'staff:<id>' or 'resident:<id>'" }) cancelledBy: string;
  @ApiProperty(nullable()) reason: string | null;
}

export class PatrolViewDto implements PatrolView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PatrolSchemeDto }) scheme: PatrolSchemeDto;
  @ApiProperty({ type: PatrolWardDto }) ward: PatrolWardDto;
  @ApiProperty() npuCode: string;
  @ApiProperty({ format: 'date-time' }) startsAt: Date;
  @ApiProperty({ format: 'date-time' }) endsAt: Date;
  @ApiProperty() route: string;
  @ApiProperty({ type: [VolunteerDto], description: 'First names only' }) volunteers: VolunteerDto[];
  @ApiProperty({ type: PatrolFiledReportDto, nullable: true }) report: PatrolFiledReportDto | null;
  @ApiProperty({ enum: PATROL_STATUSES }) status: PatrolStatus;
  @ApiProperty({ type: PatrolCancellationDto, nullable: true }) cancellation: PatrolCancellationDto | null;
}

export class PatrolPageDto extends PageDto(PatrolViewDto) {}

export class SchemeTargetViewDto implements SchemeTarget {
  @ApiProperty() npuCode: string;
  @ApiProperty() type: string;
  @ApiProperty() target: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Members aimed for; null when none was set' }) memberTarget: number | null;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ format: 'date', description: 'The day it took effect' }) setOn: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
}

export class SchemeReportRowDto implements SchemeReportRow {
  [key: string]: unknown;
  @ApiProperty() npuCode: string;
  @ApiProperty() type: string;
  @ApiProperty({ description: 'Schemes open at the end of the as-at day' }) current: number;
  @ApiProperty({ description: 'Distinct members of those schemes (subscribed or not)' }) members: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The target in force that day; null when none was set' }) target: number | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'max(target − current, 0); null when no target is set' }) required: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The member target in force; null when none was set' }) memberTarget: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'max(memberTarget − members, 0)' }) membersRequired: number | null;
}

export class SchemeReportTotalsDto {
  @ApiProperty() current: number;
  @ApiProperty({ description: 'Distinct across all rows' }) members: number;
  @ApiProperty() target: number;
  @ApiProperty() required: number;
  @ApiProperty() memberTarget: number;
  @ApiProperty() membersRequired: number;
}

export class SchemeReportDto implements SchemeReport {
  @ApiProperty({ format: 'date', description: 'Figures as at the end of this day (Europe/London)' }) asAt: string;
  @ApiProperty({ type: [SchemeReportRowDto] }) rows: SchemeReportRowDto[];
  @ApiProperty({ type: SchemeReportTotalsDto }) totals: SchemeReportTotalsDto;
}
