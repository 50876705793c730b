import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainException, forbidden, normaliseEmail, Public, RateLimit, type ResidentPrincipal } from '@beacon/core';
import { ResidentLinksService, ResidentPageLanguage } from '@beacon/residents';
import { errorSummary, PageExceptionFilter, seeOther, setPageHeaders, ViewRenderer, type FormError, type PageLanguage } from '@beacon/web';
import { PatrolsService } from '../patrols.service';
import { SchemesService, type CoordinatorMemberView } from '../schemes.service';
import { STREET_WATCH } from '../scheme.entity';
import { londonInstant } from './london-time';
import { ResidentSchemePagesRepository } from './resident-scheme-pages.repository';

const VIEWS = new URL('../views/', import.meta.url);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Writes from these pages share one per-IP budget (the token in the form is the session). */
const PAGE_WRITES = { name: 'resident-scheme-pages', windowSeconds: 3600, perIp: 120 };

type FormBody = Record<string, string | string[] | undefined>;
const text = (body: FormBody | undefined, name: string): string => {
  const v = body?.[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
};

/** What the page after a form says (post/redirect/get: the redirect names the outcome, never the data): its catalogue key. */
const NOTICES: Record<string, string> = {
  joined: 'schemes.notice.joined',
  accepted: 'schemes.notice.joined',
  declined: 'schemes.notice.declined',
  left: 'schemes.notice.left',
  patrol: 'schemes.notice.patrol',
  invited: 'schemes.notice.invited',
  removed: 'schemes.notice.removed',
};
const noticeOf = (done: unknown): string | null => (typeof done === 'string' && Object.hasOwn(NOTICES, done) ? NOTICES[done] : null);

interface PatrolForm {
  partner: string;
  day: string;
  startTime: string;
  endTime: string;
  route: string;
}

/**
 * The residents' scheme pages: join a scheme of their NPU, answer an invitation, register a
 * Street Watch patrol with a partner, and (a coordinator) invite and remove members. The session
 * is the manage page's signed 'manage' token (in the link, then in a hidden field of every form,
 * so each POST carries a secret a cross-site page cannot know); only a full (signed-in) session
 * may use them, since a message's preferences link can be forwarded. Every rule is the schemes
 * service's: these pages only turn forms into its calls and its answers into pages.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageExceptionFilter)
@Controller('me/schemes')
export class ResidentSchemePagesController {
  constructor(
    private readonly schemes: SchemesService,
    private readonly patrols: PatrolsService,
    private readonly reads: ResidentSchemePagesRepository,
    private readonly links: ResidentLinksService,
    private readonly views: ViewRenderer,
    private readonly language: ResidentPageLanguage,
  ) {}

  @Get()
  async overview(@Query('token') token: unknown, @Query('done') done: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(token);
    const [mine, invitations, joinable, patrols] = await Promise.all([
      this.schemes.listMine(me.id),
      this.schemes.listInvitations(me.id),
      this.reads.listJoinable(me.id),
      this.reads.listUpcomingPatrols(me.id),
    ]);
    return this.render(res, 200, 'schemes.njk', me, () => ({
      notice: noticeOf(done),
      mine: mine.map((s) => ({ ...s, canPatrol: s.type === STREET_WATCH && s.status === 'active' })),
      invitations,
      joinable,
      patrols,
    }));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/join')
  async join(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    await this.schemes.join(me.id, id);
    return seeOther(res, this.overviewHref(me, 'joined'));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/invitation/accept')
  async accept(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    await this.schemes.acceptInvitation(me.id, id);
    return seeOther(res, this.overviewHref(me, 'accepted'));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/invitation/decline')
  async decline(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    await this.schemes.declineInvitation(me.id, id);
    return seeOther(res, this.overviewHref(me, 'declined'));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/leave')
  async leave(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    await this.schemes.leave(me.id, id);
    return seeOther(res, this.overviewHref(me, 'left'));
  }

  @Get(':id/patrols/new')
  async patrolForm(@Param('id', ParseUUIDPipe) id: string, @Query('token') token: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(token);
    return this.patrolPage(res, 200, me, id, { partner: '', day: '', startTime: '', endTime: '', route: '' }, []);
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/patrols')
  async registerPatrol(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    const v: PatrolForm = { partner: text(body, 'partner'), day: text(body, 'day'), startTime: text(body, 'startTime'), endTime: text(body, 'endTime'), route: text(body, 'route') };
    const errors: FormError[] = [];
    const partners = await this.partnersOf(me, id);
    if (!partners.some((p) => p.residentId === v.partner)) errors.push({ field: 'partner', message: 'schemes.errors.partner' });
    const startsAt = londonInstant(v.day, v.startTime);
    let endsAt = londonInstant(v.day, v.endTime);
    if (!londonInstant(v.day, '00:00')) errors.push({ field: 'day', message: 'schemes.errors.day' });
    else if (!startsAt) errors.push({ field: 'startTime', message: 'schemes.errors.startTime' });
    if (!endsAt && !errors.some((e) => e.field === 'day')) errors.push({ field: 'endTime', message: 'schemes.errors.endTime' });
    // A patrol ending at or before its start time ends the next day (an evening into the night).
    if (startsAt && endsAt && endsAt <= startsAt) endsAt = new Date(endsAt.getTime() + 24 * 3600 * 1000);
    if (!v.route) errors.push({ field: 'route', message: 'schemes.errors.route' });
    else if (v.route.length > 2000) errors.push({ field: 'route', message: 'schemes.errors.routeLength' });
    if (!errors.length) {
      try {
        await this.patrols.registerPair(me, id, { startsAt: startsAt!.toISOString(), endsAt: endsAt!.toISOString(), route: v.route, partnerResidentId: v.partner });
        return seeOther(res, this.overviewHref(me, 'patrol'));
      } catch (e) {
        if (!(e instanceof DomainException) || !['VALIDATION', 'CONFLICT'].includes(e.code)) throw e;
        errors.push(patrolProblem(e));
        return this.patrolPage(res, e.code === 'CONFLICT' ? 409 : 400, me, id, v, errors, partners);
      }
    }
    return this.patrolPage(res, 400, me, id, v, errors, partners);
  }

  @Get(':id/members')
  async members(@Param('id', ParseUUIDPipe) id: string, @Query('token') token: unknown, @Query('done') done: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(token);
    return this.membersPage(res, 200, me, id, '', [], noticeOf(done));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/members/invite')
  async invite(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    const typed = text(body, 'email');
    if (!EMAIL.test(typed) || typed.length > 254) {
      return this.membersPage(res, 400, me, id, typed, [{ field: 'email', message: 'schemes.errors.email' }]);
    }
    // Someone not signed up (or not verified) gets the invitation of an id no one holds: the
    // service runs the same checks, stores nothing, and the page says the same either way.
    const invitee = (await this.reads.findIdByVerifiedEmail(normaliseEmail(typed))) ?? '00000000-0000-4000-8000-000000000000';
    try {
      await this.schemes.invite(me, id, invitee);
    } catch (e) {
      // "Already a member" only names someone the coordinator sees in the list anyway.
      if (!(e instanceof DomainException) || e.code !== 'CONFLICT' || !/already a member/.test(e.message)) throw e;
      return this.membersPage(res, 409, me, id, typed, [{ field: 'email', message: 'schemes.errors.alreadyMember' }]);
    }
    return seeOther(res, this.membersHref(me, id, 'invited'));
  }

  @RateLimit(PAGE_WRITES)
  @Post(':id/members/remove')
  async remove(@Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res({ passthrough: true }) res: Response): Promise<string> {
    const me = await this.session(body?.token);
    const member = text(body, 'residentId');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(member)) throw new DomainException('VALIDATION', 'Choose a member to remove');
    await this.schemes.removeMember(me, id, member);
    return seeOther(res, this.membersHref(me, id, 'removed'));
  }

  /** A full (signed-in) manage session of a resident who is still there. */
  private async session(token: unknown): Promise<ResidentPrincipal & { token: string }> {
    const session = this.links.fullSession(token, 'Sign in with an email link to use your scheme pages');
    await this.schemes.assertResidentCurrent(session.residentId);
    return { kind: 'resident', id: session.residentId, token: session.token };
  }

  private overviewHref(me: { token: string }, done: string): string {
    return `/me/schemes?token=${encodeURIComponent(me.token)}&done=${done}`;
  }

  private membersHref(me: { token: string }, schemeId: string, done: string): string {
    return `/me/schemes/${schemeId}/members?token=${encodeURIComponent(me.token)}&done=${done}`;
  }

  /** The scheme as one of its active members sees it, and the other members to patrol with. */
  private async partnersOf(me: ResidentPrincipal, schemeId: string) {
    const mine = (await this.schemes.listMine(me.id)).find((s) => s.id === schemeId);
    if (!mine) throw forbidden('Only members of the scheme can register a patrol');
    if (mine.type !== STREET_WATCH) throw new DomainException('CONFLICT', 'Only Street Watch schemes plan patrols');
    return this.reads.listPartners(schemeId, me.id);
  }

  private async patrolPage(res: Response, status: number, me: ResidentPrincipal & { token: string }, schemeId: string, v: PatrolForm, errors: FormError[], known?: { residentId: string; firstName: string | null }[]): Promise<string> {
    const partners = known ?? (await this.partnersOf(me, schemeId));
    const scheme = (await this.schemes.listMine(me.id)).find((s) => s.id === schemeId)!;
    return this.render(res, status, 'patrol-form.njk', me, ({ t }) => ({
      scheme,
      values: v,
      partnerItems: partners.map((p, i) => ({ value: p.residentId, text: p.firstName ?? t('schemes.member', { n: i + 1 }), checked: p.residentId === v.partner })),
      backLink: { href: `/me/schemes?token=${encodeURIComponent(me.token)}`, text: t('schemes.back') },
    }), errors);
  }

  private async membersPage(res: Response, status: number, me: ResidentPrincipal & { token: string }, schemeId: string, email: string, errors: FormError[], notice: string | null = null): Promise<string> {
    // listMembers is the coordinator check (403 for anyone else, 404 for no such scheme).
    const page = await this.schemes.listMembers(me, schemeId, { limit: 200 });
    const scheme = (await this.schemes.listMine(me.id)).find((s) => s.id === schemeId)!;
    return this.render(res, status, 'members.njk', me, ({ t }) => ({
      scheme,
      members: (page.items as CoordinatorMemberView[]).map((m, i) => ({ ...m, name: m.firstName ?? t('schemes.member', { n: i + 1 }), isMe: m.residentId === me.id })),
      email,
      notice,
      backLink: { href: `/me/schemes?token=${encodeURIComponent(me.token)}`, text: t('schemes.back') },
    }), errors);
  }

  /** A page in the resident's language (their stored one unless they chose another; libs/web renderPage; error and notice keys translated there). */
  private async render(res: Response, status: number, view: string, me: { id: string; token: string }, context: (language: PageLanguage) => Record<string, unknown>, errors: FormError[] = []): Promise<string> {
    await this.language.use(res, me.id);
    setPageHeaders(res);
    res.status(status);
    return this.views.renderPage(res, VIEWS, view, (language) => ({ notice: null, backLink: null, ...context(language), token: me.token, errors: errorSummary(errors) }));
  }
}

/** The service's answer to a patrol that breaks a rule, as a field problem a resident can act on. */
function patrolProblem(e: DomainException): FormError {
  if (e.code === 'CONFLICT' && /overlapping/.test(e.message)) return { field: 'startTime', message: 'schemes.errors.overlap' };
  if (e.code === 'CONFLICT') return { message: 'schemes.errors.noPatrols' };
  if (/future/.test(e.message)) return { field: 'day', message: 'schemes.errors.future' };
  if (/at most/.test(e.message)) return { field: 'endTime', message: 'schemes.errors.tooLong' };
  if (/active members/.test(e.message)) return { field: 'partner', message: 'schemes.errors.partnerActive' };
  return { message: 'schemes.errors.check' };
}
