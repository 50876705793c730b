import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '@beacon/core';
import { REPLY_STATUSES } from './engagement.entity';

const NOT_BLANK = /\S/;

/** Resident API (JSON): the score must be an integer. */
export class RateMessageDto {
  @ApiProperty({ minimum: 1, maximum: 6, description: '1 = not useful … 6 = very useful' })
  @IsInt() @Min(1) @Max(6)
  score: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional() @IsString() @MaxLength(1000)
  comment?: string;
}

// Forms post text: "1"…"6" becomes a number; anything else stays as sent and fails @IsInt.
const formInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value);

/** Rating page: an HTML form posts the score as text ("1"…"6"); JSON is accepted too. */
export class RateByLinkDto {
  @ApiProperty({ minimum: 1, maximum: 6 })
  @Transform(formInt) @IsInt() @Min(1) @Max(6)
  score: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional() @IsString() @MaxLength(1000)
  comment?: string;
}

export class CreateReplyDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString() @MaxLength(2000) @Matches(NOT_BLANK, { message: 'body must not be empty' })
  body: string;
}

export class CreateResponseDto {
  @ApiProperty({ maxLength: 1500, description: 'Sent to the resident by e-mail or SMS' })
  @IsString() @MaxLength(1500) @Matches(NOT_BLANK, { message: 'body must not be empty' })
  body: string;
}

export class InboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
  @ApiPropertyOptional({ enum: REPLY_STATUSES, default: 'open' }) @IsOptional() @IsIn(REPLY_STATUSES) status?: string;
}
