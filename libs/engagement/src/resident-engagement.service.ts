import { Injectable } from '@nestjs/common';
import { forbidden, notFound } from '@beacon/core';
import type { CreateReplyDto, RateMessageDto } from './engagement.dto';
import type { RatingView } from './rating.repository';
import { RatingService } from './rating.service';
import { RecipientRepository } from './recipient.repository';
import type { ReplyView } from './reply.repository';
import { ReplyService } from './reply.service';

/** Signed-in residents rate and reply to messages they were sent (a delivery that went out). */
@Injectable()
export class ResidentEngagementService {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly ratings: RatingService,
    private readonly replies: ReplyService,
  ) {}

  private async assertSent(residentId: string, messageId: string): Promise<void> {
    if (!(await this.recipients.wasSent(messageId, residentId))) throw forbidden('You were not sent this message');
  }

  async rate(residentId: string, messageId: string, dto: RateMessageDto): Promise<RatingView> {
    await this.assertSent(residentId, messageId);
    return this.ratings.rate(messageId, residentId, dto.score, dto.comment);
  }

  async reply(residentId: string, messageId: string, dto: CreateReplyDto): Promise<ReplyView> {
    await this.assertSent(residentId, messageId);
    const reply = await this.replies.createFromResident({ messageId, residentId, body: dto.body });
    if (!reply) throw notFound('Resident');
    return reply;
  }
}
