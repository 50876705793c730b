import { Injectable } from '@nestjs/common';

/** Read-side extensions other libs contribute to message detail (ratings, replies). */
export interface MessageInsights {
  forMessage(messageId: string): Promise<Record<string, unknown>>;
}

/**
 * Libs that know more about a message (engagement: ratings, replies) register here on
 * module init, so messaging never imports them.
 */
@Injectable()
export class MessageInsightsRegistry {
  private readonly insights: MessageInsights[] = [];
  register(insight: MessageInsights): void {
    this.insights.push(insight);
  }
  all(): MessageInsights[] {
    return this.insights;
  }
}
