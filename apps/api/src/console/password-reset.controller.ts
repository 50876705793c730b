import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MIN_PASSWORD_LENGTH, PasswordResetService, StaffSessionService } from '@beacon/auth';
import { DomainException, InjectConfig, Public, RateLimit, StaffPage, type AppConfig } from '@beacon/core';
import { CsrfGuard, errorSummary } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

/** "Forgot your password?" for local staff accounts: the e-mail form and the reset link's page. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class PasswordResetController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly resets: PasswordResetService,
    private readonly sessions: StaffSessionService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private passwordsOn(): void {
    if (!this.config.auth.passwordLogin) throw new DomainException('NOT_FOUND', 'Password sign-in is turned off: sign in with your force account');
  }

  @Public()
  @Get('forgot-password')
  form(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('sent') sent?: string) {
    this.passwordsOn();
    return this.pages.render(req, res, 'forgot-password.njk', null, { values: {}, sent: !!sent });
  }

  /** The same redirect for every address, after the same work (one job): the job decides. */
  @Public()
  @RateLimit({ name: 'staff-reset', windowSeconds: 900, perIp: 30, perValue: { fields: { email: 'email' }, limit: 5 } })
  @Post('forgot-password')
  @HttpCode(303)
  async request(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>) {
    this.passwordsOn();
    const email = field(body, 'email');
    if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
      res.status(400);
      return this.pages.render(req, res, 'forgot-password.njk', null, { values: { email }, errors: errorSummary([{ field: 'email', message: 'Enter your email address, like name@force.police.uk' }]) });
    }
    await this.resets.request(email);
    return res.redirect(303, '/console/forgot-password?sent=1');
  }

  @Public()
  @RateLimit({ name: 'staff-reset-link', windowSeconds: 300, perIp: 100 })
  @Get('reset-password')
  async resetForm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('token') token?: string) {
    this.passwordsOn();
    const problem = await this.problemWith(token ?? '');
    if (problem) res.status(problem.status);
    return this.pages.render(req, res, 'reset-password.njk', null, { token, minLength: MIN_PASSWORD_LENGTH, problem: problem?.message ?? null });
  }

  @Public()
  @RateLimit({ name: 'staff-reset-link', windowSeconds: 300, perIp: 100 })
  @Post('reset-password')
  @HttpCode(303)
  async reset(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>) {
    this.passwordsOn();
    const token = field(body, 'token');
    const password = typeof body?.password === 'string' ? body.password : '';
    const confirm = typeof body?.confirm === 'string' ? body.confirm : '';
    const view = { token, minLength: MIN_PASSWORD_LENGTH };
    const linkProblem = await this.problemWith(token);
    if (linkProblem) {
      res.status(linkProblem.status);
      return this.pages.render(req, res, 'reset-password.njk', null, { ...view, problem: linkProblem.message });
    }
    const problems = [];
    if (password.length < MIN_PASSWORD_LENGTH) problems.push({ field: 'password', message: `Enter a password of at least ${MIN_PASSWORD_LENGTH} characters` });
    else if (password.length > 200) problems.push({ field: 'password', message: 'Enter a password of at most 200 characters' });
    else if (password !== confirm) problems.push({ field: 'confirm', message: 'Enter the same password twice' });
    if (!problems.length) {
      try {
        await this.resets.reset(token, password);
        return res.redirect(303, '/console/sign-in?reset=1');
      } catch (e) {
        if (!(e instanceof DomainException) || (e.code !== 'VALIDATION' && e.code !== 'GONE')) throw e;
        res.status(e.code === 'GONE' ? 410 : 400);
        return this.pages.render(req, res, 'reset-password.njk', null, { ...view, problem: e.message });
      }
    }
    res.status(400);
    return this.pages.render(req, res, 'reset-password.njk', null, { ...view, errors: errorSummary(problems) });
  }

  /** A signed-in staff member's own password change. */
  @Get('password')
  changeForm(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('done') done?: string) {
    this.passwordsOn();
    return this.pages.render(req, res, 'change-password.njk', null, { minLength: MIN_PASSWORD_LENGTH, done: !!done });
  }

  /** Ends every session of the account, then gives this browser a new one. */
  @RateLimit({ name: 'staff-password-change', windowSeconds: 300, perIp: 100 })
  @Post('password')
  @HttpCode(303)
  async change(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>) {
    this.passwordsOn();
    const who = me(req);
    const str = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '');
    const [current, password, confirm] = [str('current'), str('password'), str('confirm')];
    const problems = [];
    if (!current) problems.push({ field: 'current', message: 'Enter your current password' });
    if (password.length < MIN_PASSWORD_LENGTH) problems.push({ field: 'password', message: `Enter a password of at least ${MIN_PASSWORD_LENGTH} characters` });
    else if (password.length > 200) problems.push({ field: 'password', message: 'Enter a password of at most 200 characters' });
    else if (password !== confirm) problems.push({ field: 'confirm', message: 'Enter the same password twice' });
    if (!problems.length) {
      try {
        await this.resets.change(who.id, current, password);
        const id = await this.sessions.start(who.id, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
        res.cookie(this.sessions.cookieName, id, this.sessions.cookieOptions());
        return res.redirect(303, '/console/password?done=1');
      } catch (e) {
        if (!(e instanceof DomainException) || !['VALIDATION', 'UNAUTHENTICATED', 'CONFLICT'].includes(e.code)) throw e;
        problems.push({ field: e.code === 'UNAUTHENTICATED' ? 'current' : 'password', message: e.message });
        res.status(e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'CONFLICT' ? 409 : 400);
        return this.pages.render(req, res, 'change-password.njk', null, { minLength: MIN_PASSWORD_LENGTH, errors: errorSummary(problems) });
      }
    }
    res.status(400);
    return this.pages.render(req, res, 'change-password.njk', null, { minLength: MIN_PASSWORD_LENGTH, errors: errorSummary(problems) });
  }

  private async problemWith(token: string): Promise<{ status: number; message: string } | null> {
    try {
      await this.resets.check(token);
      return null;
    } catch (e) {
      if (!(e instanceof DomainException) || (e.code !== 'VALIDATION' && e.code !== 'GONE')) throw e;
      return { status: e.code === 'GONE' ? 410 : 400, message: e.code === 'GONE' ? 'This link has expired: links work for 30 minutes.' : e.message };
    }
  }
}
