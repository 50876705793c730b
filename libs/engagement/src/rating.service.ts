import { Injectable } from '@nestjs/common';
import { GroupCommit } from '@beacon/core';
import { RatingRepository, type RatingByDelivery, type RatingByDeliveryResult, type RatingCommentRow, type RatingView } from './rating.repository';

export type ScoreKey = '1' | '2' | '3' | '4' | '5' | '6';

export interface RatingSummary {
  /** Mean score, 2 decimals; null with no ratings. */
  average: number | null;
  count: number;
  distribution: Record<ScoreKey, number>;
}

/** What the six scores mean, shown on the rating page. */
export const SCORE_LABELS: Record<number, string> = {
  1: 'Not useful',
  2: 'Slightly useful',
  3: 'Somewhat useful',
  4: 'Fairly useful',
  5: 'Useful',
  6: 'Very useful',
};

export interface RatingComment {
  score: number;
  comment: string;
  firstName: string | null;
  at: Date;
}

@Injectable()
export class RatingService {
  // Rating links are the public hot path: concurrent ratings share one INSERT … ON CONFLICT (and
  // one commit); each request is answered after the statement holding its row has committed.
  private readonly byDelivery: GroupCommit<RatingByDelivery, RatingByDeliveryResult | null>;

  constructor(private readonly ratings: RatingRepository) {
    this.byDelivery = new GroupCommit((items) => this.ratings.upsertByDeliveries(items), { maxBatch: 200, maxInFlight: 2 });
  }

  /** Stores or replaces the resident's rating; a blank comment is no comment. */
  rate(messageId: string, residentId: string, score: number, comment?: string | null): Promise<RatingView> {
    return this.ratings.upsert(messageId, residentId, score, comment?.trim() || null);
  }

  /** The same through a rating link: the delivery names the message and resident. Null when the delivery is gone. */
  rateByDelivery(deliveryId: string, score: number, comment?: string | null): Promise<RatingByDeliveryResult | null> {
    return this.byDelivery.submit({ deliveryId, score, comment: comment?.trim() || null });
  }

  current(messageId: string, residentId: string): Promise<{ score: number; comment: string | null } | null> {
    return this.ratings.findOne(messageId, residentId);
  }

  async summary(messageId: string): Promise<RatingSummary> {
    const c = await this.ratings.countsForMessage(messageId);
    const [s1, s2, s3, s4, s5, s6] = c.byScore;
    return { average: c.average, count: c.count, distribution: { 1: s1, 2: s2, 3: s3, 4: s4, 5: s5, 6: s6 } };
  }

  /**
   * The newest comments on a message, for staff (the message page and the inbox); the caller
   * has checked the message is theirs to read. Only the resident's first name goes with them.
   */
  recentComments(messageId: string, limit = 20): Promise<RatingComment[]> {
    return this.ratings.recentComments(messageId, limit);
  }

  /** Rating comments on the NPU's messages, newest first, for staff of that NPU (`scopedNpu` already applied). */
  commentsForNpu(npuCode: string | undefined, limit = 50): Promise<RatingCommentRow[]> {
    return this.ratings.ratingComments(npuCode, limit);
  }
}
