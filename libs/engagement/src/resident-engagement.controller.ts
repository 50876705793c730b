import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { ResidentOnly, UuidParam, type ResidentPrincipal } from '@beacon/core';
import { CreateReplyDto, RateMessageDto } from './engagement.dto';
import { ResidentEngagementService } from './resident-engagement.service';

@ApiTags('engagement')
@Controller('api/v1/messages')
export class ResidentEngagementController {
  constructor(private readonly engagement: ResidentEngagementService) {}

  /** Stores or replaces the resident's rating (200 either way). */
  @ResidentOnly()
  @Post(':id/rating')
  @HttpCode(200)
  rate(@CurrentResident() me: ResidentPrincipal, @Param('id', UuidParam) id: string, @Body() dto: RateMessageDto) {
    return this.engagement.rate(me.id, id, dto);
  }

  @ResidentOnly()
  @Post(':id/replies')
  reply(@CurrentResident() me: ResidentPrincipal, @Param('id', UuidParam) id: string, @Body() dto: CreateReplyDto) {
    return this.engagement.reply(me.id, id, dto);
  }
}
