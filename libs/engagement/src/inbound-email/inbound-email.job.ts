import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainException, InjectConfig, JobHandler, JobName, type AppConfig, type InboundEmailJob } from '@beacon/core';
import { DeliveryFeedbackService, MessageLinksService, type InboundAddressPurpose } from '@beacon/messaging';
import { ResidentChannelsService } from '@beacon/residents';
import { ReplyService } from '../reply.service';
import { ReplyAttachmentService } from '../reply-attachments/reply-attachment.service';
import { InboundEmailRepository, type InboundEmailResult, type PendingInboundEmail } from './inbound-email.repository';
import { readInboundMail, type InboundReading } from './inbound-mail-reader';

type Address = { purpose: InboundAddressPurpose; deliveryId: string };
type Reading = InboundReading & { subject: string };

/**
 * Reads one stored inbound e-mail (job `inbound-email`, payload: its row id) and acts on it:
 * a reply goes into the inbox (`via: 'email'`), a DSN marks the delivery bounced (a hard one, or
 * SOFT_BOUNCE_SUSPEND_AFTER soft ones in a row, suspend the address through the residents lib),
 * an ARF complaint unsubscribes the resident from e-mail, an auto-reply is recorded and dropped.
 * Who it concerns comes only from a verified address token: a forged or tampered one is
 * dropped and logged. Idempotent: a row already read is skipped, and each effect happens once.
 */
@Injectable()
export class InboundEmailProcessor {
  private readonly logger = new Logger('InboundEmail');

  constructor(
    private readonly repo: InboundEmailRepository,
    private readonly links: MessageLinksService,
    private readonly feedback: DeliveryFeedbackService,
    private readonly residentChannels: ResidentChannelsService,
    private readonly replies: ReplyService,
    private readonly attachments: ReplyAttachmentService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.InboundEmail)
  async handle(job: InboundEmailJob): Promise<void> {
    // One transaction: the row's outcome commits with the bounce or complaint and the suspension
    // or unsubscribe it causes, so a retry after a crash does all of it or finds it done.
    const done = await this.repo.transaction(async (tx) => {
      const row = await this.repo.findPending(job.inboundEmailId, tx);
      if (!row) return null; // read already, or purged
      const result = await this.read(row, tx);
      await this.repo.finish(row.id, result, tx);
      return { row, result };
    });
    if (!done) return;
    const { row, result } = done;
    const log = { inboundEmailId: row.id, via: row.via, outcome: result.outcome, detail: result.detail, deliveryId: result.deliveryId };
    if (result.outcome === 'dropped') this.logger.warn(log, 'Inbound e-mail dropped');
    else this.logger.log(log, 'Inbound e-mail read');
  }

  private async read(row: PendingInboundEmail, tx: EntityManager): Promise<InboundEmailResult> {
    let mail: Reading;
    try {
      mail = await readInboundMail(row.raw);
    } catch {
      return { outcome: 'dropped', detail: 'Not a readable e-mail' };
    }
    const named = row.recipient ? this.links.readEmailAddress(row.recipient) : null;
    const address: Address | null = named && 'deliveryId' in named ? named : null;
    if (named && !address) return { outcome: 'dropped', detail: `Address token ${'invalid' in named ? named.invalid : 'forged'} (${named.purpose})` };
    switch (mail.kind) {
      case 'dsn':
        return this.bounce(mail, address ?? this.enclosed(mail.enclosedTokens), tx);
      case 'complaint':
        return this.complaint(mail, address ?? this.enclosed(mail.enclosedTokens), tx);
      case 'auto_reply':
        return { outcome: 'auto_reply', detail: mail.reason, deliveryId: address?.deliveryId, residentId: address && (await this.feedback.findEmailDelivery(address.deliveryId))?.residentId };
      case 'reply':
        return this.reply(mail, address, tx);
    }
  }

  /** A report with no address token of ours in its envelope: the token quoted from the original message, if one verifies. */
  private enclosed(addresses: string[]): Address | null {
    for (const a of addresses) {
      const read = this.links.readEmailAddress(a);
      if (read && 'deliveryId' in read) return read;
    }
    return null;
  }

  private async bounce(dsn: Extract<InboundReading, { kind: 'dsn' }>, address: Address | null, tx: EntityManager): Promise<InboundEmailResult> {
    if (!address) return { outcome: 'dropped', detail: 'Bounce report naming no delivery of ours' };
    const deliveryId = address.deliveryId;
    if (dsn.action !== 'failed' || !dsn.status) {
      const known = await this.feedback.findEmailDelivery(deliveryId);
      return { outcome: dsn.action === 'delayed' ? 'delayed' : 'ignored', detail: `DSN ${dsn.action || '?'} ${dsn.status}`.trim(), deliveryId, residentId: known?.residentId };
    }
    const soft = dsn.status.startsWith('4.');
    const recorded = await this.feedback.recordBounce(deliveryId, dsn.status, dsn.diagnostic || (soft ? 'soft bounce' : 'hard bounce'), tx);
    if (!recorded) return { outcome: 'dropped', detail: 'Bounce for a delivery that is gone or was never sent', deliveryId };
    if (recorded.changed) {
      if (soft) await this.residentChannels.recordSoftBounce(recorded.residentId, this.config.inboundEmail!.softBounceLimit, `DSN ${dsn.status}`, tx);
      else await this.residentChannels.suspend(recorded.residentId, 'email', `Hard bounce: DSN ${dsn.status} ${dsn.diagnostic}`, tx);
    }
    return { outcome: soft ? 'soft_bounce' : 'bounce', detail: `DSN ${dsn.status}${recorded.changed ? '' : ' (repeat)'}`, deliveryId, residentId: recorded.residentId };
  }

  private async complaint(report: Extract<InboundReading, { kind: 'complaint' }>, address: Address | null, tx: EntityManager): Promise<InboundEmailResult> {
    if (!address) return { outcome: 'dropped', detail: 'Complaint report naming no delivery of ours' };
    const recorded = await this.feedback.recordComplaint(address.deliveryId, tx);
    if (!recorded) return { outcome: 'dropped', detail: 'Complaint for a delivery that is gone or was never sent', deliveryId: address.deliveryId };
    if (recorded.changed) await this.residentChannels.unsubscribeEmail(recorded.residentId, tx);
    return { outcome: 'complaint', detail: `Feedback-Type: ${report.feedbackType}`, deliveryId: address.deliveryId, residentId: recorded.residentId };
  }

  private async reply(mail: Extract<InboundReading, { kind: 'reply' }>, address: Address | null, tx: EntityManager): Promise<InboundEmailResult> {
    if (!address) return { outcome: 'dropped', detail: 'Reply naming no delivery of ours' };
    if (address.purpose !== 'email-reply') return { outcome: 'ignored', detail: 'Mail to a bounce address that is not a report', deliveryId: address.deliveryId };
    const delivery = await this.feedback.findEmailDelivery(address.deliveryId);
    if (!delivery) return { outcome: 'dropped', detail: 'Reply to a delivery that is gone', deliveryId: address.deliveryId };
    const { keep, dropped } = await this.attachments.sort(mail.attachments);
    const noted = dropped.length ? `\n\n[Attachments not kept: ${dropped.join(', ')}]` : '';
    const body = (mail.text + noted).trim() || (keep.length ? '[Attachments only]' : '');
    const base = { deliveryId: delivery.id, residentId: delivery.residentId };
    if (!body) return { ...base, outcome: 'ignored', detail: 'Empty reply' };
    // The address works: it just sent us mail through its own reply address.
    await this.residentChannels.clearSoftBounces(delivery.residentId);
    const references = [...mail.references, ...(mail.messageId ? [mail.messageId] : [])];
    let stored;
    try {
      stored = await this.replies.createFromEmail({
        messageId: delivery.messageId,
        residentId: delivery.residentId,
        body,
        // One reply per e-mail (a relay that retries, the listener and the webhook both): by its Message-ID.
        providerId: `email:${createHash('sha256').update(`${mail.messageId ?? mail.text}|${delivery.id}`).digest('base64url').slice(0, 40)}`,
        deliveryId: delivery.id,
        emailMessageId: mail.messageId,
        emailReferences: joinReferences(delivery.providerId, references),
      }, tx);
      // With the reply, in the job's transaction: a retry finds both stored or neither.
      if (stored && keep.length) await this.attachments.store(stored.id, keep, tx);
    } catch (err) {
      if (err instanceof DomainException && err.code === 'RATE_LIMITED') return { ...base, outcome: 'rate_limited', detail: 'Over the reply limits' };
      throw err;
    }
    return { ...base, outcome: 'reply', replyId: stored?.id ?? null, detail: stored ? null : 'Already stored' };
  }
}

/** The References of the staff answer: our message first, then the resident's chain, within the column (oldest dropped). */
function joinReferences(ours: string | null, theirs: string[]): string | null {
  const ids = [...new Set([...(ours ? [ours] : []), ...theirs])];
  while (ids.length > 1 && ids.join(' ').length > 1000) ids.splice(ours ? 1 : 0, 1);
  return ids.length ? ids.join(' ').slice(0, 1000) : null;
}
