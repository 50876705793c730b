import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MfaService, OidcService, SignInThrottleService, StaffService, StaffSessionService, type SignInClient } from '@beacon/auth';
import { DomainException, InjectConfig, Public, RateLimit, StaffPage, type AppConfig } from '@beacon/core';
import { CsrfGuard, CsrfService, errorSummary } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, safeNext } from './console-pages';

type Cookies = Record<string, string | undefined>;

/** Console sign-in: the force's identity provider (OIDC) and/or the staff password. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class SignInController {
  constructor(
    private readonly pages: ConsolePages,
    @InjectConfig() private readonly config: AppConfig,
    private readonly staff: StaffService,
    private readonly sessions: StaffSessionService,
    private readonly csrf: CsrfService,
    private readonly oidc: OidcService,
    private readonly mfa: MfaService,
    private readonly throttle: SignInThrottleService,
  ) {}

  private client(req: Request): SignInClient {
    return { ip: req.ip ?? null, device: (req.cookies as Cookies)?.[this.throttle.deviceCookieName], via: 'console' };
  }

  private signInView(next: string, extra: Record<string, unknown> = {}) {
    return { next, values: {}, sso: this.oidc.enabled, passwordLogin: this.config.auth.passwordLogin, ...extra };
  }

  private async startSession(req: Request, res: Response, staffId: string, opts: { pendingMfa?: boolean } = {}): Promise<void> {
    const id = await this.sessions.start(staffId, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }, opts);
    res.cookie(this.sessions.cookieName, id, this.sessions.cookieOptions());
    // The pre-sign-in CSRF cookies belong to the anonymous visit, not to this session.
    res.clearCookie(this.csrf.preSessionCookie, { path: '/' });
  }

  /**
   * After a complete sign-in (both factors where needed), this browser counts its failures on its
   * own key, so someone else's guessing at the account does not hold it back. Not after the
   * password alone: a fresh cookie would then reset the count of second-factor guesses.
   */
  private rememberDevice(res: Response, email: string): void {
    res.cookie(this.throttle.deviceCookieName, this.throttle.deviceToken(email), this.throttle.deviceCookieOptions());
  }

  /** Sends the browser to the force's identity provider, with state, nonce and PKCE kept in a signed cookie. */
  @Public()
  @RateLimit({ name: 'staff-oidc', windowSeconds: 300, perIp: 100 })
  @Get('sign-in/oidc')
  async oidcStart(@Res() res: Response, @Query('next') next?: string) {
    if (!this.oidc.enabled) throw new DomainException('NOT_FOUND', 'Single sign-on is not configured');
    const flow = await this.oidc.begin(safeNext(next));
    res.cookie(this.oidc.cookieName, flow.cookie, { httpOnly: true, secure: this.config.env === 'production', sameSite: 'lax', path: '/', maxAge: flow.maxAgeMs });
    res.redirect(303, flow.url);
  }

  /** The provider's redirect back: verified, then the claims' mapping gives (or removes) access. */
  @Public()
  @RateLimit({ name: 'staff-oidc-callback', windowSeconds: 300, perIp: 100 })
  @Get('sign-in/oidc/callback')
  async oidcCallback(@Req() req: Request, @Res() res: Response) {
    if (!this.oidc.enabled) throw new DomainException('NOT_FOUND', 'Single sign-on is not configured');
    // One use: whatever happens, the flow's cookie is gone.
    res.clearCookie(this.oidc.cookieName, { path: '/' });
    try {
      const callback = new URL(req.originalUrl, this.oidc.redirectUri);
      const { identity, next } = await this.oidc.complete(callback, (req.cookies as Cookies)?.[this.oidc.cookieName]);
      const who = await this.staff.signInWithOidc(identity, this.oidc.settings);
      await this.startSession(req, res, who.id);
      await this.staff.signedIn(who, null, this.client(req), 'oidc');
      res.redirect(303, safeNext(next));
    } catch (e) {
      if (!(e instanceof DomainException) || (e.code !== 'UNAUTHENTICATED' && e.code !== 'FORBIDDEN' && e.code !== 'CONFLICT')) throw e;
      // A page, not the usual 401 → sign-in redirect: the person needs to read why.
      const status = e.code === 'UNAUTHENTICATED' ? 401 : 403;
      res.status(status).send(
        this.pages.render(req, res, 'sign-in-problem.njk', null, {
          title: status === 401 ? 'Your sign-in could not be confirmed' : 'Your force account does not give access to Beacon',
          message: e.message,
          statusCode: status,
        }),
      );
    }
  }

  @Public()
  @Get('sign-in')
  async form(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('next') next?: string, @Query('signedOut') signedOut?: string, @Query('reset') reset?: string) {
    const current = await this.sessions.resolve((req.cookies as Cookies)?.[this.sessions.cookieName]);
    if (current) return res.redirect(303, safeNext(next));
    return this.pages.render(req, res, 'sign-in.njk', null, this.signInView(safeNext(next), { notice: reset ? 'Your password has been changed and you have been signed out everywhere. Sign in with the new one.' : signedOut ? 'You have signed out.' : null }));
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
    let held = false;
    if (!email) problems.push({ field: 'email', message: 'Enter your email address' });
    if (!password) problems.push({ field: 'password', message: 'Enter your password' });
    if (!problems.length) {
      try {
        const client = this.client(req);
        const { staff: who, keys } = await this.staff.checkPassword(email, password, client);
        // A password alone gets a session that reaches only the second-factor page.
        if (this.mfa.required(who.role)) {
          await this.startSession(req, res, who.id, { pendingMfa: true });
          return res.redirect(303, `/console/mfa${next === '/console' ? '' : `?next=${encodeURIComponent(next)}`}`);
        }
        await this.startSession(req, res, who.id);
        await this.staff.signedIn(who, keys, client, 'password');
        this.rememberDevice(res, who.email);
        return res.redirect(303, next);
      } catch (e) {
        if (!(e instanceof DomainException) || (e.code !== 'UNAUTHENTICATED' && e.code !== 'RATE_LIMITED')) throw e;
        problems.push({ field: 'email', message: e.code === 'RATE_LIMITED' ? e.message : 'The email address or password is not right' });
        held = e.code === 'RATE_LIMITED';
      }
    }
    res.status(held ? 429 : problems.length && email && password ? 401 : 400);
    return this.pages.render(req, res, 'sign-in.njk', null, this.signInView(next, { values: { email }, errors: errorSummary(problems) }));
  }

  /** The second factor: the code form, or enrolment (QR code) for an account without one yet. */
  @Public()
  @Get('mfa')
  async mfaForm(@Req() req: Request, @Res() res: Response, @Query('next') next?: string) {
    const pending = await this.sessions.resolvePending((req.cookies as Cookies)?.[this.sessions.cookieName]);
    if (!pending) return res.redirect(303, '/console/sign-in');
    if (await this.mfa.enrolled(pending.id)) return res.send(this.pages.render(req, res, 'mfa.njk', null, { next: safeNext(next), enrol: null }));
    const enrol = await this.mfa.beginEnrolment(pending.id, pending.email);
    return res.send(this.pages.render(req, res, 'mfa.njk', null, { next: safeNext(next), enrol }));
  }

  @Public()
  @RateLimit({ name: 'staff-mfa', windowSeconds: 300, perIp: 100 })
  @Post('mfa')
  async mfaSubmit(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const sessionId = (req.cookies as Cookies)?.[this.sessions.cookieName];
    const pending = await this.sessions.resolvePending(sessionId);
    if (!pending) return res.redirect(303, '/console/sign-in');
    const code = field(body, 'code');
    const next = safeNext(field(body, 'next'));
    const enrolled = await this.mfa.enrolled(pending.id);
    const client = this.client(req);
    const keys = this.staff.throttleKeys(pending.email, client);
    let recoveryCodes: string[] | null = null;
    try {
      if (!code) throw new DomainException('VALIDATION', 'Enter the code from your authenticator app');
      if (enrolled) await this.staff.checkSecondFactor(pending, code, keys);
      else recoveryCodes = await this.mfa.confirmEnrolment(pending.id, pending.email, code);
    } catch (e) {
      if (!(e instanceof DomainException) || !['VALIDATION', 'UNAUTHENTICATED', 'CONFLICT', 'RATE_LIMITED'].includes(e.code)) throw e;
      res.status(e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'RATE_LIMITED' ? 429 : 400);
      const enrol = enrolled ? null : await this.mfa.beginEnrolment(pending.id, pending.email);
      return res.send(this.pages.render(req, res, 'mfa.njk', null, { next, enrol, errors: errorSummary([{ field: 'code', message: e.message }]) }));
    }
    // A new session id once both factors are in (the pending one is spent).
    await this.sessions.end(sessionId);
    await this.startSession(req, res, pending.id);
    await this.staff.signedIn(pending, keys, client, 'password+totp');
    this.rememberDevice(res, pending.email);
    if (recoveryCodes) return res.status(200).send(this.pages.render(req, res, 'mfa-recovery-codes.njk', null, { next, recoveryCodes }));
    return res.redirect(303, next);
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response) {
    await this.sessions.end((req.cookies as Cookies)?.[this.sessions.cookieName]);
    res.clearCookie(this.sessions.cookieName, { ...this.sessions.cookieOptions(), maxAge: undefined });
    res.redirect(303, '/console/sign-in?signedOut=1');
  }
}
