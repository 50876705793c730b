import { ArgumentsHost, Body, Catch, Controller, Get, HttpCode, Injectable, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AllExceptionsFilter, DomainException, Public, RateLimit } from '@beacon/core';
import { SurveyResponseService } from './response.service';
import type { SurveyPageModel } from './survey-page.model';
import { ResidentPageLanguage } from '@beacon/residents';
import { setPageHeaders } from '@beacon/web';
import { surveyFormAction, SurveyPages, type FieldErrors } from './survey-pages';

type FormBody = Record<string, unknown>;

function wantsJson(req: Request): boolean {
  return Boolean(req.is('json')) || req.accepts(['html', 'json']) === 'json';
}

function page(res: Response, status: number, body: string): string {
  res.status(status);
  setPageHeaders(res);
  return body;
}

/** Browsers get an HTML page (same status codes); JSON clients the standard error body. */
@Injectable()
@Catch()
export class SurveyPageExceptionFilter extends AllExceptionsFilter {
  constructor(private readonly pages: SurveyPages) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (wantsJson(req)) return super.catch(exception, host);
    const body = this.toBody(exception);
    this.log(exception, body);
    if (res.headersSent) return;
    if (body.statusCode === 429) res.setHeader('Retry-After', '3600');
    else this.setRetryAfter(res, body); // 503: the database is unreachable for a moment
    res.send(page(res, body.statusCode, this.pages.error(res, body.statusCode, body.message)));
  }
}

/** Form fields `q-<question id>` (repeated for multiple choice), or JSON `{answers: {<question id>: …}}`. */
function answersFrom(req: Request, body: FormBody | undefined): Record<string, unknown> {
  if (wantsJson(req) && req.is('json')) {
    const answers = body?.answers;
    if (!answers || typeof answers !== 'object' || Array.isArray(answers)) throw new DomainException('VALIDATION', 'answers: must be an object of question id → answer', ['answers: must be an object']);
    const extra = Object.keys(body ?? {}).filter((k) => k !== 'answers');
    if (extra.length) throw new DomainException('VALIDATION', `property ${extra[0]} should not exist`, extra.map((k) => `${k}: property ${k} should not exist`));
    return answers as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k.startsWith('q-')) out[k.slice(2)] = Array.isArray(v) ? v : typeof v === 'string' && v.trim() === '' ? undefined : v;
  }
  return out;
}

function fieldErrors(e: unknown): FieldErrors | null {
  if (!(e instanceof DomainException) || e.code !== 'VALIDATION' || !e.details?.length) return null;
  const errors: FieldErrors = {};
  for (const d of e.details) {
    const i = d.indexOf(': ');
    if (i > 0) errors[d.slice(0, i)] = d.slice(i + 2);
  }
  return errors;
}

/**
 * The survey pages: `/s/<token>` (a resident's own link, from a message) and `/s/p/<token>`
 * (the anonymous public link, limited per IP in its own bucket). Post/redirect/get: a saved
 * form redirects to the thank-you page; a form with errors is shown again with a summary.
 */
@ApiExcludeController()
@Public()
@UseFilters(SurveyPageExceptionFilter)
@Controller('s')
export class SurveyPageController {
  constructor(
    private readonly responses: SurveyResponseService,
    private readonly pages: SurveyPages,
    private readonly language: ResidentPageLanguage,
  ) {}

  /** A resident's own link: the page is in their stored language. */
  private async inLanguageOf(res: Response, m: Pick<SurveyPageModel, 'residentId'>): Promise<void> {
    if (m.residentId) await this.language.use(res, m.residentId);
  }

  @Get('p/:token')
  async publicForm(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    return this.form(token, true, res);
  }

  @Post('p/:token')
  @HttpCode(200)
  @RateLimit({ name: 'survey-public', windowSeconds: 3600, perIp: 20 })
  async publicSubmit(@Param('token') token: string, @Body() body: FormBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.submit(token, true, body, req, res);
  }

  @Get('p/:token/done')
  async publicDone(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    const m = await this.responses.page(token, true);
    return page(res, 200, this.pages.thanks(res, m));
  }

  @Get(':token')
  async residentForm(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    return this.form(token, false, res);
  }

  @Post(':token')
  @HttpCode(200)
  @RateLimit({ name: 'survey', windowSeconds: 600, perIp: 60 })
  async residentSubmit(@Param('token') token: string, @Body() body: FormBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.submit(token, false, body, req, res);
  }

  @Get(':token/done')
  async residentDone(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    const m = await this.responses.page(token, false);
    await this.inLanguageOf(res, m);
    return page(res, 200, this.pages.thanks(res, m));
  }

  private async form(token: string, isPublic: boolean, res: Response) {
    const m = await this.responses.page(token, isPublic);
    await this.inLanguageOf(res, m);
    return page(res, 200, this.pages.survey(res, m, m.current ?? {}));
  }

  private async submit(token: string, isPublic: boolean, body: FormBody | undefined, req: Request, res: Response) {
    const raw = answersFrom(req, body);
    let saved: { changed: boolean; model: SurveyPageModel };
    try {
      saved = await this.responses.submit(token, raw, isPublic);
    } catch (e) {
      const errors = wantsJson(req) ? null : fieldErrors(e);
      if (!errors) throw e;
      const m = await this.responses.page(token, isPublic);
      const typed = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string' || Array.isArray(v))) as Record<string, string | string[]>;
      await this.inLanguageOf(res, m);
      return page(res, 400, this.pages.survey(res, m, typed, errors));
    }
    if (wantsJson(req)) return { saved: true, changed: saved.changed };
    // Post/redirect/get: reloading the thank-you page does not post the answers again.
    res.status(303).setHeader('Location', surveyFormAction(saved.model, '/done'));
    res.setHeader('Cache-Control', 'no-store');
    return '';
  }
}
