import { Injectable } from '@nestjs/common';
import { RatingRepository, type ExportedRating } from './rating.repository';
import { ReplyRepository, type ExportedReply } from './reply.repository';
import { ReplyAttachmentRepository } from './reply-attachments/reply-attachment.repository';

export interface EngagementExport {
  ratings: ExportedRating[];
  replies: ExportedReply[];
  /** Files kept from their e-mail replies: name, type and size (the bytes are the resident's own). */
  replyAttachments: Awaited<ReturnType<ReplyAttachmentRepository['forResident']>>;
}

/** GDPR subject access: everything engagement holds about one resident (the residents lib calls it). */
@Injectable()
export class EngagementExporter {
  constructor(
    private readonly ratings: RatingRepository,
    private readonly replies: ReplyRepository,
    private readonly attachments: ReplyAttachmentRepository,
  ) {}

  async forResident(residentId: string): Promise<EngagementExport> {
    const [ratings, replies, replyAttachments] = await Promise.all([
      this.ratings.forResident(residentId),
      this.replies.forResident(residentId),
      this.attachments.forResident(residentId),
    ]);
    return { ratings, replies, replyAttachments };
  }
}
