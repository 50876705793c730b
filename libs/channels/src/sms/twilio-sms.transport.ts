import twilio from 'twilio';
import { ProviderError, type SendResult, type SmsMessage } from '../channel.types';
import { SmsTransport } from './sms.transport';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/** Sends the real client's requests to another base URL (a local stub in tests and benchmarks). */
class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;
  constructor(baseUrl: string, timeoutMs: number) {
    super({ keepAlive: true, autoRetry: false, timeout: timeoutMs });
    this.base = new URL(baseUrl);
  }
  override request<TData>(opts: RequestOptions & { data?: TData }) {
    const u = new URL(opts.uri);
    u.protocol = this.base.protocol;
    u.host = this.base.host;
    return super.request({ ...opts, uri: u.toString() });
  }
}

// Twilio error codes that no retry can fix (bad number, unsubscribed, not SMS-capable, blocked…).
const PERMANENT_TWILIO_CODES = new Set([21211, 21212, 21214, 21217, 21219, 21401, 21407, 21408, 21421, 21606, 21608, 21610, 21612, 21614, 21635, 30003, 30004, 30005, 30006, 30007, 30008]);

// Network errors before any HTTP answer: the API could not be reached (nothing to do with the number).
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

// Timed out or cut off: when the whole request had been written, Twilio may have taken the SMS.
const AFTER_SEND_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

export function classifyTwilioError(err: unknown): ProviderError {
  if (err instanceof twilio.RestException) {
    const code = err.code ? String(err.code) : String(err.status);
    if (err.status === 429 || err.code === 20429) return new ProviderError('rate_limited', err.message, code);
    if (err.code && PERMANENT_TWILIO_CODES.has(err.code)) return new ProviderError('permanent', err.message, code);
    if (err.status >= 500) return new ProviderError('transient', err.message, code);
    if (err.status === 401 || err.status === 403) return new ProviderError('transient', `Twilio credentials rejected: ${err.message}`, code);
    return new ProviderError('permanent', err.message, code);
  }
  const e = err as { code?: string; message?: string; request?: { writableFinished?: boolean } };
  // axios hands back the Node request: writableFinished = every byte of it was flushed to the socket.
  if (e?.code && AFTER_SEND_CODES.has(e.code) && e.request?.writableFinished === true) {
    return new ProviderError('unknown', `Unknown outcome, no answer after the request was sent: ${e.message ?? e.code}`, e.code);
  }
  if (e?.code && UNREACHABLE_CODES.has(e.code)) return new ProviderError('unavailable', e.message ?? 'Twilio unreachable', e.code);
  return new ProviderError('transient', e?.message ?? 'Twilio request failed', e?.code);
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  apiBaseUrl?: string;
  /** Wait for the answer to one request (default 30 s). */
  timeoutMs?: number;
}

/** The official twilio client; failures are classified for retry or record. */
export class TwilioSmsTransport extends SmsTransport {
  readonly name = 'twilio';
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly opts: TwilioOptions) {
    super();
    // Keep-alive connections (a TLS handshake per SMS would cost more than the request); retries
    // are ours (classified, with backoff), so the client's own auto-retry stays off.
    const timeout = opts.timeoutMs ?? 30_000;
    const httpClient = opts.apiBaseUrl ? new BaseUrlRequestClient(opts.apiBaseUrl, timeout) : new twilio.RequestClient({ keepAlive: true, autoRetry: false, timeout });
    this.client = twilio(opts.accountSid, opts.authToken, { httpClient });
  }

  async send(message: SmsMessage): Promise<SendResult> {
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        body: message.body,
        ...(this.opts.messagingServiceSid ? { messagingServiceSid: this.opts.messagingServiceSid } : { from: this.opts.from! }),
        ...(message.statusCallback ? { statusCallback: message.statusCallback } : {}),
      });
      if (sent.errorCode) throw new ProviderError('permanent', sent.errorMessage ?? 'Twilio rejected the message', String(sent.errorCode));
      return { providerId: sent.sid };
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      throw classifyTwilioError(err);
    }
  }
}

/** Checks an X-Twilio-Signature against the public URL Twilio called and the posted form fields. */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, unknown>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params as Record<string, string>);
}
