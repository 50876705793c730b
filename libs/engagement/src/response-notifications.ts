import { Injectable } from '@nestjs/common';
import { NotificationComposerProvider, type Compose, type EmailMessage, type NotificationComposer, type SmsMessage } from '@beacon/channels';
import { escapeHtml } from '@beacon/core';
import { MessageLinksService, textToHtml } from '@beacon/messaging';
import { ReplyRepository, type ResponseToSend } from './reply.repository';

/** A staff response to a reply; ref: `{ responseId, residentId }`. */
export const RESPONSE_TEMPLATE = 'engagement.response';

const teamOf = (r: ResponseToSend) => `${r.npuName} neighbourhood team`;

function responseEmail(r: ResponseToSend, to: string): EmailMessage {
  const team = teamOf(r);
  const subject = r.messageTitle ? `Re: ${r.messageTitle}` : `A reply from your ${team}`;
  const quoted = r.replyBody.split(/\r?\n/).map((l) => `> ${l}`).join('\n');
  const text = `${r.body}\n\n— ${team}, through Beacon\n\nYou wrote:\n${quoted}\n`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:600px;margin:0 auto;padding:16px">
${textToHtml(r.body)}
<p>— ${escapeHtml(team)}, through Beacon</p>
<p>You wrote:</p>
<blockquote style="margin:0;padding-left:12px;border-left:4px solid #b1b4b6">${textToHtml(r.replyBody)}</blockquote>
</body></html>`;
  return { to, subject, text, html };
}

/**
 * An answer to an e-mail reply joins its thread (RFC 5322 In-Reply-To / References) and carries
 * the delivery's reply address again, so the resident can answer the answer. Always sent to the
 * address Beacon holds for the resident, never to a header of the mail they sent.
 */
function threaded(message: EmailMessage, r: ResponseToSend, links: MessageLinksService): EmailMessage {
  if (!r.emailMessageId) return message;
  const headers = { 'In-Reply-To': r.emailMessageId, References: r.emailReferences ?? r.emailMessageId };
  const replyTo = r.deliveryId ? links.emailAddresses(r.deliveryId)?.replyTo : undefined;
  return { ...message, headers: { ...message.headers, ...headers }, ...(replyTo ? { replyTo } : {}) };
}

/**
 * Renders a response when its job runs, from the rows as they are then: once the resident is
 * erased (address gone, words emptied) nothing is sent, and the queue never held the text.
 */
@NotificationComposerProvider()
@Injectable()
export class ResponseNotifications implements NotificationComposer {
  constructor(
    private readonly replies: ReplyRepository,
    private readonly links: MessageLinksService,
  ) {}

  private find = async (responseId: string | undefined) => {
    const r = responseId ? await this.replies.findResponseToSend(responseId) : null;
    return r && r.body ? r : null;
  };

  readonly email: Record<string, Compose<EmailMessage>> = {
    [RESPONSE_TEMPLATE]: async (ref) => {
      const r = await this.find(ref.responseId);
      return r?.email ? threaded(responseEmail(r, r.email), r, this.links) : null;
    },
  };

  readonly sms: Record<string, Compose<SmsMessage>> = {
    [RESPONSE_TEMPLATE]: async (ref) => {
      const r = await this.find(ref.responseId);
      return r?.phone ? { to: r.phone, body: `${r.body}\n- ${teamOf(r)}` } : null;
    },
  };
}
