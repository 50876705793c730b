import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { scopedNpu, StaffPage } from '@beacon/core';
import { INBOX_ROLES, InboxService } from '@beacon/engagement';
import { BID_DECIDERS, BidService } from '@beacon/funding';
import { MessageService } from '@beacon/messaging';
import { addMonths, currentMonth, ReportsService } from '@beacon/reports';
import { PatrolsService } from '@beacon/schemes';
import { CsrfGuard, monthName } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, me, MESSAGE_WRITERS, REPORT_READERS } from './console-pages';
import { ukLocalToDate } from './message-form';
import { londonToday } from './date-input';

const COUNT_UP_TO = 100;
const PATROLS_SHOWN = 10;
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true });
const time = (d: Date) => timeFormat.format(d).replace(' am', 'am').replace(' pm', 'pm');

interface Figure {
  n: number;
  more: boolean;
}
const count = async (p: Promise<{ items: unknown[]; nextCursor: string | null }>): Promise<Figure> => {
  const page = await p;
  return { n: page.items.length, more: !!page.nextCursor };
};
const sum = (a: Figure, b: Figure): Figure => ({ n: a.n + b.n, more: a.more || b.more });

/** The dashboard of the signed-in role: what is waiting for them, each figure only for roles that may act on it. */
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
    private readonly patrols: PatrolsService,
    private readonly bids: BidService,
    private readonly reports: ReportsService,
  ) {}

  @Get()
  async home(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const staff = me(req);
    const writer = MESSAGE_WRITERS.includes(staff.role);
    const npuCode = scopedNpu(staff, undefined);
    const today = londonToday();
    const tomorrow = new Date(new Date(`${today}T12:00:00Z`).getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    const month = currentMonth();
    const [drafts, pending, open, patrols, bids, signups, recent, refreshedAt] = await Promise.all([
      writer ? count(this.messages.list(staff, { status: 'draft', authorId: staff.id, limit: COUNT_UP_TO })) : null,
      count(this.messages.list(staff, { status: 'pending_approval', limit: COUNT_UP_TO })),
      INBOX_ROLES.includes(staff.role) ? this.inbox.openCounts(staff) : null,
      this.patrols.list(staff, { from: ukLocalToDate(`${today}T00:00`)!.toISOString(), to: ukLocalToDate(`${tomorrow}T00:00`)!.toISOString(), status: 'planned', limit: PATROLS_SHOWN }),
      BID_DECIDERS.includes(staff.role)
        ? Promise.all([
            count(this.bids.list(staff, { npuCode, status: 'submitted' }, undefined, COUNT_UP_TO)),
            count(this.bids.list(staff, { npuCode, status: 'under_review' }, undefined, COUNT_UP_TO)),
          ]).then(([a, b]) => sum(a, b))
        : null,
      REPORT_READERS.includes(staff.role) ? this.signups(staff, month) : null,
      this.messages.list(staff, { limit: 5 }),
      REPORT_READERS.includes(staff.role) ? this.reports.lastRefreshedAt() : null,
    ]);
    return this.pages.render(req, res, 'home.njk', 'home', {
      drafts,
      pending,
      open,
      patrolsToday: {
        n: patrols.items.length,
        more: !!patrols.nextCursor,
        items: patrols.items.map((p) => ({ id: p.id, schemeName: p.scheme.name, wardName: p.ward.name, times: `${time(p.startsAt)} to ${time(p.endsAt)}` })),
      },
      bids,
      signups: signups && { ...signups, monthText: monthName(month), lastMonthText: monthName(addMonths(month, -1)), refreshedAt },
      recent: recent.items,
      writer,
    });
  }

  /** New sign-ups this month and last, of the caller's NPU or the force (the report's pre-aggregated figures). */
  private async signups(staff: ReturnType<typeof me>, month: string): Promise<{ thisMonth: number; lastMonth: number }> {
    const rows = await this.reports.signups(staff, { from: addMonths(month, -1), to: month, groupBy: 'npu' });
    const of = (m: string) => rows.filter((r) => r.month.startsWith(m)).reduce((n, r) => n + r.newSignups, 0);
    return { thisMonth: of(month), lastMonth: of(addMonths(month, -1)) };
  }
}
