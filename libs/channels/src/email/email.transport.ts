import type { EmailMessage, SendResult } from '../channel.types';

/** Where e-mail goes: SMTP in production, the outbox in development. */
export abstract class EmailTransport {
  abstract readonly name: string;
  /** Resolves with the provider id, or throws ProviderError. */
  abstract send(message: EmailMessage): Promise<SendResult>;
  async close(): Promise<void> {}
}
