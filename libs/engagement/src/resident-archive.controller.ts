import { Controller, Get, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@beacon/core';
import { PageExceptionFilter, setPageHeaders, ViewRenderer } from '@beacon/web';
import { ResidentPageLanguage } from '@beacon/residents';
import { RATING_VIEWS } from './rating-pages';
import { ResidentArchiveService } from './resident-archive.service';

/**
 * `/me/messages?token=`: the archive, a page of the manage page's session (the token in the
 * link is the session, as on the manage page; no cookie). GET only: it changes nothing.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageExceptionFilter)
@Controller('me')
export class ResidentArchiveController {
  constructor(
    private readonly archive: ResidentArchiveService,
    private readonly views: ViewRenderer,
    private readonly language: ResidentPageLanguage,
  ) {}

  @Get('messages')
  async messages(@Query('token') token: unknown, @Query('before') before: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const page = await this.archive.page(token, before);
    const session = encodeURIComponent(page.token);
    setPageHeaders(res);
    await this.language.use(res, page.residentId);
    return this.views.renderPage(res, RATING_VIEWS, 'archive.njk', {
      items: page.items,
      first: before === undefined || before === '',
      olderHref: page.older ? `/me/messages?token=${session}&before=${page.older}` : null,
      manageHref: `/me?token=${session}`,
    });
  }
}
