import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, scopedNpu, StaffPage, UuidParam } from '@beacon/core';
import { InboxService, RatingService, type InboxItem } from '@beacon/engagement';
import { CsrfGuard, errorSummary, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, INBOX_ROLES, me } from './console-pages';

const NOTICES: Record<string, string> = {
  answered: 'Your answer is on its way to the resident.',
  closed: 'The reply is closed.',
  assigned: 'The reply is assigned.',
};
const STATUSES = ['open', 'answered', 'closed'];
/** Views of the inbox besides the statuses: replies given to me, and residents' rating comments. */
const MINE = 'mine';
const COMMENTS = 'comments';
const NOT_A_COLLEAGUE = 'Choose a colleague who can answer replies for this NPU';

type Card = InboxItem & { responses: { staffName: string; body: string; channel: string; createdAt: Date }[]; draft?: string };

/**
 * Replies from residents: answer (sent back the way they wrote), give to a colleague, close;
 * answered ones show who answered. Listing open replies marks them read (the unread count on Home).
 */
@ApiExcludeController()
@StaffPage({ roles: INBOX_ROLES })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/inbox')
export class ConsoleInboxController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly inbox: InboxService,
    private readonly ratings: RatingService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('status') status?: string, @Query('cursor') cursor?: string, @Query('done') done?: string) {
    const staff = me(req);
    const chosen = [...STATUSES, MINE, COMMENTS].includes(status ?? '') ? status! : 'open';
    const tabs = [
      ...optionsOf('replyStatus', chosen).map((o) => ({ text: o.text, value: o.value })),
      { text: 'Assigned to me', value: MINE },
      { text: 'Rating comments', value: COMMENTS },
    ].map((o) => ({ text: o.text, href: `/console/inbox?status=${o.value}`, active: o.value === chosen }));
    const common = { status: chosen, tabs, notice: NOTICES[done ?? ''] ?? null, errors: null };
    if (chosen === COMMENTS) {
      const comments = await this.ratings.commentsForNpu(scopedNpu(staff, undefined));
      return this.pages.render(req, res, 'inbox.njk', 'inbox', { ...common, items: [], comments, nextHref: null });
    }
    const page = await this.inbox.list(staff, { status: chosen === MINE ? 'open' : chosen, cursor, limit: 25 }, { assignedToMe: chosen === MINE });
    // Answers and who gave them, for the replies that have any.
    const items: Card[] = await Promise.all(page.items.map(async (r) => (r.status === 'open' ? { ...r, responses: [] } : await this.inbox.detail(staff, r.id))));
    const html = this.pages.render(req, res, 'inbox.njk', 'inbox', {
      ...common,
      items: await this.withColleagues(staff, items),
      comments: null,
      nextHref: page.nextCursor ? `/console/inbox?${new URLSearchParams({ status: chosen, cursor: page.nextCursor })}` : null,
    });
    // Seen now: rendered first, so this page still marks them new.
    await this.inbox.markRead(page.items);
    return html;
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
        return this.rerender(req, res, id, { field: `answer-${id}`, message: 'This resident can no longer be reached by email or text message' }, text);
      }
    }
    return this.rerender(req, res, id, { field: `answer-${id}`, message: problem }, text);
  }

  /** Gives the reply to a colleague (an empty choice: to nobody). */
  @Post(':id/assign')
  async assign(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const staffId = field(body, 'staffId');
    try {
      await this.inbox.assign(me(req), id, staffId || null);
      return res.redirect(303, '/console/inbox?done=assigned');
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.rerender(req, res, id, { field: `assign-${id}`, message: NOT_A_COLLEAGUE });
    }
  }

  @Post(':id/close')
  async close(@Req() req: Request, @Res() res: Response, @Param('id', UuidParam) id: string) {
    await this.inbox.close(me(req), id);
    res.redirect(303, '/console/inbox?done=closed');
  }

  /** Each open or answered card with the colleagues it may be given to (one query per NPU shown). */
  private async withColleagues(staff: ReturnType<typeof me>, items: Card[]) {
    const npus = [...new Set(items.filter((r) => r.status !== 'closed').map((r) => r.npuCode))];
    const byNpu = new Map(await Promise.all(npus.map(async (n) => [n, await this.inbox.assignable(staff, n)] as const)));
    return items.map((r) => ({
      ...r,
      colleagues: [
        { value: '', text: 'Nobody', selected: !r.assignedTo },
        ...(byNpu.get(r.npuCode) ?? []).map((c) => ({ value: c.id, text: c.id === staff.id ? `${c.name} (you)` : c.name, selected: c.id === r.assignedTo?.id })),
      ],
    }));
  }

  private async rerender(req: Request, res: Response, id: string, error: FormError, draft = '') {
    const staff = me(req);
    const reply = await this.inbox.detail(staff, id);
    res.status(400);
    return this.pages.render(req, res, 'inbox.njk', 'inbox', {
      items: await this.withColleagues(staff, [{ ...reply, draft }]),
      comments: null,
      status: reply.status,
      tabs: [],
      nextHref: null,
      errors: errorSummary([error]),
    });
  }
}
