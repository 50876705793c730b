import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { InjectConfig, notFound, Staff, type AppConfig } from '@beacon/core';
import { OutboxStore, type OutboxEntry } from './outbox.store';

export class OutboxQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ enum: ['email', 'sms'] })
  @IsOptional() @IsIn(['email', 'sms'])
  channel?: 'email' | 'sms';
}

export class OutboxEntryDto implements OutboxEntry {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['email', 'sms'] }) channel: 'email' | 'sms';
  @ApiProperty({ description: 'E-mail address or phone number' }) to: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional() subject?: string;
  @ApiProperty() text: string;
  @ApiPropertyOptional() html?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) headers?: Record<string, string>;
}

export class OutboxTransportsDto {
  @ApiProperty({ enum: ['smtp', 'outbox'] }) email: 'smtp' | 'outbox';
  @ApiProperty({ enum: ['twilio', 'outbox'] }) sms: 'twilio' | 'outbox';
}

export class OutboxListDto {
  @ApiProperty({ type: [OutboxEntryDto] }) items: OutboxEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: the outbox is one page' }) nextCursor: string | null;
  @ApiProperty({ type: OutboxTransportsDto }) transports: OutboxTransportsDto;
}

/**
 * Dev/demo only: what the outbox transports "sent" (used when SMTP / Twilio are not
 * configured), so `npm start` users can read the e-mails and texts residents would get.
 * It holds sign-in and verification links, so it does not exist in production.
 */
@ApiTags('dev')
@Controller('api/v1/outbox')
export class OutboxController {
  constructor(
    private readonly outbox: OutboxStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Staff({ roles: ['admin', 'eco'] })
  @Get()
  @ApiOperation({ summary: 'Newest first: e-mails and SMS written to the dev outbox (404 in production)' })
  @ApiOkResponse({ type: OutboxListDto })
  list(@Query() q: OutboxQueryDto): OutboxListDto {
    if (this.config.env === 'production') throw notFound('Outbox');
    const limit = q.limit ?? 50;
    // The store is a directory of small JSON files; filtering by channel reads a few more.
    const items = this.outbox.list(q.channel ? 1000 : limit).filter((e) => !q.channel || e.channel === q.channel).slice(0, limit);
    return {
      items,
      nextCursor: null,
      transports: { email: this.config.mail.smtpUrl ? 'smtp' : 'outbox', sms: this.config.sms.accountSid ? 'twilio' : 'outbox' },
    };
  }
}
