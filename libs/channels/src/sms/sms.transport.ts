import type { SendResult, SmsMessage } from '../channel.types';

/** Where SMS goes: Twilio in production, the outbox in development. */
export abstract class SmsTransport {
  abstract readonly name: string;
  abstract send(message: SmsMessage): Promise<SendResult>;
}
