import { Injectable } from '@nestjs/common';
import { RatingRepository, type ExportedRating } from './rating.repository';
import { ReplyRepository, type ExportedReply } from './reply.repository';

export interface EngagementExport {
  ratings: ExportedRating[];
  replies: ExportedReply[];
}

/** GDPR subject access: everything engagement holds about one resident (the residents lib calls it). */
@Injectable()
export class EngagementExporter {
  constructor(
    private readonly ratings: RatingRepository,
    private readonly replies: ReplyRepository,
  ) {}

  async forResident(residentId: string): Promise<EngagementExport> {
    const [ratings, replies] = await Promise.all([this.ratings.forResident(residentId), this.replies.forResident(residentId)]);
    return { ratings, replies };
  }
}
