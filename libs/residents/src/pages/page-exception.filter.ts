import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AllExceptionsFilter } from '@beacon/core';
import { localisedError } from '@beacon/web';
import { ResidentPageRenderer } from './resident-page-renderer';

const TITLES: Record<number, string> = {
  401: 'Please sign in again',
  403: 'You cannot do that from this page',
  404: 'Page not found',
  429: 'Too many attempts',
};

/** Errors on resident pages are pages too (same status codes as the API, HTML body). */
@Injectable()
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  private readonly api = new AllExceptionsFilter();

  constructor(private readonly pages: ResidentPageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.api.toBody(exception);
    this.api.log(exception, body);
    if (res.headersSent) return;
    const title = body.statusCode >= 500 ? 'Sorry, there is a problem with the service' : (TITLES[body.statusCode] ?? body.message);
    const text =
      body.statusCode >= 500
        ? 'Try again later.'
        : body.statusCode === 401
          ? 'Your sign-in has ended or your details have been deleted.'
          : body.statusCode === 429
            ? 'Wait an hour and try again.'
            : body.statusCode === 410
              ? 'Links stop working after a while, to keep your details safe.'
              : 'Check that you copied the whole link, or start again.';
    if (body.statusCode === 429) res.setHeader('Retry-After', '3600');
    else this.api.setRetryAfter(res, body); // 503: the database is unreachable for a moment
    res.send(
      this.pages.render(res, body.statusCode, 'message.njk', (language) => {
        const shown = localisedError(language, body.statusCode, title, text);
        return { title: shown.title, paragraphs: [shown.message], link: null };
      }),
    );
  }
}
