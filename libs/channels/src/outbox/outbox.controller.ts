import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { InjectConfig, notFound, Staff, type AppConfig } from '@beacon/core';
import { OutboxStore } from './outbox.store';

export class OutboxQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ enum: ['email', 'sms'] })
  @IsOptional() @IsIn(['email', 'sms'])
  channel?: 'email' | 'sms';
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
  list(@Query() q: OutboxQueryDto) {
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
