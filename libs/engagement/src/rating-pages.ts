/**
 * The pages behind `/r/<token>`: Nunjucks views (./views) in the residents' layout of libs/web,
 * every value autoescaped (message bodies through `textToHtml`, which escapes with it). Plain
 * forms: they work with JavaScript off.
 */
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { textToHtml } from '@beacon/messaging';
import { errorSummary, localisedError, ViewRenderer } from '@beacon/web';
import type { RatingPageModel } from './rating-link.service';

export const RATING_VIEWS = new URL('./views/', import.meta.url);

const ERROR_TITLES: Record<number, string> = {
  400: 'Sorry, that did not work',
  410: 'This link can no longer be used',
  429: 'Too many attempts',
  503: 'Sorry, the service is unavailable',
};

const action = (token: string, suffix = '') => `/r/${token}${suffix}`;

@Injectable()
export class RatingPages {
  constructor(private readonly views: ViewRenderer) {}

  // In the page's language (libs/web renderPage): the resident's, when the controller has set it.
  private render(res: Response, view: string, token: string | null, context: Record<string, unknown>): string {
    return this.views.renderPage(res, RATING_VIEWS, view, {
      action: token ? action(token) : '',
      replyAction: token ? action(token, '/reply') : '',
      replyValue: '',
      errors: null,
      fieldErrors: {},
      ...context,
    });
  }

  /** The page behind the link: the message, six score buttons (one form) and a reply form. */
  rating(res: Response, m: RatingPageModel): string {
    return this.render(res, 'rating.njk', m.token, { title: m.title, bodyHtml: textToHtml(m.body), current: m.current });
  }

  /** `?score=N` from a one-tap e-mail link: nothing is stored until the resident confirms. */
  confirm(res: Response, m: RatingPageModel & { preselected: number }): string {
    return this.render(res, 'rating-confirm.njk', m.token, { title: m.title, bodyHtml: textToHtml(m.body), current: m.current, preselected: m.preselected });
  }

  rated(res: Response, token: string, title: string, score: number): string {
    return this.render(res, 'rated.njk', token, { title, score });
  }

  replied(res: Response, token: string): string {
    return this.render(res, 'replied.njk', token, {});
  }

  /** A reply that was refused (too many): the form again with what they typed, under an error summary. */
  replyRefused(res: Response, token: string, typed: string): string {
    const errors = errorSummary([{ field: 'reply-body', message: 'errors.tooManyReplies' }]);
    return this.render(res, 'reply-refused.njk', token, { replyValue: typed, errors, fieldErrors: errors?.fields ?? {} });
  }

  error(res: Response, statusCode: number, message: string): string {
    return this.views.renderPage(res, RATING_VIEWS, 'rating-error.njk', (language) => ({
      action: '',
      replyAction: '',
      replyValue: '',
      errors: null,
      ...localisedError(language, statusCode, ERROR_TITLES[statusCode] ?? 'Something went wrong', message),
    }));
  }
}
