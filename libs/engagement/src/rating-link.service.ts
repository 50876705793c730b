import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { DomainException, notFound } from '@beacon/core';
import { deliveryIdFromRatingToken } from '@beacon/messaging';
import type { CreateReplyDto, RateByLinkDto } from './engagement.dto';
import type { RatingView } from './rating.repository';
import { RatingService } from './rating.service';
import { RecipientRepository, type LinkTarget } from './recipient.repository';
import type { ReplyView } from './reply.repository';
import { ReplyService } from './reply.service';

export interface RatingPageModel {
  token: string;
  /** The resident the link names (the page is in their language). */
  residentId: string;
  title: string;
  body: string;
  /** The resident's rating so far. */
  current: { score: number; comment: string | null } | null;
  /** From a one-tap e-mail link (`?score=N`): shown for confirmation, not stored. */
  preselected: number | null;
}

const gone = (message: string) => new DomainException('GONE', message);

/**
 * `/r/<token>`: the token is a signed delivery id, so it names exactly one message and one
 * resident; nothing in the request can point it elsewhere.
 */
@Injectable()
export class RatingLinkService {
  constructor(
    private readonly links: LinkTokenService,
    private readonly recipients: RecipientRepository,
    private readonly ratings: RatingService,
    private readonly replies: ReplyService,
  ) {}

  /** 400 tampered, 410 expired / message gone / resident erased. */
  async resolve(token: string): Promise<LinkTarget> {
    const deliveryId = deliveryIdFromRatingToken(this.links, token);
    const target = await this.recipients.findLinkTarget(deliveryId);
    if (!target) throw gone('This message is no longer available');
    if (target.residentStatus === 'erased') throw gone('This link is no longer active');
    return target;
  }

  /** GET never writes: mail scanners fetch links, so a `?score=` only preselects. */
  async page(token: string, score?: string): Promise<RatingPageModel> {
    const target = await this.resolve(token);
    const current = await this.ratings.current(target.messageId, target.residentId);
    const preselected = score !== undefined && /^[1-6]$/.test(score) ? Number(score) : null;
    return { token, residentId: target.residentId, title: target.title, body: target.body, current, preselected };
  }

  /** Same answers as resolve() (400 / 410), in one statement with the write. */
  async rate(token: string, dto: RateByLinkDto): Promise<RatingView & { title: string }> {
    const saved = await this.ratings.rateByDelivery(deliveryIdFromRatingToken(this.links, token), dto.score, dto.comment);
    if (!saved) throw gone('This message is no longer available');
    if (saved.residentStatus === 'erased' || !saved.rating) throw gone('This link is no longer active');
    return { ...saved.rating, title: saved.title };
  }

  async reply(token: string, dto: CreateReplyDto): Promise<ReplyView> {
    const target = await this.resolve(token);
    const reply = await this.replies.createFromResident({ messageId: target.messageId, residentId: target.residentId, body: dto.body });
    if (!reply) throw notFound('Resident');
    return reply;
  }
}
