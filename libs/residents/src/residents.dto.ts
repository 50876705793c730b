import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { HasVisibleCharacter, PageQueryDto } from '@beacon/core';
import { normaliseEmail, normalisePhone, normalisePostcode } from './contact';
import {
  AGE_BANDS,
  CHANNELS,
  ETHNICITIES,
  INTEREST_GROUPS,
  PRIORITIES,
  RESIDENT_STATUSES,
  SIGNUP_SOURCES,
  TOPICS,
  type AgeBand,
  type Channel,
  type Ethnicity,
  type Priority,
  type ResidentStatus,
} from './resident.entity';

type TransformArgs = { value: unknown };
// Names and free text: trimmed, inner whitespace collapsed; control characters are refused below.
const tidy = ({ value }: TransformArgs) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);
const email = ({ value }: TransformArgs) => (typeof value === 'string' ? normaliseEmail(value) : value);
const phone = ({ value }: TransformArgs) => (typeof value === 'string' ? (normalisePhone(value) ?? value) : value);
const postcode = ({ value }: TransformArgs) => (typeof value === 'string' ? (normalisePostcode(value) ?? value) : value);
const has = (list: unknown, item: string) => Array.isArray(list) && list.includes(item);

const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;
export const WARD_CODE = /^[A-Za-z0-9_-]{2,16}$/;
export const CAMPAIGN_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** A UK postcode as normalised by the transform (the `postcode` package decides what is one). */
export function IsUkPostcode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUkPostcode',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && normalisePostcode(v) === v,
        defaultMessage: () => 'postcode must be a UK postcode, like B33 8TH',
      },
    },
    options,
  );
}

/** A UK mobile number in E.164 (the transform has already normalised what was typed). */
export function IsUkMobile(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUkMobile',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && normalisePhone(v) === v,
        defaultMessage: () => '$property must be a UK mobile number, like 07911 123456',
      },
    },
    options,
  );
}

export class DemographicsDto {
  @ApiPropertyOptional({ enum: AGE_BANDS })
  @IsOptional() @IsIn(AGE_BANDS, { message: `ageBand must be one of: ${AGE_BANDS.join(', ')}` })
  ageBand?: AgeBand | null;

  @ApiPropertyOptional({ enum: ETHNICITIES, description: 'ONS 2021 census high-level ethnic group' })
  @IsOptional() @IsIn(ETHNICITIES, { message: `ethnicity must be one of: ${ETHNICITIES.join(', ')}` })
  ethnicity?: Ethnicity | null;

  @ApiPropertyOptional({ maxLength: 40, description: 'Preferred language, free text' })
  @IsOptional() @Transform(tidy) @IsString() @MinLength(1) @MaxLength(40) @Matches(NO_CONTROL_CHARS, { message: 'language must not contain control characters' }) @HasVisibleCharacter()
  language?: string | null;
}

/** Public sign-up. Cross-field rule: each chosen channel needs its address. */
export class SignUpDto {
  @ApiPropertyOptional({ maxLength: 254, description: 'Required when channels include email' })
  @ValidateIf((o: SignUpDto) => o.email != null || has(o.channels, 'email'))
  @Transform(email)
  @IsDefined({ message: 'email is required when channels include email' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '07911 123456', description: 'UK mobile; stored as E.164. Required when channels include sms' })
  @ValidateIf((o: SignUpDto) => o.phone != null || has(o.channels, 'sms'))
  @Transform(phone)
  @IsDefined({ message: 'phone is required when channels include sms' })
  @IsUkMobile()
  phone?: string;

  @ApiProperty({ maxLength: 80 })
  @Transform(tidy) @IsString() @MinLength(1, { message: 'firstName must not be empty' }) @MaxLength(80)
  @Matches(NO_CONTROL_CHARS, { message: 'firstName must not contain control characters' }) @HasVisibleCharacter()
  firstName: string;

  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional() @Transform(tidy) @IsString() @MinLength(1) @MaxLength(80)
  @Matches(NO_CONTROL_CHARS, { message: 'lastName must not contain control characters' }) @HasVisibleCharacter()
  lastName?: string;

  @ApiPropertyOptional({ example: 'B33 8TH', description: 'Places the resident in its ward (any spelling: b33 8th, B338TH)' })
  @IsOptional() @Transform(postcode) @IsString() @IsUkPostcode()
  postcode?: string;

  @ApiPropertyOptional({ example: 'E05011121', description: 'Required without a postcode, and used when the postcode is not one of the force' })
  @ValidateIf((o: SignUpDto) => o.wardCode !== undefined || !o.postcode)
  @IsString() @Matches(WARD_CODE, { message: 'wardCode must be a ward code, like BE01' })
  wardCode?: string;

  @ApiProperty({ enum: CHANNELS, isArray: true })
  @IsArray() @ArrayMinSize(1, { message: 'channels must name at least one of: email, sms' }) @ArrayMaxSize(CHANNELS.length) @ArrayUnique()
  @IsIn(CHANNELS, { each: true, message: 'channels must each be one of: email, sms' })
  channels: Channel[];

  @ApiPropertyOptional({ enum: TOPICS, isArray: true, description: 'Omitted: every topic' })
  @IsOptional() @IsArray() @ArrayMaxSize(TOPICS.length) @ArrayUnique()
  @IsIn(TOPICS, { each: true, message: `topics must each be one of: ${TOPICS.join(', ')}` })
  topics?: string[];

  @ApiPropertyOptional({ enum: INTEREST_GROUPS, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(INTEREST_GROUPS.length) @ArrayUnique()
  @IsIn(INTEREST_GROUPS, { each: true, message: `interestGroups must each be one of: ${INTEREST_GROUPS.join(', ')}` })
  interestGroups?: string[];

  @ApiPropertyOptional({ enum: SIGNUP_SOURCES, description: 'Where the resident was signed up (attribution)' })
  @IsOptional() @IsIn(SIGNUP_SOURCES, { message: `source must be one of: ${SIGNUP_SOURCES.join(', ')}` })
  source?: string;

  @ApiPropertyOptional({ maxLength: 40, example: 'SPRING-24' })
  @IsOptional() @IsString() @Matches(CAMPAIGN_CODE, { message: 'campaignCode must be 1-40 letters, digits, - or _' })
  campaignCode?: string;

  @ApiPropertyOptional({ maxLength: 1100, description: "The `officer` parameter of an officer's own campaign link: records that officer as having assisted the sign-up when it is valid for `campaignCode`; ignored otherwise (the answer is the same)" })
  @IsOptional() @IsString() @MaxLength(1100)
  officer?: string;

  @ApiPropertyOptional({ type: DemographicsDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DemographicsDto)
  demographics?: DemographicsDto;

  @ApiProperty({ enum: [true], description: 'Must be literally true' })
  @Equals(true, { message: 'consent must be true: the resident agrees to be contacted' })
  consent: true;
}

export class SignUpAcceptedDto {
  @ApiProperty({ enum: ['pending_verification'] }) status: 'pending_verification';
}

/** Either {token} from the e-mail link, or {phone, code} from the SMS. */
export class VerifyDto {
  @ApiPropertyOptional({ description: 'Token from the e-mail link' })
  @ValidateIf((o: VerifyDto) => o.token !== undefined || (o.phone === undefined && o.code === undefined))
  @IsString() @MinLength(1) @MaxLength(2048)
  token?: string;

  @ApiPropertyOptional({ example: '07911 123456' })
  @ValidateIf((o: VerifyDto) => o.token === undefined || o.phone !== undefined)
  @Transform(phone) @IsUkMobile()
  phone?: string;

  @ApiPropertyOptional({ example: '123456' })
  @ValidateIf((o: VerifyDto) => o.token === undefined || o.code !== undefined)
  @IsString() @Matches(/^\d{6}$/, { message: 'code must be the 6 digits from the text message' })
  code?: string;
}

export class VerifiedDto {
  @ApiProperty({ enum: RESIDENT_STATUSES }) status: ResidentStatus;
  @ApiProperty({ description: 'Resident bearer token' }) accessToken: string;
}

export class ResendVerificationDto {
  @ApiPropertyOptional()
  @ValidateIf((o: ResendVerificationDto) => o.email !== undefined || o.phone === undefined)
  @Transform(email) @IsEmail({}, { message: 'email must be a valid email address' }) @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @ValidateIf((o: ResendVerificationDto) => o.phone !== undefined)
  @Transform(phone) @IsUkMobile()
  phone?: string;
}

export class MagicLinkDto {
  @ApiProperty() @Transform(email) @IsEmail({}, { message: 'email must be a valid email address' }) @MaxLength(254) email: string;
}

export class ExchangeDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2048) token: string;
}

export class AccessTokenDto {
  @ApiProperty() accessToken: string;
}

export class ChannelPreferenceDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS, { message: 'channel must be one of: email, sms' }) channel: Channel;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ enum: PRIORITIES, description: 'Lowest priority wanted on this channel' })
  @IsOptional() @IsIn(PRIORITIES, { message: `minPriority must be one of: ${PRIORITIES.join(', ')}` })
  minPriority?: Priority;
}

/** Partial update; null clears an optional field. Lists (topics, interests) replace the old list. */
export class UpdateMeDto {
  @ApiPropertyOptional({ nullable: true, description: 'Changing it re-verifies the address' })
  @IsOptional() @Transform(email) @IsEmail({}, { message: 'email must be a valid email address' }) @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'UK mobile; changing it re-verifies the number' })
  @IsOptional() @Transform(phone) @IsUkMobile()
  phone?: string | null;

  @ApiPropertyOptional({ maxLength: 80 })
  @ValidateIf((o: UpdateMeDto) => o.firstName !== undefined)
  @Transform(tidy) @IsString() @MinLength(1, { message: 'firstName must not be empty' }) @MaxLength(80)
  @Matches(NO_CONTROL_CHARS, { message: 'firstName must not contain control characters' }) @HasVisibleCharacter()
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 80, nullable: true })
  @IsOptional() @Transform(tidy) @IsString() @MinLength(1) @MaxLength(80)
  @Matches(NO_CONTROL_CHARS, { message: 'lastName must not contain control characters' }) @HasVisibleCharacter()
  lastName?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @Transform(postcode) @IsString() @IsUkPostcode()
  postcode?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateMeDto) => o.wardCode !== undefined)
  @IsString() @Matches(WARD_CODE, { message: 'wardCode must be a ward code, like BE01' })
  wardCode?: string;

  @ApiPropertyOptional({ type: [ChannelPreferenceDto], description: 'Channels named here are changed; others are kept' })
  @IsOptional() @IsArray() @ArrayMaxSize(CHANNELS.length) @ValidateNested({ each: true }) @Type(() => ChannelPreferenceDto)
  channels?: ChannelPreferenceDto[];

  @ApiPropertyOptional({ enum: TOPICS, isArray: true })
  @ValidateIf((o: UpdateMeDto) => o.topics !== undefined)
  @IsArray() @ArrayMaxSize(TOPICS.length) @ArrayUnique()
  @IsIn(TOPICS, { each: true, message: `topics must each be one of: ${TOPICS.join(', ')}` })
  topics?: string[];

  @ApiPropertyOptional({ enum: INTEREST_GROUPS, isArray: true })
  @ValidateIf((o: UpdateMeDto) => o.interestGroups !== undefined)
  @IsArray() @ArrayMaxSize(INTEREST_GROUPS.length) @ArrayUnique()
  @IsIn(INTEREST_GROUPS, { each: true, message: `interestGroups must each be one of: ${INTEREST_GROUPS.join(', ')}` })
  interestGroups?: string[];

  @ApiPropertyOptional({ type: DemographicsDto, description: 'Fields named here are changed; null clears one' })
  @ValidateIf((o: UpdateMeDto) => o.demographics !== undefined)
  @IsObject() @ValidateNested() @Type(() => DemographicsDto)
  demographics?: DemographicsDto;

  @ApiPropertyOptional({ type: String, example: '22:00', nullable: true, description: 'SMS quiet hours start (UK time); set both or neither' })
  @IsOptional() @IsString() @Matches(HH_MM, { message: 'quietStart must be a time HH:MM' })
  quietStart?: string | null;

  @ApiPropertyOptional({ type: String, example: '07:00', nullable: true, description: 'SMS quiet hours end (UK time)' })
  @IsOptional() @IsString() @Matches(HH_MM, { message: 'quietEnd must be a time HH:MM' })
  quietEnd?: string | null;
}

export class ResidentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @IsString() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional({ example: 'BE01' }) @IsOptional() @IsString() @Matches(WARD_CODE) ward?: string;
  @ApiPropertyOptional({ description: 'Prefix of first name, last name or e-mail; or a phone number. Analysts and cadet leaders (contacts masked): names only, 403 for an e-mail or phone query', maxLength: 80 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(80)
  q?: string;
  @ApiPropertyOptional({ enum: RESIDENT_STATUSES, description: 'Default: every status but erased' })
  @IsOptional() @IsIn(RESIDENT_STATUSES)
  status?: ResidentStatus;
}

export interface ChannelView {
  channel: Channel;
  enabled: boolean;
  verified: boolean;
  minPriority: Priority;
  suspended: boolean;
}

/** What a resident sees about themselves (GET /me). */
export interface ResidentProfile {
  id: string;
  status: ResidentStatus;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  postcode: string | null;
  wardCode: string;
  ward: { code: string; name: string; npuCode: string } | null;
  channels: ChannelView[];
  topics: string[];
  interestGroups: string[];
  demographics: { ageBand: string | null; ethnicity: string | null; language: string | null };
  quietStart: string | null;
  quietEnd: string | null;
  source: string | null;
  campaignCode: string | null;
  consentAt: Date;
  createdAt: Date;
  activatedAt: Date | null;
}

/** A row of the staff listing; contact details masked for roles that do not need them. */
export interface ResidentListItem {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  wardCode: string;
  npuCode: string;
  status: ResidentStatus;
  channels: Channel[];
  source: string | null;
  createdAt: string;
  activatedAt: string | null;
}
