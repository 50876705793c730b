import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, StaffPage, UuidParam } from '@beacon/core';
import { MAX_PATROL_HOURS, PatrolsService, SCHEME_MANAGER_ROLES, SchemesService, type PatrolView } from '@beacon/schemes';
import { CsrfGuard, errorSummary, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, fields, me } from './console-pages';
import { dateToUkLocal, ukLocalToDate } from './message-form';

const NOTICES: Record<string, string> = {
  planned: 'The patrol is planned.',
  cancelled: 'The patrol is cancelled. Its volunteers are free for another patrol at that time.',
  reported: 'The patrol report is filed.',
};
const DAY_MS = 24 * 3600 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true });
const time = (d: Date) => timeFormat.format(d).replace(' am', 'am').replace(' pm', 'pm');
const ukDay = (d: Date) => dateToUkLocal(d).slice(0, 10);
const volunteerNames = (p: PatrolView) => p.volunteers.map((v) => v.firstName ?? 'A volunteer').join(', ');

/** The Monday (UK calendar) of the week holding `day` (YYYY-MM-DD), as YYYY-MM-DD. */
function mondayOf(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
}
const addDays = (day: string, n: number) => new Date(new Date(`${day}T12:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);

interface PlanForm {
  date: string;
  start: string;
  end: string;
  route: string;
  volunteers: string[];
}

/**
 * Street Watch patrols: a week's calendar (cancelled ones marked, with their reason), planning
 * a patrol with two or more members, cancelling one before it starts, and its report after it
 * ends. Every rule is PatrolsService's; this page only reads the form and shows the outcome.
 */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsolePatrolsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly patrols: PatrolsService,
    private readonly schemes: SchemesService,
  ) {}

  @Get('patrols')
  async calendar(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('week') week?: string) {
    const staff = me(req);
    const today = ukDay(new Date());
    const monday = mondayOf(typeof week === 'string' && DATE.test(week) && !Number.isNaN(Date.parse(week)) ? week : today);
    const from = ukLocalToDate(`${monday}T00:00`)!;
    const to = ukLocalToDate(`${addDays(monday, 7)}T00:00`)!;
    const found: PatrolView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.patrols.list(staff, { from: from.toISOString(), to: to.toISOString(), cursor, limit: 200 });
      found.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const days = Array.from({ length: 7 }, (_, i) => {
      const day = addDays(monday, i);
      return {
        day,
        heading: dayFormat.format(new Date(`${day}T12:00:00Z`)),
        today: day === today,
        patrols: found
          .filter((p) => ukDay(p.startsAt) === day)
          .map((p) => ({ ...p, times: `${time(p.startsAt)} to ${time(p.endsAt)}`, volunteerNames: volunteerNames(p) })),
      };
    });
    return this.pages.render(req, res, 'patrols.njk', 'schemes', {
      days,
      weekHeading: `Week beginning ${dayFormat.format(new Date(`${monday}T12:00:00Z`))} ${monday.slice(0, 4)}`,
      previousHref: `/console/patrols?week=${addDays(monday, -7)}`,
      nextHref: `/console/patrols?week=${addDays(monday, 7)}`,
      thisWeekHref: monday === mondayOf(today) ? null : '/console/patrols',
      backLink: { href: '/console/schemes', text: 'Schemes' },
    });
  }

  @Get('patrols/:id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    return this.detailPage(req, res, id, NOTICES[done ?? ''] ?? null, [], { reason: '', observations: '' });
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post('patrols/:id/cancel')
  async cancel(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const reason = field(body, 'reason');
    if (reason.length > 500) return this.detailPage(req, res, id, null, [{ field: 'reason', message: 'The reason must be 500 characters or fewer' }], { reason, observations: '' });
    try {
      await this.patrols.cancel(me(req), id, reason || undefined);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'INVALID_TRANSITION') throw e;
      return this.detailPage(req, res, id, null, [{ field: 'reason', message: 'This patrol can no longer be cancelled: it has started or is already cancelled' }], { reason, observations: '' });
    }
    return res.redirect(303, `/console/patrols/${id}?done=cancelled`);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post('patrols/:id/report')
  async report(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const observations = field(body, 'observations');
    const errors: FormError[] = [];
    if (!observations) errors.push({ field: 'observations', message: 'Enter what the patrol saw' });
    else if (observations.length > 5000) errors.push({ field: 'observations', message: 'The report must be 5,000 characters or fewer' });
    if (errors.length) return this.detailPage(req, res, id, null, errors, { reason: '', observations });
    try {
      await this.patrols.fileReport(me(req), id, observations);
    } catch (e) {
      if (!(e instanceof DomainException) || !['INVALID_TRANSITION', 'CONFLICT'].includes(e.code)) throw e;
      const message = e.code === 'CONFLICT' ? 'This patrol already has a report' : 'A report can be filed once the patrol has ended, and not for a cancelled patrol';
      return this.detailPage(req, res, id, null, [{ field: 'observations', message }], { reason: '', observations });
    }
    return res.redirect(303, `/console/patrols/${id}?done=reported`);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Get('schemes/:id/patrols/new')
  async planForm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    return this.planPage(req, res, id, { date: '', start: '', end: '', route: '', volunteers: [] }, []);
  }

  @StaffPage({ roles: SCHEME_MANAGER_ROLES })
  @Post('schemes/:id/patrols')
  async plan(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Body() body: unknown) {
    const values: PlanForm = { date: field(body, 'date'), start: field(body, 'start'), end: field(body, 'end'), route: field(body, 'route'), volunteers: fields(body, 'volunteers') };
    const errors: FormError[] = [];
    const startsAt = DATE.test(values.date) && TIME.test(values.start) ? ukLocalToDate(`${values.date}T${values.start}`) : null;
    let endsAt = startsAt && TIME.test(values.end) ? ukLocalToDate(`${values.date}T${values.end}`) : null;
    // An end before the start is the next morning: a night patrol.
    if (startsAt && endsAt && endsAt <= startsAt) endsAt = ukLocalToDate(`${addDays(values.date, 1)}T${values.end}`);
    if (!startsAt) errors.push({ field: 'date', message: 'Enter the date and start time of the patrol' });
    else if (startsAt.getTime() <= Date.now()) errors.push({ field: 'date', message: 'The patrol must start in the future' });
    if (!endsAt) errors.push({ field: 'end', message: 'Enter the time the patrol ends' });
    else if (startsAt && endsAt.getTime() - startsAt.getTime() > MAX_PATROL_HOURS * 3600 * 1000) errors.push({ field: 'end', message: `A patrol lasts at most ${MAX_PATROL_HOURS} hours` });
    if (!values.route) errors.push({ field: 'route', message: 'Enter the route' });
    else if (values.route.length > 2000) errors.push({ field: 'route', message: 'The route must be 2,000 characters or fewer' });
    if (values.volunteers.length < 2) errors.push({ field: 'volunteers', message: 'Choose at least two volunteers: nobody patrols alone' });
    if (errors.length) return this.planPage(req, res, id, values, errors);
    let patrol: PatrolView;
    try {
      patrol = await this.patrols.plan(me(req), id, { startsAt: startsAt!.toISOString(), endsAt: endsAt!.toISOString(), route: values.route, volunteerResidentIds: values.volunteers });
    } catch (e) {
      if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT', 'INVALID_TRANSITION'].includes(e.code)) throw e;
      const message =
        e.code === 'CONFLICT'
          ? 'A volunteer is already on a patrol at that time: choose other volunteers or another time'
          : e.code === 'INVALID_TRANSITION'
            ? 'Only an active Street Watch scheme plans patrols'
            : 'The volunteers must be active members of the scheme';
      return this.planPage(req, res, id, values, [{ field: 'volunteers', message }]);
    }
    return res.redirect(303, `/console/patrols/${patrol.id}?done=planned`);
  }

  private async detailPage(req: Request, res: Response, id: string, notice: string | null, errors: FormError[], values: { reason: string; observations: string }) {
    const staff = me(req);
    const p = await this.patrols.get(staff, id);
    const manager = SCHEME_MANAGER_ROLES.includes(staff.role);
    const now = Date.now();
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'patrol.njk', 'schemes', {
      p: { ...p, day: dayFormat.format(p.startsAt), times: `${time(p.startsAt)} to ${time(p.endsAt)}`, volunteerNames: volunteerNames(p) },
      canCancel: manager && p.status === 'planned' && p.startsAt.getTime() > now,
      canReport: manager && p.status === 'planned' && !p.report && p.endsAt.getTime() <= now,
      values,
      notice,
      errors: errorSummary(errors),
      backLink: { href: `/console/patrols?week=${mondayOf(ukDay(p.startsAt))}`, text: 'Patrol calendar' },
    });
  }

  private async planPage(req: Request, res: Response, schemeId: string, values: PlanForm, errors: FormError[]) {
    const staff = me(req);
    const scheme = await this.schemes.get(staff, schemeId);
    const members = await this.schemes.listMembers(staff, schemeId, { limit: 100 });
    const chosen = new Set(values.volunteers);
    if (errors.length) res.status(400);
    return this.pages.render(req, res, 'patrol-new.njk', 'schemes', {
      scheme,
      streetWatch: scheme.type === 'street_watch' && scheme.status === 'active',
      values,
      volunteerOptions: members.items
        .filter((m) => !('status' in m) || m.status === 'active')
        .map((m) => ({ value: m.residentId, text: [m.firstName, 'lastName' in m ? m.lastName : null].filter(Boolean).join(' ') || 'A resident', checked: chosen.has(m.residentId) })),
      maxHours: MAX_PATROL_HOURS,
      errors: errorSummary(errors),
      backLink: { href: `/console/schemes/${schemeId}`, text: scheme.name },
    });
  }
}
