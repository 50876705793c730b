import type { Response } from 'express';
import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { DomainException, InjectConfig, notFound, type AppConfig } from '@beacon/core';
import { ViewRenderer } from '@beacon/web';
import { MessageAttachmentService } from '../attachments/message-attachment.service';
import { emailFurniture } from '../email-furniture';
import { localised, senderWords, textDirection, textToHtml, type MessageSender } from '../message-content';
import { MessageContextService } from '../message-context';
import { readWebVersionToken } from '../message-links.service';
import type { MessageEntity } from '../message.entity';
import { MessageRepository } from '../message.repository';

const VIEWS = new URL('./views/', import.meta.url);

/** "<role>, <team>" in a page's language (English where it has no catalogue). */
function roleTeamIn(lang: string, sender: MessageSender, forceName: string): string {
  const f = emailFurniture(lang);
  const { role, team } = senderWords(sender, f, forceName);
  return f.roleTeam(role, team);
}
/** Only messages that went out have a web version; a draft's token never exists, but the check is here too. */
const PUBLISHED = new Set(['sending', 'paused', 'sent']);

/** A short summary for link previews (og:description): the body's first words. */
function summary(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).trimEnd()}…`;
}

/** The public web version of a sent message (`/m/<token>`), rendered through libs/web's layout. */
@Injectable()
export class WebVersionService {
  constructor(
    private readonly links: LinkTokenService,
    private readonly messages: MessageRepository,
    private readonly contexts: MessageContextService,
    private readonly views: ViewRenderer,
    private readonly attachments: MessageAttachmentService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** 400 tampered token, 410 expired, 404 not a sent message; a withdrawn one is a 410 page saying so. */
  /** The page's furniture is in the page's language (libs/web `renderPage`: `?lang=` first), the message in its translation. */
  async page(res: Response, token: string, lang?: string): Promise<{ status: number; html: string }> {
    const m = await this.published(token);
    const context = await this.contexts.forMessage(m);
    const serviceName = context.branding.forceName;
    if (m.withdrawnAt) {
      return { status: 410, html: this.views.renderPage(res, VIEWS, 'web-version-withdrawn.njk', { serviceName, forceName: serviceName, withdrawnAt: m.withdrawnAt }) };
    }
    // `?lang=`: the translation the recipient got (English when there is none).
    const content = localised(m, typeof lang === 'string' ? lang : null, this.config.languages);
    const files = (await this.attachments.list(m.id)).map((a) => ({ ...a, url: `/m/${encodeURIComponent(token)}/files/${a.id}`, sizeText: `${Math.max(1, Math.round(a.size / 1024))} KB` }));
    const images = files.filter((f) => f.kind === 'image');
    const sender = context.sender;
    const html = this.views.renderPage(res, VIEWS, 'web-version.njk', ({ pageLang }) => ({
      serviceName,
      title: content.title,
      description: summary(content.body),
      bodyHtml: textToHtml(content.body).replace(/<p>/g, '<p class="govuk-body">'),
      category: m.category,
      lang: content.language,
      dir: textDirection(content.language),
      url: `${this.config.http.publicUrl}/m/${token}`,
      sentAt: m.sentAt,
      sender,
      // The sender's role and team in the page's language (libs/web's `email.*` texts, as the e-mail has them).
      senderRoleTeam: sender ? roleTeamIn(pageLang, sender, serviceName) : null,
      branding: context.branding,
      images,
      // Link previews show the message's first picture (an appeal's photograph) rather than the logo.
      ogImage: images[0] ? `${this.config.http.publicUrl}${images[0].url}` : null,
      pdfs: files.filter((f) => f.kind === 'pdf'),
    }));
    return { status: 200, html };
  }

  /** An image or PDF of a message that may be shown (sent, not withdrawn: 410 then, as its page). */
  async file(token: string, id: string): Promise<{ contentType: string; filename: string; bytes: Buffer; inline: boolean }> {
    const m = await this.published(token);
    if (m.withdrawnAt) throw new DomainException('GONE', 'This message has been withdrawn');
    const { row, bytes } = await this.attachments.file(m.id, id);
    return { contentType: row.contentType, filename: row.filename, bytes, inline: row.kind === 'image' };
  }

  /** 400 tampered token, 410 expired, 404 not a message that went out. */
  private async published(token: string): Promise<MessageEntity> {
    const m = await this.messages.findById(readWebVersionToken(this.links, token));
    if (!m || !PUBLISHED.has(m.status)) throw notFound('Message');
    return m;
  }

  /** The force's colour as a tiny stylesheet (pages allow no inline style). */
  brandingCss(): string {
    const c = this.config.branding.colour;
    return `.beacon-force-bar{border-top:10px solid ${c};padding-top:10px;margin-bottom:20px}\n.beacon-force-name{color:${c}}\n.beacon-force-logo{display:block;max-height:60px;margin-bottom:10px}\n.beacon-message-image{display:block;max-width:100%;height:auto;margin-bottom:20px}\n`;
  }
}
