import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { MimePart } from '../channel.types';

/**
 * The MIME message for one e-mail, built directly: multipart/alternative (text + HTML), UTF-8,
 * base64 bodies, RFC 2047 headers. nodemailer then only carries the bytes over its pooled SMTP
 * connections (`raw`). Compiling the same message with nodemailer's MIME builder cost 0.67 ms of
 * CPU per e-mail against 0.25 ms for this, which is most of a core at 1,000 e-mails a second.
 * Images and files are written out once per message (`prepareMimePart`) and only concatenated
 * here: multipart/related (the alternative + inline images) inside multipart/mixed (+ files).
 */
export interface MimeInput {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A Reply-To mailbox (checked like From). */
  replyTo?: string;
  /** The envelope sender (MAIL FROM); default the From address. */
  returnPath?: string;
  date?: Date;
  /** Inline parts (`cid:` images of the HTML): the HTML and its images go in multipart/related. */
  inline?: readonly MimePart[];
  /** Attached files: the whole goes in multipart/mixed. */
  attachments?: readonly MimePart[];
}

export interface BuiltMime {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

/** The message cannot be written (a malformed address or header name): no retry will help. */
export class MimeError extends Error {}

const PLAIN_HEADER = /^[\x20-\x7e]*$/;
// Local part: a quoted string or dot-atom text (UTF-8 allowed, as SMTPUTF8 relays take it);
// the domain is sent as punycode.
const LOCAL_PART = /^(?:"[^"\\\r\n]*"|[^\s<>@",;:\\()[\]]+)$/;
const ASCII_DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// Headers buildMime writes itself; a caller's header of the same name would duplicate them.
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding', 'sender', 'reply-to']);
const HEADER_NAME = /^[!-9;-~]+$/; // RFC 5322 ftext: printable ASCII but ':'

/**
 * A header value: printable ASCII as it is (folded before 78 characters where it has spaces);
 * anything else (non-ASCII, CR/LF or other controls) as RFC 2047 encoded-words of at most 75
 * characters, never splitting a character, so no value can inject a header.
 */
export function encodeHeaderValue(value: string): string {
  if (PLAIN_HEADER.test(value)) return fold(value);
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

function fold(value: string): string {
  if (value.length <= 76) return value;
  const lines: string[] = [];
  let line = '';
  for (const word of value.split(' ')) {
    if (line && line.length + 1 + word.length > 76) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\r\n ');
}

/** `Name <addr@host>` or `addr@host` → the address, and the header form. */
export function parseMailbox(mailbox: string): { address: string; header: string } {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(mailbox);
  const given = (m ? m[2] : mailbox).trim();
  const at = given.lastIndexOf('@');
  const local = given.slice(0, at);
  const domain = at > 0 ? domainToASCII(given.slice(at + 1)) : '';
  if (at <= 0 || !LOCAL_PART.test(local) || !ASCII_DOMAIN.test(domain)) throw new MimeError(`Not an e-mail address: ${JSON.stringify(mailbox)}`);
  const address = `${local}@${domain}`;
  const raw = m?.[1] ?? '';
  const name = /^".*"$/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  if (!name) return { address, header: address };
  const display = PLAIN_HEADER.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeHeaderValue(name);
  return { address, header: `${display} <${address}>` };
}

/** Base64 in 76-character lines (RFC 2045 §6.8), CRLF between them. */
function base64Lines(bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  // Slices joined once: a quarter of the CPU of a line-splitting regular expression (27 → 7 µs for 3.4 KB).
  const lines: string[] = new Array(Math.ceil(b64.length / 76));
  for (let i = 0, k = 0; i < b64.length; i += 76, k++) lines[k] = b64.slice(i, i + 76);
  return lines.join('\r\n');
}

function base64Body(text: string): string {
  return base64Lines(Buffer.from(text, 'utf8'));
}

/** RFC 5322 date, e.g. `Mon, 23 Nov 2026 05:30:00 +0000`. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

const CONTENT_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * One body part written out once: headers and its base64 body (76-character lines). `contentId`
 * makes it an inline part (`Content-ID`, named `cid:<contentId>` in the HTML); `filename` must be
 * a plain ASCII name (letters, digits, `.`, `-`, `_`: the caller makes it safe), so nothing a
 * user typed can add a header.
 */
export function prepareMimePart(p: { contentType: string; bytes: Buffer; filename: string; contentId?: string }): MimePart {
  if (!CONTENT_TYPE.test(p.contentType)) throw new MimeError(`Not a content type: ${JSON.stringify(p.contentType)}`);
  if (!SAFE_NAME.test(p.filename)) throw new MimeError(`Not a safe file name: ${JSON.stringify(p.filename)}`);
  if (p.contentId !== undefined && !/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/.test(p.contentId)) throw new MimeError(`Not a Content-ID: ${JSON.stringify(p.contentId)}`);
  const head = [
    `Content-Type: ${p.contentType}; name="${p.filename}"`,
    'Content-Transfer-Encoding: base64',
    ...(p.contentId ? [`Content-ID: <${p.contentId}>`, `Content-Disposition: inline; filename="${p.filename}"`] : [`Content-Disposition: attachment; filename="${p.filename}"`]),
    '',
    '',
  ].join('\r\n');
  const body = base64Lines(p.bytes);
  return { bytes: Buffer.from(`${head}${body}\r\n`, 'latin1'), contentId: p.contentId };
}

/** A multipart body (its Content-Type header lines, then the parts): strings and prepared bytes, joined once at the end. */
function multipart(subtype: string, parts: (string | Buffer)[][], param = ''): (string | Buffer)[] {
  const boundary = `beacon-${randomUUID()}`;
  const out: (string | Buffer)[] = [`Content-Type: multipart/${subtype};${param}\r\n boundary="${boundary}"\r\n\r\n`];
  for (const part of parts) out.push(`--${boundary}\r\n`, ...part);
  out.push(`--${boundary}--\r\n`);
  return out;
}

export function buildMime(input: MimeInput): BuiltMime {
  const from = parseMailbox(input.from);
  const to = parseMailbox(input.to);
  const replyTo = input.replyTo === undefined ? undefined : parseMailbox(input.replyTo);
  const returnPath = input.returnPath === undefined ? from : parseMailbox(input.returnPath);
  const messageId = `<${randomUUID()}@${from.address.split('@')[1]}>`;
  const lines = [
    `From: ${from.header}`,
    `To: ${to.header}`,
    ...(replyTo ? [`Reply-To: ${replyTo.header}`] : []),
    `Subject: ${encodeHeaderValue(input.subject)}`,
    `Date: ${rfc5322Date(input.date ?? new Date())}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
  ];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) throw new MimeError(`Not a header name: ${JSON.stringify(name)}`);
    lines.push(`${name}: ${encodeHeaderValue(value)}`);
  }
  const part = (type: string, body: string) => [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Body(body)];
  const inline = input.inline ?? [];
  const attachments = input.attachments ?? [];
  const envelope = { from: returnPath.address, to: [to.address] };
  if (!inline.length && !attachments.length) {
    if (input.html === undefined) {
      lines.push(...part('text/plain', input.text));
    } else {
      const boundary = `beacon-${randomUUID()}`;
      lines.push(
        'Content-Type: multipart/alternative;',
        ` boundary="${boundary}"`,
        '',
        `--${boundary}`,
        ...part('text/plain', input.text),
        `--${boundary}`,
        ...part('text/html', input.html),
        `--${boundary}--`,
      );
    }
    lines.push('');
    return { raw: Buffer.from(lines.join('\r\n'), 'utf8'), messageId, envelope };
  }
  // With parts: the text (or alternative) → related with the inline images → mixed with the files.
  const text = (type: string, body: string) => `${part(type, body).join('\r\n')}\r\n`;
  let content: (string | Buffer)[] =
    input.html === undefined ? [text('text/plain', input.text)] : multipart('alternative', [[text('text/plain', input.text)], [text('text/html', input.html)]]);
  if (inline.length && input.html !== undefined) content = multipart('related', [content, ...inline.map((p) => [p.bytes])], ' type="multipart/alternative";');
  if (attachments.length) content = multipart('mixed', [content, ...attachments.map((p) => [p.bytes])]);
  const chunks = [`${lines.join('\r\n')}\r\n`, ...content];
  return { raw: Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))), messageId, envelope };
}
