import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, RateLimit } from '@beacon/core';
import { CreateReplyDto, RateByLinkDto } from './engagement.dto';
import { RatingLinkService } from './rating-link.service';
import { RatingPageExceptionFilter, ReplyFormExceptionFilter, setPageHeaders, wantsJson } from './rating-page.filter';
import { renderConfirmPage, renderRatedPage, renderRatingPage, renderRepliedPage } from './rating-pages';

/** The public pages behind the rating link in every e-mail and SMS. */
@ApiTags('engagement')
@Controller('r')
@UseFilters(RatingPageExceptionFilter)
export class RatingPageController {
  constructor(private readonly links: RatingLinkService) {}

  @Public()
  @Get(':token')
  @ApiProduces('text/html')
  async page(@Param('token') token: string, @Query('score') score: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const model = await this.links.page(token, typeof score === 'string' ? score : undefined);
    setPageHeaders(res);
    return model.preselected ? renderConfirmPage({ ...model, preselected: model.preselected }) : renderRatingPage(model);
  }

  @Public()
  @Post(':token')
  @HttpCode(200)
  @RateLimit({ name: 'rating-link', windowSeconds: 60, perIp: 60 })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/html', 'application/json')
  async rate(@Param('token') token: string, @Body() dto: RateByLinkDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { title, ...rating } = await this.links.rate(token, dto);
    if (wantsJson(req)) return rating;
    setPageHeaders(res);
    return renderRatedPage(token, title, rating.score);
  }

  @Public()
  @Post(':token/reply')
  @RateLimit({ name: 'rating-link-reply', windowSeconds: 600, perIp: 20 })
  @UseFilters(ReplyFormExceptionFilter)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/html', 'application/json')
  async reply(@Param('token') token: string, @Body() dto: CreateReplyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const reply = await this.links.reply(token, dto);
    if (wantsJson(req)) return reply;
    setPageHeaders(res);
    return renderRepliedPage(token);
  }
}
