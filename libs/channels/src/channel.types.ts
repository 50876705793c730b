export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** Reply-To: where the resident's Reply goes (`reply+<token>@REPLY_DOMAIN`). */
  replyTo?: string;
  /** Envelope sender (MAIL FROM, which becomes Return-Path): the VERP `bounce+<token>@…`; default the From address. */
  returnPath?: string;
  /** Inline parts (images the HTML names by `cid:`), prepared once per message with `prepareMimePart`. */
  inline?: readonly MimePart[];
  /** Attached files (PDFs), prepared once per message. */
  attachments?: readonly MimePart[];
}

/**
 * One body part already written out (its headers and base64 body, CRLF lines), so a message sent
 * to many recipients encodes its images and files once and each e-mail only concatenates bytes.
 */
export interface MimePart {
  readonly bytes: Buffer;
  /** The `Content-ID` (without angle brackets) an inline part is named by in the HTML (`cid:…`). */
  readonly contentId?: string;
}

export interface SmsMessage {
  to: string;
  body: string;
  /** Twilio calls this URL with delivery status updates. */
  statusCallback?: string;
}

export interface SendResult {
  /** Message-ID for e-mail, message SID for SMS. */
  providerId: string;
}

export type ProviderErrorKind = 'transient' | 'rate_limited' | 'unavailable' | 'permanent' | 'unknown';

/**
 * A provider failure, classified once at the edge: transient sends are retried with backoff;
 * rate-limited and unavailable ones (the provider throttles us, or cannot be reached at all)
 * say nothing about the recipient, so the whole channel backs off without spending the
 * recipient's attempts; permanent ones are recorded and never retried. `unknown`: the whole
 * message had left (after the end-of-data dot, or the whole HTTP request) when the connection
 * timed out or broke, so the provider may well have it: recorded, never sent again.
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** Provider's own code: SMTP reply code or Twilio error code. */
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}
