import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageDto, PageQueryDto } from '@beacon/core';
import { MESSAGE_CATEGORIES } from '../message.dto';

const TITLE_HELP = 'Fields are written {{name}} (lower-case letters, digits, _), e.g. {{location}}, {{date}}';

export class CreateTemplateDto {
  @ApiProperty({ maxLength: 120, example: 'Burglary appeal' }) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiProperty({ enum: MESSAGE_CATEGORIES }) @IsIn(MESSAGE_CATEGORIES) category: string;
  @ApiProperty({ maxLength: 200, description: TITLE_HELP, example: 'Burglary in {{location}}' }) @IsString() @MinLength(1) @MaxLength(200) title: string;
  @ApiProperty({ maxLength: 5000, description: TITLE_HELP }) @IsString() @MinLength(1) @MaxLength(5000) body: string;
  @ApiPropertyOptional({ description: 'The NPU it is for; absent: the caller\'s NPU, or force-wide for a force-wide admin' })
  @IsOptional() @Matches(/^[A-Z]{2,8}$/) npuCode?: string;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ maxLength: 120 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ enum: MESSAGE_CATEGORIES }) @IsOptional() @IsIn(MESSAGE_CATEGORIES) category?: string;
  @ApiPropertyOptional({ maxLength: 200, description: TITLE_HELP }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @ApiPropertyOptional({ maxLength: 5000, description: TITLE_HELP }) @IsOptional() @IsString() @MinLength(1) @MaxLength(5000) body?: string;
}

export class TemplateListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional({ enum: MESSAGE_CATEGORIES }) @IsOptional() @IsIn(MESSAGE_CATEGORIES) category?: string;
}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'null = force-wide' }) npuCode: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ enum: MESSAGE_CATEGORIES }) category: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: [String], description: 'The fields title and body name, in order of first use', example: ['location', 'date'] }) fields: string[];
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class TemplatePageDto extends PageDto(TemplateDto) {}
