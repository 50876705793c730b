import { Controller, Get, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OutboxStore } from '@beacon/channels';
import { InjectConfig, notFound, StaffPage, type AppConfig } from '@beacon/core';
import { CsrfGuard } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, OUTBOX_ROLES } from './console-pages';

const LIMIT = 50;

/**
 * Dev/test only: what the outbox transports wrote instead of sending (no SMTP server or Twilio
 * account configured). It holds sign-in and verification links, so it is admins only and does
 * not exist in production (a 404, as on the API).
 */
@ApiExcludeController()
@StaffPage({ roles: OUTBOX_ROLES })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/outbox')
export class ConsoleOutboxController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly outbox: OutboxStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('channel') channel?: string) {
    if (this.config.env === 'production') throw notFound('Page');
    const chosen = channel === 'email' || channel === 'sms' ? channel : '';
    // The store is a directory of small JSON files; filtering by channel reads a few more.
    const items = this.outbox.list(chosen ? 1000 : LIMIT).filter((e) => !chosen || e.channel === chosen).slice(0, LIMIT);
    return this.pages.render(req, res, 'outbox.njk', 'outbox', {
      // Links are links (a developer follows the verification link from here); everything else is text.
      items: items.map((e) => ({ ...e, parts: e.text.split(/(https?:\/\/[^\s<>"]+)/).map((p, i) => (i % 2 ? { href: p } : { text: p })) })),
      channelOptions: [
        { value: '', text: 'Everything', selected: !chosen },
        { value: 'email', text: 'Emails', selected: chosen === 'email' },
        { value: 'sms', text: 'Text messages', selected: chosen === 'sms' },
      ],
      transports: { email: this.config.mail.smtpUrl ? 'the SMTP server' : 'this outbox', sms: this.config.sms.accountSid ? 'Twilio' : 'this outbox' },
      partly: !!this.config.mail.smtpUrl || !!this.config.sms.accountSid,
    });
  }
}
