import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InboundEmailRepository } from './inbound-email/inbound-email.repository';
import { RatingRepository } from './rating.repository';
import { ReplyAttachmentService } from './reply-attachments/reply-attachment.service';
import { ReplyRepository } from './reply.repository';

/**
 * GDPR erasure, run by the residents lib inside its erasure transaction. Rows keep their
 * resident_id (the resident row is emptied, not deleted) so figures do not change; the free
 * text goes: rating comments are nulled, reply and response bodies emptied, replies closed, and
 * the e-mails they sent as received (inbound_email) and the attachments kept from them deleted.
 */
@Injectable()
export class EngagementErasure {
  constructor(
    private readonly ratings: RatingRepository,
    private readonly replies: ReplyRepository,
    private readonly inbound: InboundEmailRepository,
    private readonly attachments: ReplyAttachmentService,
  ) {}

  async eraseResident(residentId: string, manager: EntityManager): Promise<void> {
    await this.ratings.eraseComments(residentId, manager);
    await this.replies.eraseResident(residentId, manager);
    await this.inbound.eraseResident(residentId, manager);
    // The files they attached (rows and stored bytes), in the same transaction.
    await this.attachments.eraseResident(residentId, manager);
  }
}
