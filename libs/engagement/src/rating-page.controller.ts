import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiDocumentResponse, Public, RateLimit } from '@beacon/core';
import { CreateReplyDto, RateByLinkDto } from './engagement.dto';
import { RatingLinkService } from './rating-link.service';
import { seeOther, setPageHeaders } from '@beacon/web';
import { RatingPageExceptionFilter, ReplyFormExceptionFilter, wantsJson } from './rating-page.filter';
import { RatingPages } from './rating-pages';
import { RatingViewDto, ReplyViewDto } from './engagement-response.dto';
import { ResidentPageLanguage } from '@beacon/residents';

const seeOtherTo = (page: string) => ({ status: 303, description: `A form post: see the ${page} (post/redirect/get)`, headers: { Location: { description: 'The page to show', schema: { type: 'string' } } } });

/** The public pages behind the rating link in every e-mail and SMS. */
@ApiTags('engagement')
@ApiExtraModels(RatingViewDto, ReplyViewDto)
@Controller('r')
@UseFilters(RatingPageExceptionFilter)
export class RatingPageController {
  constructor(
    private readonly links: RatingLinkService,
    private readonly pages: RatingPages,
    private readonly language: ResidentPageLanguage,
  ) {}

  @Public()
  @Get(':token')
  @ApiProduces('text/html')
  @ApiDocumentResponse('text/html', 'The rating page (or, from a one-tap `?score=` link, the confirmation page)')
  async page(@Param('token') token: string, @Query('score') score: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const model = await this.links.page(token, typeof score === 'string' ? score : undefined);
    setPageHeaders(res);
    await this.language.use(res, model.residentId);
    return model.preselected ? this.pages.confirm(res, { ...model, preselected: model.preselected }) : this.pages.rating(res, model);
  }

  @Public()
  @Post(':token')
  @HttpCode(200)
  @RateLimit({ name: 'rating-link', windowSeconds: 60, perIp: 60 })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The rating stored (a JSON client: Accept or a JSON body)', content: { 'application/json': { schema: { $ref: getSchemaPath(RatingViewDto) } } } })
  @ApiResponse(seeOtherTo('thank-you page, `GET /r/{token}/rated`'))
  async rate(@Param('token') token: string, @Body() dto: RateByLinkDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { title: _title, ...rating } = await this.links.rate(token, dto);
    if (wantsJson(req)) return rating;
    return seeOther(res, `/r/${token}/rated`);
  }

  /** After a rating: reads what is stored, so a reload shows the same page and writes nothing. */
  @Public()
  @Get(':token/rated')
  @ApiProduces('text/html')
  @ApiDocumentResponse('text/html', 'The thank-you page after a rating (the rating page when there is none yet)')
  async rated(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const model = await this.links.page(token);
    if (!model.current) return seeOther(res, `/r/${token}`);
    setPageHeaders(res);
    await this.language.use(res, model.residentId);
    return this.pages.rated(res, token, model.title, model.current.score);
  }

  @Public()
  @Post(':token/reply')
  @RateLimit({ name: 'rating-link-reply', windowSeconds: 600, perIp: 20 })
  @UseFilters(ReplyFormExceptionFilter)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('application/json')
  @ApiCreatedResponse({ description: 'The reply stored (a JSON client: Accept or a JSON body)', content: { 'application/json': { schema: { $ref: getSchemaPath(ReplyViewDto) } } } })
  @ApiResponse(seeOtherTo('confirmation page, `GET /r/{token}/replied`'))
  async reply(@Param('token') token: string, @Body() dto: CreateReplyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const reply = await this.links.reply(token, dto);
    if (wantsJson(req)) return reply;
    return seeOther(res, `/r/${token}/replied`);
  }

  /** After a reply: the link is checked as the form checks it (400 / 410), nothing is written. */
  @Public()
  @Get(':token/replied')
  @ApiProduces('text/html')
  @ApiDocumentResponse('text/html', 'The confirmation page after a reply')
  async replied(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const target = await this.links.resolve(token);
    setPageHeaders(res);
    await this.language.use(res, target.residentId);
    return this.pages.replied(res, token);
  }
}
