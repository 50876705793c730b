import { Injectable, Logger } from '@nestjs/common';
import { DomainException, RateLimiter, rateLimitKey } from '@beacon/core';
import { ResidentChannelsService } from '@beacon/residents';
import { RecipientRepository } from './recipient.repository';
import { ReplyService } from './reply.service';

// Carrier-standard opt-out and opt-in words (Twilio's defaults), matched on the whole trimmed text.
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const START_WORDS = new Set(['START', 'UNSTOP']);
const MANAGE_WORDS = new Set(['MANAGE']);

/** MANAGE texts back a link; per number (E.164), counted whether or not the number is known. */
export const MANAGE_TEXT_LIMIT = { name: 'sms-manage', windowSeconds: 3600, limit: 3 } as const;

export type SmsKeyword = 'stop' | 'start' | 'manage';

export function smsKeyword(text: string): SmsKeyword | null {
  const word = text.trim().toUpperCase();
  if (STOP_WORDS.has(word)) return 'stop';
  if (START_WORDS.has(word)) return 'start';
  if (MANAGE_WORDS.has(word)) return 'manage';
  return null;
}

export interface InboundSms {
  from: string;
  body: string;
  messageSid?: string;
}

/** An SMS a resident sent us: an opt-out/opt-in keyword, or a reply to their latest SMS message. */
@Injectable()
export class SmsInboundService {
  private readonly logger = new Logger('SmsInbound');

  constructor(
    private readonly recipients: RecipientRepository,
    private readonly replies: ReplyService,
    private readonly channels: ResidentChannelsService,
    private readonly limiter: RateLimiter,
  ) {}

  /** Unknown numbers and empty texts are dropped silently: the answer never says who is known. */
  async receive(sms: InboundSms): Promise<void> {
    const from = sms.from.trim();
    if (!/^\+[1-9]\d{6,14}$/.test(from)) return;
    const keyword = smsKeyword(sms.body);
    if (keyword === 'manage') return this.manageLink(from);
    const resident = await this.recipients.findResidentByPhone(from);
    if (!resident) return;
    if (keyword) {
      const changed = await this.channels.setSmsOptIn(resident.id, keyword === 'start');
      this.logger.log({ residentId: resident.id, keyword, changed }, 'SMS opt-out keyword');
      return;
    }
    // An unverified number may be someone else's typo at sign-up: opt-outs apply, words are not theirs.
    if (!resident.phoneVerified || !sms.body.trim()) return;
    const messageId = await this.recipients.latestSmsMessage(resident.id);
    await this.replies.create({ messageId, residentId: resident.id, body: sms.body, via: 'sms', providerId: sms.messageSid });
  }

  /**
   * MANAGE: a link to their preferences, texted to the number on file (never to the webhook's
   * answer). Counted per number before anyone is looked up, so known and unknown numbers are
   * counted alike; only a verified holder gets a text, and the answer is always the same.
   */
  private async manageLink(from: string): Promise<void> {
    try {
      await this.limiter.consume([{ key: rateLimitKey(MANAGE_TEXT_LIMIT.name, 'phone', from), limit: MANAGE_TEXT_LIMIT.limit }], MANAGE_TEXT_LIMIT.windowSeconds);
    } catch (e) {
      if (e instanceof DomainException && e.code === 'RATE_LIMITED') return;
      throw e;
    }
    const resident = await this.recipients.findResidentByPhone(from);
    if (!resident?.phoneVerified) return;
    const queued = await this.channels.textManageLink(resident.id);
    this.logger.log({ residentId: resident.id, keyword: 'manage', queued }, 'SMS keyword');
  }
}
