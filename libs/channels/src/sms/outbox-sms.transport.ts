import { ProviderError, type SendResult, type SmsMessage } from '../channel.types';
import type { OutboxStore } from '../outbox/outbox.store';
import { SmsTransport } from './sms.transport';

export class OutboxSmsTransport extends SmsTransport {
  readonly name = 'outbox';
  constructor(private readonly outbox: OutboxStore) {
    super();
  }

  async send(message: SmsMessage): Promise<SendResult> {
    // +447700900999 (Ofcom drama range) lets the dev demo show a permanent failure.
    if (message.to === '+447700900999') throw new ProviderError('permanent', 'Invalid number (outbox)', '21211');
    const entry = this.outbox.write({ channel: 'sms', to: message.to, text: message.body });
    return { providerId: `SMoutbox${entry.id.replace(/-/g, '')}` };
  }
}
