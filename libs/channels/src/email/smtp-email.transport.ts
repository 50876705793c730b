import { createTransport, type Transporter } from 'nodemailer';
import { ProviderError, type EmailMessage, type SendResult } from '../channel.types';
import { EmailTransport } from './email.transport';
import { buildMime, MimeError } from './mime';

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

// nodemailer's codes for "no SMTP conversation happened": refused, reset, timed out, no greeting, DNS.
const UNREACHABLE_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EGREETING', 'ECONNREFUSED', 'ECONNRESET']);

/**
 * Classifies SMTP failures: 5xx (but 503) is permanent; 421 and 4xx with rate text are rate
 * limited; no reply code at all with a connection-level error means the relay is unreachable;
 * other 4xx and errors are transient.
 */
export function classifySmtpError(err: SmtpError): ProviderError {
  const code = err.responseCode;
  if (!code && err.code && UNREACHABLE_CODES.has(err.code)) return new ProviderError('unavailable', err.message, err.code);
  if (code && code >= 500 && code !== 503) return new ProviderError('permanent', err.message, String(code));
  if (code === 421 || (code && code >= 400 && /rate|too many|throttl/i.test(err.message))) {
    return new ProviderError('rate_limited', err.message, String(code));
  }
  return new ProviderError('transient', err.message, code ? String(code) : err.code);
}

/** SMTP waits in ms (config `SMTP_*_TIMEOUT_SECONDS`). */
export interface SmtpTimeouts {
  /** DNS and TCP connect. */
  connectMs: number;
  /** The 220 greeting (RFC 5321 §4.5.3.2: 5 minutes). */
  greetingMs: number;
  /** Any reply: per command (RFC: 5 minutes) and after the message's final dot (RFC: 10 minutes). */
  replyMs: number;
}

const DEFAULT_TIMEOUTS: SmtpTimeouts = { connectMs: 30_000, greetingMs: 300_000, replyMs: 600_000 };

/** Per send: set once nodemailer has read the whole message into the DATA stream (the dot follows at once). */
interface Handover {
  messageLeft: boolean;
}

/**
 * A failure after the whole message went out: a reply with a code is the relay's answer and is
 * classified as usual; no reply at all (timed out, reset, closed) leaves the outcome unknown.
 */
export function classifySmtpSendError(err: SmtpError, messageLeft: boolean): ProviderError {
  if (messageLeft && !err.responseCode) return new ProviderError('unknown', `Unknown outcome, no reply after the message was sent: ${err.message}`, err.code);
  return classifySmtpError(err);
}

/** Pooled SMTP through nodemailer. */
export class SmtpEmailTransport extends EmailTransport {
  readonly name = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    opts: { maxConnections?: number; maxMessages?: number; timeouts?: SmtpTimeouts } = {},
  ) {
    super();
    const t = opts.timeouts ?? DEFAULT_TIMEOUTS;
    this.transporter = createTransport({
      url,
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: opts.maxMessages ?? 500,
      // nodemailer's connectionTimeout bounds the whole set-up, greeting included, so it is the
      // sum; its socketTimeout (inactivity) is the wait for every reply, one value for all phases.
      connectionTimeout: t.connectMs + t.greetingMs,
      greetingTimeout: t.greetingMs,
      socketTimeout: t.replyMs,
    } as Parameters<typeof createTransport>[0]);
    // The message stream handed to the SMTP connection ends when the DATA stream has read all of
    // it, i.e. after the relay's 354 and just before the final dot: from then on a timeout or a
    // reset means the relay may have the message (RFC 5321 §6.1's duplicate window).
    this.transporter.use('stream', (mail, done) => {
      const handover = (mail.data as { beaconHandover?: Handover }).beaconHandover;
      if (handover) {
        mail.message.processFunc((input) => {
          input.once('end', () => (handover.messageLeft = true));
          return input;
        });
      }
      done();
    });
  }

  async send(message: EmailMessage): Promise<SendResult> {
    const handover: Handover = { messageLeft: false };
    try {
      // The MIME is built here (see mime.ts); nodemailer carries it over the pooled connections.
      const mime = buildMime({ from: this.from, ...message });
      // With the MIME's own Message-ID, nodemailer does not make one up for the raw message it
      // never writes (five random draws an e-mail, ~4 % of the worker's CPU in a profile).
      const info = await this.transporter.sendMail({ envelope: mime.envelope, raw: mime.raw, messageId: mime.messageId, beaconHandover: handover } as Parameters<Transporter['sendMail']>[0]);
      if (info.rejected?.length) throw Object.assign(new Error(`Recipient rejected: ${info.response}`), { responseCode: 550 });
      return { providerId: mime.messageId };
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      if (err instanceof MimeError) throw new ProviderError('permanent', err.message);
      throw classifySmtpSendError(err as SmtpError, handover.messageLeft);
    }
  }

  override async close(): Promise<void> {
    this.transporter.close();
  }
}
