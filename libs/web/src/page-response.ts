import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AllExceptionsFilter } from '@beacon/core';
import { PAGE_CSP } from './csp';
import { localisedError, ViewRenderer } from './view-renderer';

/** Headers of every HTML page: the strict CSP, and never cached (pages carry personal data). */
export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
}

/**
 * Post/redirect/get: a form's answer is a 303 to a page that can be reloaded (a refresh never
 * submits twice). Used with `@Res({ passthrough: true })`; the empty string is the body.
 */
export function seeOther(res: Response, location: string): string {
  res.status(303).setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  return '';
}

const TITLES: Record<number, string> = {
  400: 'There is a problem with what you sent',
  401: 'Sign in to continue',
  403: 'You cannot do this',
  404: 'Page not found',
  409: 'This cannot be done now',
  410: 'This link has expired',
  413: 'What you sent is too large',
  429: 'Too many attempts',
};

/**
 * Errors of HTML pages as GOV.UK error pages, with the status the API would answer (the same
 * mapping: this extends the API's filter). Never a stack trace; 5xx are logged.
 */
@Injectable()
@Catch()
export class PageExceptionFilter extends AllExceptionsFilter {
  constructor(private readonly views: ViewRenderer) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: string }>();
    const body = this.toBody(exception);
    body.requestId = req.id ? String(req.id) : undefined;
    this.log(exception, body);
    if (res.headersSent) return;
    if (this.redirect(body.statusCode, req, res)) return;
    setPageHeaders(res);
    if (body.statusCode === 429) res.setHeader('Retry-After', '60');
    else this.setRetryAfter(res, body); // 503: the database is unreachable for a moment
    const title = TITLES[body.statusCode] ?? 'Sorry, there is a problem with the service';
    const message = body.statusCode >= 500 ? 'Try again later.' : body.message;
    const views = new URL('./views/', import.meta.url);
    res.status(body.statusCode);
    // Resident pages' errors are in the page's language; staff pages' stay English.
    res.send(
      this.residentFacing
        ? this.views.renderPage(res, views, 'error.njk', (language) => ({ ...localisedError(language, body.statusCode, title, message), statusCode: body.statusCode, ...this.context(req) }))
        : this.views.render(views, 'error.njk', { title, message, statusCode: body.statusCode, ...this.context(req) }),
    );
  }

  /** Whether the pages this filter serves are residents' (translated); the console's are not. */
  protected readonly residentFacing: boolean = true;

  /** A subclass may answer some statuses with a redirect (the console: 401 → sign-in). */
  protected redirect(_status: number, _req: Request, _res: Response): boolean {
    return false;
  }

  /** What the layout needs about the caller (the console's navigation). */
  protected context(_req: Request): Record<string, unknown> {
    return {};
  }
}
