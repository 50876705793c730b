import { ProviderError, type EmailMessage, type SendResult } from '../channel.types';
import type { OutboxStore } from '../outbox/outbox.store';
import { EmailTransport } from './email.transport';

export class OutboxEmailTransport extends EmailTransport {
  readonly name = 'outbox';
  constructor(private readonly outbox: OutboxStore) {
    super();
  }

  async send(message: EmailMessage): Promise<SendResult> {
    // Lets the dev demo show a permanent failure without a mail server.
    if (message.to.endsWith('@bounce.invalid')) throw new ProviderError('permanent', '550 mailbox unavailable (outbox)', '550');
    const entry = this.outbox.write({ channel: 'email', to: message.to, subject: message.subject, text: message.text, html: message.html, headers: outboxHeaders(message) });
    return { providerId: `<${entry.id}@outbox.beacon>` };
  }
}

/** The headers as sent, with Reply-To and the envelope sender shown as a relay would add them. */
function outboxHeaders(m: EmailMessage): Record<string, string> | undefined {
  if (!m.replyTo && !m.returnPath) return m.headers;
  return { ...m.headers, ...(m.replyTo ? { 'Reply-To': m.replyTo } : {}), ...(m.returnPath ? { 'Return-Path': `<${m.returnPath}>` } : {}) };
}
