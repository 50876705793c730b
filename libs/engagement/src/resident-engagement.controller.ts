import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { ResidentOnly, UuidParam, type ResidentPrincipal } from '@beacon/core';
import { CreateReplyDto, RateMessageDto } from './engagement.dto';
import { ResidentEngagementService } from './resident-engagement.service';
import { RatingViewDto, ReplyViewDto } from './engagement-response.dto';

@ApiTags('engagement')
@Controller('api/v1/messages')
export class ResidentEngagementController {
  constructor(private readonly engagement: ResidentEngagementService) {}

  /** Stores or replaces the resident's rating (200 either way). */
  @ResidentOnly()
  @Post(':id/rating')
  @HttpCode(200)
  @ApiOkResponse({ type: RatingViewDto })
  rate(@CurrentResident() me: ResidentPrincipal, @Param('id', UuidParam) id: string, @Body() dto: RateMessageDto): Promise<RatingViewDto> {
    return this.engagement.rate(me.id, id, dto);
  }

  @ResidentOnly()
  @Post(':id/replies')
  @ApiCreatedResponse({ type: ReplyViewDto })
  reply(@CurrentResident() me: ResidentPrincipal, @Param('id', UuidParam) id: string, @Body() dto: CreateReplyDto): Promise<ReplyViewDto> {
    return this.engagement.reply(me.id, id, dto);
  }
}
