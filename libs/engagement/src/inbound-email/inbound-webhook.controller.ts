import { Controller, Headers, HttpCode, HttpException, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { forbidden, InjectConfig, notFound, Public, WebhookReceipts, type AppConfig } from '@beacon/core';
import { InboundEmailService } from './inbound-email.service';

const RAW_TYPES = ['message/rfc822', 'application/octet-stream'];

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The raw request body, refused (413) past `limit` bytes without reading further. */
function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpException('The message is too large', HttpStatus.PAYLOAD_TOO_LARGE));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `From:` of the header block, lower-cased: the sender the rate limit counts (the webhook has no envelope). */
function headerSender(raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0];
  const from = /^From:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(from)?.[0] ?? '').toLowerCase();
}

/** Our addresses in the recipient headers (To, Cc, Delivered-To, X-Original-To), when the forwarder names no envelope. */
function headerRecipients(raw: Buffer): string[] {
  const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0];
  const lines = head.match(/^(?:To|Cc|Delivered-To|X-Original-To):.*(?:\r?\n[ \t].*)*/gim) ?? [];
  return [...new Set(lines.join(' ').match(/\b(?:reply|bounce)\+[0-9a-z.]{1,60}@[a-z0-9.-]{1,253}/gi) ?? [])].slice(0, 10);
}

/**
 * For forces whose mail service receives the reply domain's mail and forwards it: the raw MIME
 * as the body (`message/rfc822`), authenticated by INBOUND_WEBHOOK_SECRET as a bearer token or
 * as `X-Beacon-Signature: sha256=<hex HMAC-SHA256 of the body>`; the envelope recipient in
 * `X-Envelope-To` (else our addresses in its To, Cc, Delivered-To or X-Original-To).
 * 202 once stored; the same job as the SMTP listener's reads it. The same raw mail again (a
 * forwarder's retry, or a captured request replayed) is stored once: the copy gets 202
 * `{accepted: true, duplicate: true}` (forwarders retry on anything else) and changes nothing.
 */
@Controller('webhooks/email')
export class InboundEmailWebhookController {
  constructor(
    private readonly inbound: InboundEmailService,
    private readonly receipts: WebhookReceipts,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('inbound')
  @HttpCode(202)
  @ApiExcludeEndpoint()
  async receive(
    @Req() req: Request,
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-beacon-signature') signature: string | undefined,
    @Headers('x-envelope-to') envelopeTo: string | undefined,
  ): Promise<{ accepted: true; duplicate?: true }> {
    const secret = this.config.inboundEmail?.webhookSecret;
    if (!secret) throw notFound('Route');
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!signature && !(bearer && sameSecret(bearer, secret))) throw forbidden('Missing or wrong webhook secret');
    if (!req.is(RAW_TYPES)) throw new HttpException('Send the raw message as message/rfc822', HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    const raw = await readBody(req, this.inbound.maxBytes);
    if (signature) {
      const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      if (!sameSecret(signature.trim().toLowerCase(), expected)) throw forbidden('Missing or wrong webhook secret');
    }
    if (!raw.length) throw new HttpException('The body is empty: send the raw message', HttpStatus.BAD_REQUEST);
    const named = (envelopeTo ?? '').split(',').map((r) => r.trim().replace(/^<|>$/g, '')).filter(Boolean).slice(0, 10);
    const recipients = named.length ? named : headerRecipients(raw);
    // Keyed by the body (what the HMAC signs; the bearer signs nothing): byte-identical mail is one mail.
    const once = await this.receipts.once('email-inbound', raw, () => this.inbound.accept({ raw, recipients, via: 'webhook', sender: headerSender(raw) }));
    if (once.outcome === 'in_flight') throw new HttpException('The same message is being stored; try again shortly', HttpStatus.SERVICE_UNAVAILABLE);
    return once.outcome === 'duplicate' ? { accepted: true, duplicate: true } : { accepted: true };
  }
}
