import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { HasVisibleCharacter, PageQueryDto } from '@beacon/core';
import { APPLICANT_TYPES, BID_THEMES, EVALUATION_OUTCOMES, type ApplicantType, type BidTheme, type EvaluationOutcome } from '../funding.entity';
import { IsFinancialYear, IsPence, MAX_PENCE } from '../money';
import { BID_STATUSES, type BidStatus } from './bid-status';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class SubmitBidDto {
  @ApiProperty({ example: 'BE' }) @IsString() @Matches(/^[A-Z]{2,8}$/) npuCode: string;
  @ApiProperty({ example: '2019-20' }) @IsFinancialYear() financialYear: string;
  @HasVisibleCharacter()
  @ApiProperty({ maxLength: 120 }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(120) applicantName: string;
  @ApiProperty({ enum: APPLICANT_TYPES }) @IsIn(APPLICANT_TYPES) applicantType: ApplicantType;
  @ApiProperty() @Transform(lower) @IsEmail() @MaxLength(254) contactEmail: string;
  @ApiProperty({ maxLength: 200 }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) title: string;
  @ApiProperty({ maxLength: 5000 }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(5000) summary: string;
  @ApiProperty({ enum: BID_THEMES }) @IsIn(BID_THEMES) theme: BidTheme;
  @ApiProperty({ minimum: 1, maximum: MAX_PENCE, description: 'Integer pence' }) @IsPence(1) amountRequestedPence: number;
}

export class BidIdParamsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id: string;
}

export class AssignBidDto {
  @ApiProperty({ format: 'uuid', description: 'An active staff member of the bid\'s NPU' }) @IsUUID() staffId: string;
}

export class ApproveBidDto {
  @ApiProperty({ minimum: 1, description: 'Integer pence, at most the amount requested' }) @IsPence(1) amountAwardedPence: number;
}

export class RejectBidDto {
  @ApiProperty({ maxLength: 1000 }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class RecordPaymentDto {
  @ApiProperty({ minimum: 1, description: 'Integer pence' }) @IsPence(1) amountPence: number;
  @ApiProperty({ example: '2019-11-30' }) @IsString() @Matches(/^\d{4}-\d{2}-\d{2}$/) @IsISO8601({ strict: true }) paidOn: string;
}

export class RecordEvaluationDto {
  @ApiProperty({ enum: EVALUATION_OUTCOMES }) @IsIn(EVALUATION_OUTCOMES) outcome: EvaluationOutcome;
  @ApiProperty({ maxLength: 5000 }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(5000) notes: string;
}

export class BidListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @IsString() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional({ example: '2019-20' }) @IsOptional() @IsFinancialYear() year?: string;
  @ApiPropertyOptional({ enum: BID_STATUSES }) @IsOptional() @IsIn(BID_STATUSES) status?: BidStatus;
}
