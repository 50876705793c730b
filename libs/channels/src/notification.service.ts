import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobHandler, JobName, QueueService } from '@beacon/core';
import { ProviderError, type EmailMessage, type SmsMessage } from './channel.types';
import { EmailTransport } from './email/email.transport';
import { SmsTransport } from './sms/sms.transport';

/**
 * One-off messages to one person (verification codes, magic links, staff responses, ACF
 * decisions). Enqueued in the caller's transaction; sent by the worker with retries.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    private readonly queue: QueueService,
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
  ) {}

  async enqueueEmail(message: EmailMessage, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.send(JobName.NotifyEmail, message, opts);
  }

  async enqueueSms(message: SmsMessage, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.send(JobName.NotifySms, message, opts);
  }

  /** Many e-mails and SMS in one statement (e.g. the verifications of many sign-ups at once). */
  async enqueueAll(messages: { emails: EmailMessage[]; sms: SmsMessage[] }, opts: { manager?: EntityManager } = {}): Promise<void> {
    await this.queue.sendMany(
      [...messages.emails.map((payload) => ({ name: JobName.NotifyEmail, payload }) as const), ...messages.sms.map((payload) => ({ name: JobName.NotifySms, payload }) as const)],
      opts,
    );
  }

  @JobHandler(JobName.NotifyEmail)
  async sendEmail(message: EmailMessage): Promise<void> {
    await this.deliver(() => this.email.send(message), 'email');
  }

  @JobHandler(JobName.NotifySms)
  async sendSms(message: SmsMessage): Promise<void> {
    await this.deliver(() => this.sms.send(message), 'sms');
  }

  // Transient errors throw (pg-boss retries with backoff); permanent ones are logged and dropped,
  // and so are unknown outcomes (the provider may have the message: a retry could duplicate it).
  private async deliver(send: () => Promise<unknown>, channel: string): Promise<void> {
    try {
      await send();
    } catch (err) {
      if (err instanceof ProviderError && err.permanent) {
        this.logger.warn({ channel, providerCode: err.providerCode, err: err.message }, 'Notification failed permanently; not retried');
        return;
      }
      if (err instanceof ProviderError && err.kind === 'unknown') {
        this.logger.warn({ channel, providerCode: err.providerCode, err: err.message }, 'Notification outcome unknown (no answer after it was sent); not retried');
        return;
      }
      throw err;
    }
  }
}
