import type { Response } from 'express';
import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { InjectConfig, notFound, type AppConfig } from '@beacon/core';
import { ViewRenderer } from '@beacon/web';
import { localised, textDirection, textToHtml } from '../message-content';
import { MessageContextService } from '../message-context';
import { readWebVersionToken } from '../message-links.service';
import { MessageRepository } from '../message.repository';

const VIEWS = new URL('./views/', import.meta.url);
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
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** 400 tampered token, 410 expired, 404 not a sent message; a withdrawn one is a 410 page saying so. */
  /** The page's furniture is in the page's language (libs/web `renderPage`: `?lang=` first), the message in its translation. */
  async page(res: Response, token: string, lang?: string): Promise<{ status: number; html: string }> {
    const id = readWebVersionToken(this.links, token);
    const m = await this.messages.findById(id);
    if (!m || !PUBLISHED.has(m.status)) throw notFound('Message');
    const context = await this.contexts.forMessage(m);
    const serviceName = context.branding.forceName;
    if (m.withdrawnAt) {
      return { status: 410, html: this.views.renderPage(res, VIEWS, 'web-version-withdrawn.njk', { serviceName, forceName: serviceName, withdrawnAt: m.withdrawnAt }) };
    }
    // `?lang=`: the translation the recipient got (English when there is none).
    const content = localised(m, typeof lang === 'string' ? lang : null, this.config.languages);
    const html = this.views.renderPage(res, VIEWS, 'web-version.njk', {
      serviceName,
      title: content.title,
      description: summary(content.body),
      bodyHtml: textToHtml(content.body).replace(/<p>/g, '<p class="govuk-body">'),
      category: m.category,
      lang: content.language,
      dir: textDirection(content.language),
      url: `${this.config.http.publicUrl}/m/${token}`,
      sentAt: m.sentAt,
      sender: context.sender,
      branding: context.branding,
    });
    return { status: 200, html };
  }

  /** The force's colour as a tiny stylesheet (pages allow no inline style). */
  brandingCss(): string {
    const c = this.config.branding.colour;
    return `.beacon-force-bar{border-top:10px solid ${c};padding-top:10px;margin-bottom:20px}\n.beacon-force-name{color:${c}}\n.beacon-force-logo{display:block;max-height:60px;margin-bottom:10px}\n`;
  }
}
