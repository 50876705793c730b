import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffPage } from '@beacon/core';
import { InboxService } from '@beacon/engagement';
import { MessageService } from '@beacon/messaging';
import { CsrfGuard } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, INBOX_ROLES, me, MESSAGE_WRITERS } from './console-pages';

const COUNT_UP_TO = 100;

/** The dashboard of the signed-in role: what is waiting for them. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleHomeController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly messages: MessageService,
    private readonly inbox: InboxService,
  ) {}

  @Get()
  async home(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const staff = me(req);
    const count = async (p: Promise<{ items: unknown[]; nextCursor: string | null }>) => {
      const page = await p;
      return { n: page.items.length, more: !!page.nextCursor };
    };
    const writer = MESSAGE_WRITERS.includes(staff.role);
    const [drafts, pending, open] = await Promise.all([
      writer ? count(this.messages.list(staff, { status: 'draft', authorId: staff.id, limit: COUNT_UP_TO })) : null,
      count(this.messages.list(staff, { status: 'pending_approval', limit: COUNT_UP_TO })),
      INBOX_ROLES.includes(staff.role) ? count(this.inbox.list(staff, { status: 'open', limit: COUNT_UP_TO })) : null,
    ]);
    const recent = await this.messages.list(staff, { limit: 5 });
    return this.pages.render(req, res, 'home.njk', 'home', { drafts, pending, open, recent: recent.items, writer });
  }
}
