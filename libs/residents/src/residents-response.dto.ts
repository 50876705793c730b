import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '@beacon/core';
import { CHANNELS, PRIORITIES, RESIDENT_STATUSES, type Channel, type Priority, type ResidentStatus } from './resident.entity';
import type { ChannelView, ResidentListItem, ResidentProfile } from './residents.dto';

const nullableString = (description?: string) => ({ type: String, nullable: true, description });

export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'], description: 'The same answer whatever the address: nothing to learn from it' }) status: 'accepted';
}

export class ChannelViewDto implements ChannelView {
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() enabled: boolean;
  @ApiProperty() verified: boolean;
  @ApiProperty({ enum: PRIORITIES, description: 'Lowest priority wanted on this channel' }) minPriority: Priority;
  @ApiProperty({ description: 'Suspended after bounces, a dead number or STOP' }) suspended: boolean;
}

export class ProfileWardDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() npuCode: string;
}

export class DemographicsDto {
  @ApiProperty(nullableString()) ageBand: string | null;
  @ApiProperty(nullableString()) ethnicity: string | null;
  @ApiProperty(nullableString()) language: string | null;
}

export class ResidentProfileDto implements ResidentProfile {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RESIDENT_STATUSES }) status: ResidentStatus;
  @ApiProperty(nullableString()) firstName: string | null;
  @ApiProperty(nullableString()) lastName: string | null;
  @ApiProperty(nullableString('Verified address only')) email: string | null;
  @ApiProperty() emailVerified: boolean;
  @ApiProperty(nullableString('Verified number only (E.164)')) phone: string | null;
  @ApiProperty() phoneVerified: boolean;
  @ApiProperty(nullableString()) postcode: string | null;
  @ApiProperty() wardCode: string;
  @ApiProperty({ type: ProfileWardDto, nullable: true }) ward: ProfileWardDto | null;
  @ApiProperty({ type: [ChannelViewDto] }) channels: ChannelViewDto[];
  @ApiProperty({ type: [String] }) topics: string[];
  @ApiProperty({ type: [String] }) interestGroups: string[];
  @ApiProperty({ type: DemographicsDto }) demographics: DemographicsDto;
  @ApiProperty(nullableString('HH:MM')) quietStart: string | null;
  @ApiProperty(nullableString('HH:MM')) quietEnd: string | null;
  @ApiProperty(nullableString()) source: string | null;
  @ApiProperty(nullableString()) campaignCode: string | null;
  @ApiProperty({ format: 'date-time' }) consentAt: Date;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) activatedAt: Date | null;
}

export class ResidentListItemDto implements ResidentListItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty(nullableString()) firstName: string | null;
  @ApiProperty(nullableString()) lastName: string | null;
  @ApiProperty(nullableString('Masked for analysts and cadet leaders')) email: string | null;
  @ApiProperty(nullableString('Masked for analysts and cadet leaders')) phone: string | null;
  @ApiProperty() wardCode: string;
  @ApiProperty() npuCode: string;
  @ApiProperty({ enum: RESIDENT_STATUSES }) status: ResidentStatus;
  @ApiProperty({ enum: CHANNELS, isArray: true }) channels: Channel[];
  @ApiProperty(nullableString()) source: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) activatedAt: string | null;
}

export class ResidentPageDto extends PageDto(ResidentListItemDto) {}

/**
 * GDPR access: every column of the resident's rows (camelCased), one section per table, plus a
 * section per lib that holds data about them (ResidentDataExporter); the sections are open-ended.
 */
export class ResidentExportDto {
  @ApiProperty({ format: 'date-time' }) exportedAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) resident: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) channels: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) topics: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) interestGroups: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) smsVerification: Record<string, unknown>[];
  [section: string]: unknown;
}
