import { Injectable } from '@nestjs/common';
import type { ReplyVia } from './engagement.entities';
import { ReplyRepository, type ReplyView } from './reply.repository';

export const REPLY_MAX_LENGTH = 2000;

/** Creates replies from every way in (resident API, rating page, SMS). */
@Injectable()
export class ReplyService {
  constructor(private readonly replies: ReplyRepository) {}

  /** Null when nothing was stored (an SMS webhook retry). */
  create(r: { messageId: string | null; residentId: string; body: string; via: ReplyVia; providerId?: string }): Promise<ReplyView | null> {
    return this.replies.insert({ ...r, body: r.body.trim().slice(0, REPLY_MAX_LENGTH) });
  }

  countForMessage(messageId: string): Promise<number> {
    return this.replies.countForMessage(messageId);
  }
}
