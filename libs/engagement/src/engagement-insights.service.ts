import { Injectable, OnModuleInit } from '@nestjs/common';
import { MessageInsightsRegistry, type MessageInsights } from '@beacon/messaging';
import { RatingService, type RatingSummary } from './rating.service';
import { ReplyService } from './reply.service';

/** Adds `rating` and `replyCount` to `GET /api/v1/messages/{id}` (messaging never imports engagement). */
@Injectable()
export class EngagementInsights implements MessageInsights, OnModuleInit {
  constructor(
    private readonly registry: MessageInsightsRegistry,
    private readonly ratings: RatingService,
    private readonly replies: ReplyService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async forMessage(messageId: string): Promise<{ rating: RatingSummary; replyCount: number }> {
    const [rating, replyCount] = await Promise.all([this.ratings.summary(messageId), this.replies.countForMessage(messageId)]);
    return { rating, replyCount };
  }
}
