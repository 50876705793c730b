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
    const entry = this.outbox.write({ channel: 'email', to: message.to, subject: message.subject, text: message.text, html: message.html, headers: message.headers });
    return { providerId: `<${entry.id}@outbox.beacon>` };
  }
}
