import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobHandler, JobName, QueueService, type NotificationJob, type NotificationRef } from '@beacon/core';
import { ProviderError, type EmailMessage, type SmsMessage } from './channel.types';
import { EmailTransport } from './email/email.transport';
import { NotificationComposerRegistry, type Compose } from './notification-composer';
import { SmsTransport } from './sms/sms.transport';

/** A provider's error text with the recipient's address taken out (bounces quote it). */
export function withoutAddress(text: string, address: string): string {
  return address ? text.split(address).join('<recipient>') : text;
}

/**
 * One-off messages to one person (verification codes, magic links, staff responses, ACF
 * decisions). Enqueued in the caller's transaction as a template and ids (see NotificationJob);
 * the worker renders them through the template's composer when the job runs, with retries.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    private readonly queue: QueueService,
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
    private readonly composers: NotificationComposerRegistry,
  ) {}

  async enqueueEmail(template: string, ref: NotificationRef, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.send(JobName.NotifyEmail, this.job('email', template, ref), opts);
  }

  async enqueueSms(template: string, ref: NotificationRef, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.send(JobName.NotifySms, this.job('sms', template, ref), opts);
  }

  /** Many e-mails and SMS in one statement (e.g. the verifications of many sign-ups at once). */
  async enqueueAll(jobs: { emails: NotificationJob[]; sms: NotificationJob[] }, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.sendMany(
      [
        ...jobs.emails.map((j) => ({ name: JobName.NotifyEmail, payload: this.job('email', j.template, j.ref) }) as const),
        ...jobs.sms.map((j) => ({ name: JobName.NotifySms, payload: this.job('sms', j.template, j.ref) }) as const),
      ],
      opts,
    );
  }

  @JobHandler(JobName.NotifyEmail)
  async sendEmail(job: NotificationJob): Promise<void> {
    if (job.erased) return; // its resident was erased while an earlier attempt ran (QueueService.deleteNotificationsFor)
    const message = await this.composer('email', job.template)(job.ref);
    if (!message) return; // erased, address gone or superseded: nothing to send
    await this.deliver(() => this.email.send(message), 'email', job.template, message.to);
  }

  @JobHandler(JobName.NotifySms)
  async sendSms(job: NotificationJob): Promise<void> {
    if (job.erased) return;
    const message = await this.composer('sms', job.template)(job.ref);
    if (!message) return;
    await this.deliver(() => this.sms.send(message), 'sms', job.template, message.to);
  }

  // An unknown template is a programming error: refused in the caller's transaction (and by the job).
  private job(channel: 'email' | 'sms', template: string, ref: NotificationRef): NotificationJob {
    if (channel === 'email') this.composer('email', template);
    else this.composer('sms', template);
    return { template, ref };
  }

  private composer(channel: 'email', template: string): Compose<EmailMessage>;
  private composer(channel: 'sms', template: string): Compose<SmsMessage>;
  private composer(channel: 'email' | 'sms', template: string): Compose<EmailMessage> | Compose<SmsMessage> {
    const found = channel === 'email' ? this.composers.composer('email', template) : this.composers.composer('sms', template);
    if (!found) throw new Error(`No NotificationComposer renders the ${channel} template "${template}"`);
    return found;
  }

  // Transient errors throw (pg-boss retries with backoff); permanent ones are logged and dropped,
  // and so are unknown outcomes (the provider may have the message: a retry could duplicate it).
  // Either way the text keeps no address: pg-boss stores a thrown error in the job's output.
  private async deliver(send: () => Promise<unknown>, channel: string, template: string, to: string): Promise<void> {
    try {
      await send();
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const scrubbed = new ProviderError(err.kind, withoutAddress(err.message, to), err.providerCode);
      if (scrubbed.permanent) {
        this.logger.warn({ channel, template, providerCode: err.providerCode, err: scrubbed.message }, 'Notification failed permanently; not retried');
        return;
      }
      if (scrubbed.kind === 'unknown') {
        this.logger.warn({ channel, template, providerCode: err.providerCode, err: scrubbed.message }, 'Notification outcome unknown (no answer after it was sent); not retried');
        return;
      }
      throw scrubbed;
    }
  }
}
