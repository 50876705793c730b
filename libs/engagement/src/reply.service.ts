import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RateLimiter, rateLimitKey } from '@beacon/core';
import { ReplyRepository, type NewReply, type ReplyView } from './reply.repository';

export const REPLY_MAX_LENGTH = 2000;

/** Replies (resident API, rating link and e-mail alike) a resident may send in an hour: to one message, and in all. */
export const REPLY_LIMITS = { windowSeconds: 3600, perMessage: 5, perResident: 20 };

/** Creates replies from every way in (resident API, rating page, SMS). */
@Injectable()
export class ReplyService {
  constructor(
    private readonly replies: ReplyRepository,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * A reply a resident typed (API or rating page), within REPLY_LIMITS: keyed by the resident,
   * not the caller's address, so one token or link cannot flood an inbox. Counted before the
   * insert; over the limit nothing is written (429).
   */
  async createFromResident(r: { messageId: string; residentId: string; body: string }): Promise<ReplyView | null> {
    await this.limiter.consume(
      [
        { key: rateLimitKey('reply', 'resident', r.residentId), limit: REPLY_LIMITS.perResident },
        { key: rateLimitKey('reply', 'resident-message', `${r.residentId}:${r.messageId}`), limit: REPLY_LIMITS.perMessage },
      ],
      REPLY_LIMITS.windowSeconds,
      'You have sent too many replies, try again later',
    );
    return this.create({ ...r, via: 'web' });
  }

  /**
   * A reply the resident sent by e-mail to their delivery's reply address: the same limits as
   * a web reply (counted together, by resident), since an e-mail costs its sender nothing.
   * RATE_LIMITED when over; null when this e-mail was already stored (a retried delivery).
   */
  /** `manager`: the inbound job's transaction, so the reply commits with the mail's outcome and attachments. */
  async createFromEmail(r: Omit<NewReply, 'via'> & { messageId: string }, manager?: EntityManager): Promise<ReplyView | null> {
    await this.limiter.consume(
      [
        { key: rateLimitKey('reply', 'resident', r.residentId), limit: REPLY_LIMITS.perResident },
        { key: rateLimitKey('reply', 'resident-message', `${r.residentId}:${r.messageId}`), limit: REPLY_LIMITS.perMessage },
      ],
      REPLY_LIMITS.windowSeconds,
      'Too many replies from this resident',
    );
    return this.replies.insert({ ...r, via: 'email', body: r.body.trim().slice(0, REPLY_MAX_LENGTH) }, manager);
  }

  /** Null when nothing was stored (an SMS webhook retry). */
  create(r: NewReply): Promise<ReplyView | null> {
    return this.replies.insert({ ...r, body: r.body.trim().slice(0, REPLY_MAX_LENGTH) });
  }

  countForMessage(messageId: string): Promise<number> {
    return this.replies.countForMessage(messageId);
  }
}
