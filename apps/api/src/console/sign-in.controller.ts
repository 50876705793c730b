import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffService, StaffSessionService } from '@beacon/auth';
import { DomainException, Public, RateLimit, StaffPage } from '@beacon/core';
import { CsrfGuard, CsrfService, errorSummary } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, safeNext } from './console-pages';

/** Console sign-in with the staff password (a later change adds OIDC and a second factor here). */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class SignInController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly staff: StaffService,
    private readonly sessions: StaffSessionService,
    private readonly csrf: CsrfService,
  ) {}

  @Public()
  @Get('sign-in')
  async form(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('next') next?: string, @Query('signedOut') signedOut?: string) {
    const current = await this.sessions.resolve((req.cookies as Record<string, string | undefined>)?.[this.sessions.cookieName]);
    if (current) return res.redirect(303, safeNext(next));
    return this.pages.render(req, res, 'sign-in.njk', null, { next: safeNext(next), values: {}, notice: signedOut ? 'You have signed out.' : null });
  }

  @Public()
  @RateLimit({ name: 'staff-login', windowSeconds: 300, perIp: 100, perValue: { fields: { email: 'email' }, limit: 10 } })
  @Post('sign-in')
  @HttpCode(303)
  async signIn(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>) {
    const email = field(body, 'email');
    const password = typeof body?.password === 'string' ? body.password : '';
    const next = safeNext(field(body, 'next'));
    const problems = [];
    if (!email) problems.push({ field: 'email', message: 'Enter your email address' });
    if (!password) problems.push({ field: 'password', message: 'Enter your password' });
    if (!problems.length) {
      try {
        const who = await this.staff.checkPassword(email, password);
        const id = await this.sessions.start(who.id, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
        res.cookie(this.sessions.cookieName, id, this.sessions.cookieOptions());
        // The pre-sign-in CSRF cookies belong to the anonymous visit, not to this session.
        res.clearCookie(this.csrf.preSessionCookie, { path: '/' });
        return res.redirect(303, next);
      } catch (e) {
        if (!(e instanceof DomainException) || e.code !== 'UNAUTHENTICATED') throw e;
        problems.push({ field: 'email', message: 'The email address or password is not right' });
      }
    }
    res.status(problems.length && email && password ? 401 : 400);
    return this.pages.render(req, res, 'sign-in.njk', null, { next, values: { email }, errors: errorSummary(problems) });
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response) {
    await this.sessions.end((req.cookies as Record<string, string | undefined>)?.[this.sessions.cookieName]);
    res.clearCookie(this.sessions.cookieName, { ...this.sessions.cookieOptions(), maxAge: undefined });
    res.redirect(303, '/console/sign-in?signedOut=1');
  }
}
