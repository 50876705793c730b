import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type ParsedMail } from 'mailparser';

/** What an inbound e-mail is, read from its MIME alone (who it is from comes from its address token). */
export type InboundReading =
  /** RFC 3464 delivery status notification: the first recipient's action and status. */
  | { kind: 'dsn'; action: string; status: string; diagnostic: string; enclosedTokens: string[] }
  /** RFC 5965 feedback report (a spam complaint). */
  | { kind: 'complaint'; feedbackType: string; enclosedTokens: string[] }
  /** RFC 3834 auto-reply, out-of-office or bulk mail: recorded, never put in the inbox. */
  | { kind: 'auto_reply'; reason: string }
  /** A person's reply: the new text only. */
  | { kind: 'reply'; text: string; attachments: { filename: string | null; content: Buffer }[]; messageId: string | null; references: string[] };

// Beyond this a reply is cut anyway (REPLY_MAX_LENGTH); HTML beyond it is not worth converting.
const MAX_HTML_TO_PARSE = 2 * 1024 * 1024;
// Our own addresses as they appear in the headers of an original message quoted by a report.
const OUR_ADDRESS = /\b(?:reply|bounce)\+[0-9a-z]{1,13}\.[0-9a-z]{1,10}\.[0-9a-f]{24}@[a-z0-9.-]{1,253}/gi;

/** Reads one raw inbound e-mail. Throws only on a message mailparser cannot read at all. */
export async function readInboundMail(raw: Buffer): Promise<InboundReading & { subject: string }> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: MAX_HTML_TO_PARSE });
  return { ...classify(mail, raw), subject: mail.subject ?? '' };
}

function classify(mail: ParsedMail, raw: Buffer): InboundReading {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = type?.value?.toLowerCase() === 'multipart/report' ? type.params?.['report-type']?.toLowerCase() : undefined;
  const boundary = type?.params?.boundary;
  if (reportType === 'delivery-status' && boundary) {
    const part = reportPart(raw, boundary, /^message\/(global-)?delivery-status$/i);
    if (part) {
      // Per-recipient fields follow the per-message block; we send one recipient per e-mail.
      const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.+(?:\\r?\\n[ \\t]+.+)*)`, 'im').exec(part)?.[1].replace(/\s+/g, ' ').trim() ?? '';
      const status = /^([245])\.(\d{1,3})\.(\d{1,3})/.exec(field('Status'))?.[0] ?? '';
      return { kind: 'dsn', action: field('Action').toLowerCase(), status, diagnostic: withoutAddresses(field('Diagnostic-Code')).slice(0, 300), enclosedTokens: enclosedTokens(raw) };
    }
  }
  if (reportType === 'feedback-report' && boundary) {
    const part = reportPart(raw, boundary, /^message\/feedback-report$/i);
    if (part) {
      const feedbackType = /^Feedback-Type:[ \t]*([\w-]+)/im.exec(part)?.[1].toLowerCase() ?? 'abuse';
      return { kind: 'complaint', feedbackType, enclosedTokens: enclosedTokens(raw) };
    }
  }
  const auto = autoReplyReason(mail);
  if (auto) return { kind: 'auto_reply', reason: auto };
  const text = mail.text ?? '';
  return {
    kind: 'reply',
    text: new EmailReplyParser().parseReply(text).trim(),
    // The caller decides what is kept, by content (the declared type is the sender's word).
    attachments: mail.attachments.filter((a) => !a.related).map((a) => ({ filename: a.filename ?? a.contentType, content: a.content })),
    messageId: cleanId(mail.messageId),
    references: (Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []).map(cleanId).filter((x): x is string => !!x),
  };
}

/** RFC 3834 and the common vendor headers for automatic answers and bulk mail. */
function autoReplyReason(mail: ParsedMail): string | null {
  const header = (name: string) => {
    const v = mail.headers.get(name);
    return typeof v === 'string' ? v.trim().toLowerCase() : v === undefined ? '' : String((v as { value?: unknown }).value ?? v).toLowerCase();
  };
  const submitted = header('auto-submitted');
  if (submitted && submitted !== 'no') return `Auto-Submitted: ${submitted.slice(0, 40)}`;
  if (header('x-autoreply') || header('x-autorespond')) return 'X-Autoreply';
  const precedence = header('precedence') || header('x-precedence');
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (header('x-auto-response-suppress') && /^(auto|automatic reply|out of office)\b/i.test(mail.subject ?? '')) return 'Out of office';
  return null;
}

/** The body of the first part of a multipart/report whose type matches (base64 decoded). */
function reportPart(raw: Buffer, boundary: string, type: RegExp): string | null {
  const text = raw.toString('latin1');
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    const split = /\r?\n\r?\n/.exec(chunk);
    if (!split) continue;
    const head = chunk.slice(0, split.index);
    const contentType = /^Content-Type:[ \t]*([^;\s]+)/im.exec(head)?.[1] ?? 'text/plain';
    if (!type.test(contentType)) continue;
    const body = chunk.slice(split.index + split[0].length);
    return /^Content-Transfer-Encoding:[ \t]*base64/im.test(head) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  }
  return null;
}

/** Reply and bounce addresses quoted in the report (the original message's Return-Path, Reply-To): verified by the caller. */
function enclosedTokens(raw: Buffer): string[] {
  return [...new Set([...raw.toString('latin1').matchAll(OUR_ADDRESS)].map((m) => m[0]))].slice(0, 5);
}

/** Relays quote the recipient in their diagnostics: kept out of the delivery row and the suspension reason. */
function withoutAddresses(text: string): string {
  return text.replace(/<?[^\s<>"';:,()]+@[^\s<>"';:,()]+>?/g, '<recipient>');
}

function cleanId(id: string | undefined): string | null {
  const m = id ? /<?([^<>\s]{1,250})>?/.exec(id.trim()) : null;
  return m ? `<${m[1]}>` : null;
}
