import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, StaffPage, UuidParam } from '@beacon/core';
import { InboxService } from '@beacon/engagement';
import { CsrfGuard, errorSummary, optionsOf } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, INBOX_ROLES, me } from './console-pages';

const NOTICES: Record<string, string> = { answered: 'Your answer is on its way to the resident.', closed: 'The reply is closed.' };
const STATUSES = ['open', 'answered', 'closed'];

/** Replies from residents: answer (sent back the way they wrote), close; answered ones show who answered. */
@ApiExcludeController()
@StaffPage({ roles: INBOX_ROLES })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/inbox')
export class ConsoleInboxController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly inbox: InboxService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('status') status?: string, @Query('cursor') cursor?: string, @Query('done') done?: string) {
    const staff = me(req);
    const chosen = STATUSES.includes(status ?? '') ? status! : 'open';
    const page = await this.inbox.list(staff, { status: chosen, cursor, limit: 25 });
    // Answers and who gave them, for the replies that have any.
    const items = await Promise.all(page.items.map(async (r) => (r.status === 'open' ? { ...r, responses: [] } : await this.inbox.detail(staff, r.id))));
    return this.pages.render(req, res, 'inbox.njk', 'inbox', {
      items,
      status: chosen,
      tabs: optionsOf('replyStatus', chosen).map((o) => ({ text: o.text, href: `/console/inbox?status=${o.value}`, active: o.value === chosen })),
      nextHref: page.nextCursor ? `/console/inbox?${new URLSearchParams({ status: chosen, cursor: page.nextCursor })}` : null,
      notice: NOTICES[done ?? ''] ?? null,
      errors: null,
    });
  }

  @Post(':id/answer')
  async answer(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const text = field(body, 'answer');
    const problem = !text ? 'Enter your answer' : text.length > 1500 ? 'Your answer must be 1,500 characters or fewer' : null;
    if (!problem) {
      try {
        await this.inbox.respond(me(req), id, { body: text });
        return res.redirect(303, '/console/inbox?status=answered&done=answered');
      } catch (e) {
        if (!(e instanceof DomainException) || e.code !== 'CONFLICT') throw e;
        return this.rerender(req, res, id, text, 'This resident can no longer be reached by email or text message');
      }
    }
    return this.rerender(req, res, id, text, problem);
  }

  @Post(':id/close')
  async close(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    await this.inbox.close(me(req), id);
    res.redirect(303, '/console/inbox?done=closed');
  }

  private async rerender(req: Request, res: Response, id: string, text: string, message: string) {
    const reply = await this.inbox.detail(me(req), id);
    res.status(400);
    return this.pages.render(req, res, 'inbox.njk', 'inbox', {
      items: [{ ...reply, draft: text }],
      status: reply.status,
      tabs: [],
      nextHref: null,
      errors: errorSummary([{ field: `answer-${id}`, message }]),
    });
  }
}
