import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime, PageQueryDto } from '@beacon/core';
import { INTEREST_GROUPS, PRIORITIES, TOPICS } from '@beacon/residents';
import { MESSAGE_STATUSES } from './message.entity';

export const MESSAGE_CATEGORIES = [
  'crime_alert',
  'appeal',
  'anti_social_behaviour',
  'crime_prevention',
  'event',
  'meeting',
  'road_safety',
  'fraud_scam',
  'missing_person',
  'community_update',
  'other',
] as const;

/** Radius bounds: a street at the smallest, a large NPU at the widest. */
export const NEAR_METRES = { min: 50, max: 25_000 } as const;

/** `audience.near`: a postcode of the directory or a point (lat/long), and a radius in metres. */
export class NearDto {
  @ApiPropertyOptional({ example: 'B33 8TH', description: 'A postcode of the force (its centroid); or give lat and long' })
  @IsOptional() @IsString() @MaxLength(16)
  postcode?: string;

  @ApiPropertyOptional({ example: 52.45, minimum: -90, maximum: 90 })
  @ValidateIf((o: NearDto) => o.postcode === undefined || o.lat !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-90) @Max(90)
  lat?: number;

  @ApiPropertyOptional({ example: -1.8, minimum: -180, maximum: 180 })
  @ValidateIf((o: NearDto) => o.postcode === undefined || o.long !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-180) @Max(180)
  long?: number;

  @ApiProperty({ example: 500, minimum: NEAR_METRES.min, maximum: NEAR_METRES.max })
  @IsInt() @Min(NEAR_METRES.min) @Max(NEAR_METRES.max)
  metres: number;
}

export class AudienceDto {
  @ApiPropertyOptional({ example: ['BE'] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ArrayUnique() @Matches(/^[A-Z]{2,8}$/, { each: true })
  npuCodes?: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  neighbourhoodIds?: string[];

  @ApiPropertyOptional({ example: ['BE01'] })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ArrayUnique() @Matches(/^[A-Za-z0-9_-]{2,16}$/, { each: true })
  wardCodes?: string[];

  @ApiPropertyOptional({ description: 'Named areas (GET /api/v1/areas): their wards join the audience' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  areaIds?: string[];

  @ApiPropertyOptional({ enum: TOPICS, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(TOPICS.length) @ArrayUnique() @IsIn(TOPICS, { each: true })
  topics?: string[];

  @ApiPropertyOptional({ enum: INTEREST_GROUPS, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(INTEREST_GROUPS.length) @ArrayUnique() @IsIn(INTEREST_GROUPS, { each: true })
  interestGroups?: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsUUID('all', { each: true })
  schemeIds?: string[];

  @ApiPropertyOptional({ type: NearDto, description: "Residents whose verified postcode lies within the radius (an NPU-bound author's is clipped to their NPU)" })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => NearDto)
  near?: NearDto;
}

export class TranslationDto {
  @ApiProperty({ example: 'ur', description: 'A language of LANGUAGES (not en: title and body are the English)' }) @Matches(/^[a-z]{2}$/) language: string;
  @ApiProperty({ maxLength: 200, description: 'May use the template\'s {{fields}}' }) @IsString() @MinLength(1) @MaxLength(200) title: string;
  @ApiProperty({ maxLength: 5000 }) @IsString() @MinLength(1) @MaxLength(5000) body: string;
}

// Title and body are required unless the message starts from a template (then they default to its text).
const withoutTemplate = (o: { templateId?: unknown; title?: unknown; body?: unknown }, v: unknown) => o.templateId === undefined || v !== undefined;

export class CreateMessageDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'Required unless templateId is given (then the template\'s title, fields filled)' })
  @ValidateIf(withoutTemplate) @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @ApiPropertyOptional({ maxLength: 5000, description: 'Plain text; links are made clickable in e-mail. Required unless templateId is given' })
  @ValidateIf(withoutTemplate) @IsString() @MinLength(1) @MaxLength(5000) body?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Start from this template (GET /api/v1/templates): its {{fields}} are filled from `fields`' })
  @IsOptional() @IsUUID() templateId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { location: 'Coleshill Road', date: '3 March' }, description: 'Values of the template\'s fields (plain text); an unknown or missing field is a 400' })
  @IsOptional() @IsObject() fields?: Record<string, string>;
  @ApiPropertyOptional({ type: [TranslationDto], description: 'Title and body in other languages (entered by staff); each resident gets theirs, English otherwise' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => TranslationDto) translations?: TranslationDto[];
  @ApiProperty({ enum: MESSAGE_CATEGORIES }) @IsIn(MESSAGE_CATEGORIES) category: string;
  @ApiPropertyOptional({ enum: PRIORITIES, default: 'standard' }) @IsOptional() @IsIn(PRIORITIES) priority?: string;
  @ApiProperty({ example: ['email', 'sms'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @ArrayUnique() @IsIn(['email', 'sms'], { each: true })
  channels: string[];
  // Required (an empty object means the author's whole area); @ValidateNested alone lets a missing one through.
  @ApiProperty({ type: AudienceDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AudienceDto) audience: AudienceDto;
  @ApiPropertyOptional({ description: 'ISO 8601; in the future to schedule' }) @IsOptional() @IsIsoDateTime() scheduledAt?: string;
}

/** What the compose screen knows before anything is saved: counts the audience, writes nothing. */
export class AudiencePreviewDto {
  @ApiProperty({ example: ['email', 'sms'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @ArrayUnique() @IsIn(['email', 'sms'], { each: true })
  channels: string[];
  @ApiProperty({ type: AudienceDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AudienceDto) audience: AudienceDto;
  @ApiPropertyOptional({ enum: PRIORITIES, default: 'standard' }) @IsOptional() @IsIn(PRIORITIES) priority?: string;
}

export class MessageListQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() authorId?: string;
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES }) @IsOptional() @IsIn(MESSAGE_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsIsoDateTime() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsIsoDateTime() to?: string;
}
