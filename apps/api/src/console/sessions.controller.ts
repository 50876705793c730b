import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffSessionService } from '@beacon/auth';
import { StaffPage } from '@beacon/core';
import { CsrfGuard } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, me } from './console-pages';

const NOTICES: Record<string, string> = {
  revoked: 'That session has ended: the browser is signed out from its next page.',
  others: 'Every other session has ended.',
};

/** "Your sessions": every browser signed in to one's account, each of which can be ended. */
@ApiExcludeController()
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/sessions')
export class ConsoleSessionsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly sessions: StaffSessionService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('done') done?: string) {
    const who = me(req);
    const sessions = await this.sessions.listFor(who.id, who.sessionId);
    return this.pages.render(req, res, 'sessions.njk', null, { sessions, notice: NOTICES[done ?? ''] ?? null, others: sessions.some((s) => !s.current) });
  }

  @Post('revoke')
  @HttpCode(303)
  async revoke(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const who = me(req);
    await this.sessions.revoke(who, who.id, field(body, 'session'));
    return res.redirect(303, '/console/sessions?done=revoked');
  }

  @Post('revoke-others')
  @HttpCode(303)
  async revokeOthers(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.revokeOthers(me(req));
    return res.redirect(303, '/console/sessions?done=others');
  }
}
