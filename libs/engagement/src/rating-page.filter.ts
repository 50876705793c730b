import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AllExceptionsFilter } from '@beacon/core';
import { setPageHeaders } from '@beacon/web';
import { RatingPages } from './rating-pages';

/** Browsers (forms, links) get an HTML page; JSON clients get the standard error body. */
export function wantsJson(req: Request): boolean {
  return Boolean(req.is('json')) || req.accepts(['html', 'json']) === 'json';
}

/** The rating pages' errors (bad or expired link, invalid score, rate limit) as HTML pages. */
@Injectable()
@Catch()
export class RatingPageExceptionFilter extends AllExceptionsFilter {
  constructor(protected readonly pages: RatingPages) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (wantsJson(req)) return super.catch(exception, host);
    const body = this.toBody(exception);
    this.log(exception, body);
    if (res.headersSent) return;
    setPageHeaders(res);
    this.setRetryAfter(res, body);
    res.status(body.statusCode).send(this.pages.error(res, body.statusCode, body.message));
  }
}

/** The reply form's own: over a limit, the form comes back with an error summary and the text kept. */
@Injectable()
@Catch()
export class ReplyFormExceptionFilter extends RatingPageExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode !== 429 || wantsJson(req) || res.headersSent) return super.catch(exception, host);
    const typed = (req.body as { body?: unknown } | undefined)?.body;
    setPageHeaders(res);
    this.setRetryAfter(res, body);
    res.status(429).send(this.pages.replyRefused(res, String(req.params.token), typeof typed === 'string' ? typed.slice(0, 2000) : ''));
  }
}
