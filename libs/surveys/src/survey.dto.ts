import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime } from '@beacon/core';
import { QUESTION_KINDS } from './survey.entity';
import { FREE_TEXT_MAX } from './survey-questions';

export const SURVEY_TEMPLATES = ['confidence'] as const;

export class QuestionOptionDto {
  @ApiProperty({ example: 'yes', pattern: '^[a-z0-9_]{1,40}$' }) @IsString() @Matches(/^[a-z0-9_]{1,40}$/) value: string;
  @ApiProperty({ example: 'Yes', maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) label: string;
}

export class QuestionDto {
  @ApiProperty({ enum: QUESTION_KINDS }) @IsIn(QUESTION_KINDS) kind: string;
  @ApiProperty({ maxLength: 500 }) @IsString() @MinLength(1) @MaxLength(500) text: string;
  @ApiPropertyOptional({ type: [QuestionOptionDto], description: 'Choices of single_choice / multiple_choice questions (2–20); scales and Likert bring their own' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => QuestionOptionDto)
  options?: QuestionOptionDto[];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({ description: `Free text: the longest answer (1–${FREE_TEXT_MAX}, default 1000)` })
  @IsOptional() @IsInt() @Min(1) @Max(FREE_TEXT_MAX) maxLength?: number;
}

export class CreateSurveyDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) title: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) intro?: string;
  @ApiPropertyOptional({ example: 'BE', description: 'The NPU; omitted by force-wide staff for a force-wide survey (needs a second person to open)' })
  @IsOptional() @Matches(/^[A-Z]{2,8}$/) npuCode?: string;
  @ApiPropertyOptional({ enum: SURVEY_TEMPLATES, isArray: true, description: 'Standard question sets added first (confidence: the public-confidence questions)' })
  @IsOptional() @IsArray() @ArrayMaxSize(SURVEY_TEMPLATES.length) @ArrayUnique() @IsIn(SURVEY_TEMPLATES, { each: true })
  templates?: string[];
  @ApiPropertyOptional({ type: [QuestionDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(40) @ValidateNested({ each: true }) @Type(() => QuestionDto)
  questions?: QuestionDto[];
  @ApiPropertyOptional({ description: 'ISO 8601: answers are taken from then (default: when opened)' }) @IsOptional() @IsIsoDateTime() opensAt?: string;
  @ApiPropertyOptional({ description: 'ISO 8601: answers stop then' }) @IsOptional() @IsIsoDateTime() closesAt?: string;
  @ApiPropertyOptional({ default: false, description: 'Also take anonymous answers through a public link (rate limited, counted apart, unweighted)' })
  @IsOptional() @IsBoolean() publicLink?: boolean;
}

export class SurveyResultsQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?: string;
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional({ example: 'BE01' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{2,16}$/) ward?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Add shares weighted to the census population (age band × ethnicity)' })
  @IsOptional() @IsIn(['true', 'false']) weighted?: string;
}

export class LinkMessageDto {
  @ApiProperty({ description: 'A draft message: each recipient gets their own link to the survey' }) @IsUUID() messageId: string;
}

export class SurveyQuestionView {
  @ApiProperty() id: string;
  @ApiProperty() position: number;
  @ApiProperty({ enum: QUESTION_KINDS }) kind: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: [QuestionOptionDto] }) options: QuestionOptionDto[];
  @ApiProperty() required: boolean;
  @ApiProperty() maxLength: number;
  @ApiPropertyOptional({ nullable: true, type: String }) templateKey: string | null;
}

export class SurveyView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String }) npuCode: string | null;
  @ApiProperty() authorId: string;
  @ApiProperty() title: string;
  @ApiProperty() intro: string;
  @ApiProperty({ enum: ['draft', 'pending_approval', 'open', 'closed'] }) status: string;
  @ApiPropertyOptional({ nullable: true, type: String }) opensAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) closesAt: Date | null;
  @ApiProperty() publicLink: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The anonymous public link, when enabled' }) publicUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) approvedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) openedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) closedAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [SurveyQuestionView] }) questions: SurveyQuestionView[];
}
