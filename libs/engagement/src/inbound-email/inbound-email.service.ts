import { Injectable, Logger } from '@nestjs/common';
import { DomainException, InjectConfig, JobName, QueueService, RateLimiter, rateLimitKey, type AppConfig } from '@beacon/core';
import { MessageLinksService } from '@beacon/messaging';
import type { InboundEmailVia } from './inbound-email.entity';
import { InboundEmailRepository } from './inbound-email.repository';

/** E-mails one sender may have us store in an hour (on top of the per-resident reply limits). */
export const INBOUND_LIMITS = { windowSeconds: 3600, perSender: 30 };

/** How an address fares at RCPT: ours with a good token, ours with a bad or expired one, or not ours. */
export type RecipientCheck = 'ok' | 'forged' | 'expired' | 'unknown';

export interface InboundMail {
  raw: Buffer;
  /** Envelope recipients (SMTP RCPT TO, or what the webhook's sender says). */
  recipients: string[];
  via: InboundEmailVia;
  /** Who is sending: the envelope sender (MAIL FROM), else the connecting address (bounces have none). */
  sender: string;
}

/**
 * The way in for e-mail to our reply and bounce addresses, from the worker's SMTP listener and
 * the webhook alike: the raw message is stored (`inbound_email`) and one `inbound-email` job
 * naming its row is enqueued in the same transaction; the job reads it (InboundEmailProcessor).
 * Nothing here ever sends mail: an inbound message can never make Beacon write to an address.
 */
@Injectable()
export class InboundEmailService {
  private readonly logger = new Logger('InboundEmail');

  constructor(
    private readonly repo: InboundEmailRepository,
    private readonly queue: QueueService,
    private readonly links: MessageLinksService,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return !!this.config.inboundEmail;
  }

  get maxBytes(): number {
    return this.config.inboundEmail?.maxBytes ?? 0;
  }

  /** At RCPT: only our own reply+/bounce+ addresses with a token that verifies are taken (no relay, no catch-all). */
  checkRecipient(address: string): RecipientCheck {
    const read = this.links.readEmailAddress(address);
    if (!read) return 'unknown';
    if ('invalid' in read) {
      this.logger.warn({ purpose: read.purpose, reason: read.invalid }, 'Inbound e-mail to a reply or bounce address whose token does not verify: refused');
      return read.invalid;
    }
    return 'ok';
  }

  /**
   * Stores one inbound e-mail and enqueues its job; returns the row id. RATE_LIMITED when the
   * sender has sent too many, VALIDATION when it is over INBOUND_MAX_BYTES.
   */
  async accept(mail: InboundMail): Promise<string> {
    if (!this.config.inboundEmail) throw new DomainException('NOT_FOUND', 'Inbound e-mail is not configured');
    if (mail.raw.length > this.config.inboundEmail.maxBytes) throw new DomainException('VALIDATION', 'The message is too large');
    await this.limiter.consume(
      [{ key: rateLimitKey('inbound-email', 'sender', mail.sender || 'none'), limit: INBOUND_LIMITS.perSender }],
      INBOUND_LIMITS.windowSeconds,
      'Too many messages from this sender, try again later',
    );
    // The first recipient of ours (a message to several of our addresses is read once, for the first).
    const recipient = mail.recipients.find((r) => this.links.readEmailAddress(r) !== null) ?? null;
    return this.repo.transaction(async (tx) => {
      const id = await this.repo.insert({ via: mail.via, recipient, raw: mail.raw }, tx);
      await this.queue.send(JobName.InboundEmail, { inboundEmailId: id }, { manager: tx });
      return id;
    });
  }
}
