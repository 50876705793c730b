import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiDocumentResponse, Public, RateLimit } from '@beacon/core';
import { CreateReplyDto, RateByLinkDto } from './engagement.dto';
import { RatingLinkService } from './rating-link.service';
import { setPageHeaders } from '@beacon/web';
import { RatingPageExceptionFilter, ReplyFormExceptionFilter, wantsJson } from './rating-page.filter';
import { RatingPages } from './rating-pages';
import { RatingViewDto, ReplyViewDto } from './engagement-response.dto';

const htmlPage = { 'text/html': { schema: { type: 'string' } } };

/** The public pages behind the rating link in every e-mail and SMS. */
@ApiTags('engagement')
@ApiExtraModels(RatingViewDto, ReplyViewDto)
@Controller('r')
@UseFilters(RatingPageExceptionFilter)
export class RatingPageController {
  constructor(
    private readonly links: RatingLinkService,
    private readonly pages: RatingPages,
  ) {}

  @Public()
  @Get(':token')
  @ApiProduces('text/html')
  @ApiDocumentResponse('text/html', 'The rating page (or, from a one-tap `?score=` link, the confirmation page)')
  async page(@Param('token') token: string, @Query('score') score: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const model = await this.links.page(token, typeof score === 'string' ? score : undefined);
    setPageHeaders(res);
    return model.preselected ? this.pages.confirm({ ...model, preselected: model.preselected }) : this.pages.rating(model);
  }

  @Public()
  @Post(':token')
  @HttpCode(200)
  @RateLimit({ name: 'rating-link', windowSeconds: 60, perIp: 60 })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ description: 'The rating stored: JSON when asked for (Accept), else the thank-you page', content: { ...htmlPage, 'application/json': { schema: { $ref: getSchemaPath(RatingViewDto) } } } })
  async rate(@Param('token') token: string, @Body() dto: RateByLinkDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { title, ...rating } = await this.links.rate(token, dto);
    if (wantsJson(req)) return rating;
    setPageHeaders(res);
    return this.pages.rated(token, title, rating.score);
  }

  @Public()
  @Post(':token/reply')
  @RateLimit({ name: 'rating-link-reply', windowSeconds: 600, perIp: 20 })
  @UseFilters(ReplyFormExceptionFilter)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/html', 'application/json')
  @ApiCreatedResponse({ description: 'The reply stored: JSON when asked for (Accept), else the thank-you page', content: { ...htmlPage, 'application/json': { schema: { $ref: getSchemaPath(ReplyViewDto) } } } })
  async reply(@Param('token') token: string, @Body() dto: CreateReplyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const reply = await this.links.reply(token, dto);
    if (wantsJson(req)) return reply;
    setPageHeaders(res);
    return this.pages.replied(token);
  }
}
