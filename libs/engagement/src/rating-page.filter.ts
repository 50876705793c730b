import { ArgumentsHost, Catch } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AllExceptionsFilter } from '@beacon/core';
import { PAGE_CSP, renderErrorPage } from './rating-pages';

/** Browsers (forms, links) get an HTML page; JSON clients get the standard error body. */
export function wantsJson(req: Request): boolean {
  return Boolean(req.is('json')) || req.accepts(['html', 'json']) === 'json';
}

export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
}

/** The rating pages' errors (bad or expired link, invalid score, rate limit) as HTML pages. */
@Catch()
export class RatingPageExceptionFilter extends AllExceptionsFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (wantsJson(req)) return super.catch(exception, host);
    const body = this.toBody(exception);
    this.log(exception, body);
    if (res.headersSent) return;
    setPageHeaders(res);
    this.setRetryAfter(res, body);
    res.status(body.statusCode).send(renderErrorPage(body.statusCode, body.message));
  }
}
