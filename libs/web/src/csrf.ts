import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { createHmac, randomBytes } from 'node:crypto';
import { forbidden, InjectConfig, type AppConfig, type BeaconRequest } from '@beacon/core';

type CookieRequest = Request & { cookies: Record<string, string | undefined> };

/** The form field every console form carries (its name matches the audit log's redaction). */
export const CSRF_FIELD = 'csrfToken';

/**
 * CSRF tokens for cookie-authenticated forms (csrf-csrf's signed double-submit cookie), bound
 * to the signed-in session's id, or before sign-in to a random pre-session cookie, so a token
 * from one session is worth nothing in another.
 */
@Injectable()
export class CsrfService {
  private readonly csrf: DoubleCsrfUtilities;
  private readonly production: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.production = config.env === 'production';
    const secret = createHmac('sha256', config.auth.jwtSecret).update('beacon:csrf').digest('hex');
    this.csrf = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (req) => this.identifier(req as CookieRequest),
      cookieName: this.production ? '__Host-beacon-csrf' : 'beacon-csrf',
      cookieOptions: { sameSite: 'lax', secure: this.production, httpOnly: true, path: '/' },
      getCsrfTokenFromRequest: (req) => {
        const body = (req as Request).body as Record<string, unknown> | undefined;
        return typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : null;
      },
    });
  }

  get preSessionCookie(): string {
    return this.production ? '__Host-beacon-presession' : 'beacon-presession';
  }

  private identifier(req: CookieRequest): string {
    const p = (req as BeaconRequest).principal as { sessionId?: string } | undefined;
    return p?.sessionId ?? req.cookies?.[this.preSessionCookie] ?? '';
  }

  /** The token for the forms of this page (sets or keeps the CSRF cookie). */
  token(req: Request, res: Response): string {
    const r = req as CookieRequest;
    r.cookies ??= {};
    const signedIn = !!((req as BeaconRequest).principal as { sessionId?: string } | undefined)?.sessionId;
    if (!signedIn && !r.cookies[this.preSessionCookie]) {
      const id = randomBytes(24).toString('base64url');
      res.cookie(this.preSessionCookie, id, { httpOnly: true, secure: this.production, sameSite: 'lax', path: '/' });
      r.cookies[this.preSessionCookie] = id;
    }
    return this.csrf.generateCsrfToken(req, res);
  }

  valid(req: Request): boolean {
    if (!this.identifier(req as CookieRequest)) return false;
    return this.csrf.validateRequest(req);
  }
}

/** On a controller of cookie-authenticated forms: every POST without a valid token is a 403, before anything runs. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: CsrfService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
    if (!this.csrf.valid(req)) throw forbidden('This form has expired or did not come from Beacon. Go back, reload the page and try again.');
    return true;
  }
}
