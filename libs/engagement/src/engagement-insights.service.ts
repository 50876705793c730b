import { Injectable } from '@nestjs/common';
import { MessageInsightsProvider, type MessageInsights } from '@beacon/messaging';
import { RatingService, type RatingSummary } from './rating.service';
import { ReplyService } from './reply.service';

/** Adds `rating` and `replyCount` to `GET /api/v1/messages/{id}` (messaging never imports engagement). */
@MessageInsightsProvider()
@Injectable()
export class EngagementInsights implements MessageInsights {
  constructor(
    private readonly ratings: RatingService,
    private readonly replies: ReplyService,
  ) {}

  async forMessage(messageId: string): Promise<{ rating: RatingSummary; replyCount: number }> {
    const [rating, replyCount] = await Promise.all([this.ratings.summary(messageId), this.replies.countForMessage(messageId)]);
    return { rating, replyCount };
  }
}
