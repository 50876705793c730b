import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationComposerProvider, type Compose, type EmailMessage, type NotificationComposer } from '@beacon/channels';
import { html } from '@beacon/core';
import { ResidentLinksService } from '@beacon/residents';
import { SchemesRepository, type InvitationToSend } from '../schemes.repository';

/** The schemes lib's one-off e-mails; ref `{ schemeId, residentId }` (never a name or an address). */
export const SchemeNotice = {
  /** To the invitee of a coordinator's invitation, linking to their own schemes page. */
  invitation: 'scheme.invitation',
} as const;

/** How SchemesService queues them: NotificationService from @beacon/channels, in the caller's transaction. */
export abstract class SchemeNotifier {
  abstract enqueueEmail(template: string, ref: Record<string, string>, opts?: { manager?: EntityManager }): Promise<unknown>;
}

/**
 * Rendered when the job runs, from the rows as they are then: only while the invitation is still
 * open, the scheme active and the invitee an active resident holding a verified address (an
 * answered, withdrawn or erased one gets nothing). The link is a sign-in link for that address
 * which lands on `/me/schemes`, where the invitation is accepted or declined.
 */
@NotificationComposerProvider()
@Injectable()
export class SchemeInvitationNotifications implements NotificationComposer {
  constructor(
    private readonly schemes: SchemesRepository,
    private readonly links: ResidentLinksService,
  ) {}

  readonly email: Record<string, Compose<EmailMessage>> = {
    [SchemeNotice.invitation]: async (ref) => {
      if (!ref.schemeId || !ref.residentId) return null;
      const row = await this.schemes.findInvitationToSend(ref.schemeId, ref.residentId);
      return row ? invitationEmail(row, this.links.signInUrl(ref.residentId, row.email, 'schemes')) : null;
    },
  };
}

function invitationEmail(row: InvitationToSend, url: string): EmailMessage {
  const heading = `You are invited to join ${row.schemeName}`;
  const hello = row.firstName ? `Hello ${row.firstName},` : 'Hello,';
  return {
    to: row.email,
    subject: 'You are invited to join a watch scheme',
    text: `${hello}\n\nThe coordinator of ${row.schemeName} (${row.typeName}) has invited you to join it.\n\nTo accept or decline, sign in with this link (it works for 1 hour; after that, ask for a new one on the page it opens):\n\n${url}\n\nYou only join if you accept. If you do nothing, nothing changes.\n`,
    html: html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${heading}</title></head>
<body style="margin:0;padding:24px;font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#ffffff">
<h1 style="font-size:28px;margin:0 0 16px">${heading}</h1>
<p>${hello}</p><p>The coordinator of ${row.schemeName} (${row.typeName}) has invited you to join it.</p>
<p><a href="${url}" style="display:inline-block;background:#00703c;color:#ffffff;padding:10px 16px;text-decoration:none;font-weight:bold">Accept or decline</a></p>
<p style="font-size:16px">The link works for 1 hour. You only join if you accept. If you do nothing, nothing changes.</p>
<p style="color:#505a5f;font-size:16px;margin-top:32px">Beacon: community messages from your local police.</p>
</body></html>`.value,
  };
}
