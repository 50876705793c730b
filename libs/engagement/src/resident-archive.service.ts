import { Injectable } from '@nestjs/common';
import { badRequest, DomainException } from '@beacon/core';
import { MessageLinksService } from '@beacon/messaging';
import { ResidentLinksService, type ManageLevel } from '@beacon/residents';
import { RecipientRepository, type ArchiveCursor } from './recipient.repository';

export const ARCHIVE_PAGE_SIZE = 20;

const CURSOR = /^(\d{1,18})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface ArchiveItem {
  title: string;
  sentAt: Date;
  channels: string[];
  /** The delivery's own rating page: the message in full, a rating and a reply. */
  readUrl: string;
}

export interface ArchivePage {
  residentId: string;
  level: ManageLevel;
  /** A fresh session token of the same level (the manage page and the next page use it). */
  token: string;
  items: ArchiveItem[];
  /** The `before` of the next (older) page, or null on the last page. */
  older: string | null;
}

/**
 * "Messages sent to you": the manage page's session token (signed, expiring, 'manage' purpose)
 * names the resident, so the list can only ever be theirs; the cursor only pages within it.
 */
@Injectable()
export class ResidentArchiveService {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly residentLinks: ResidentLinksService,
    private readonly messageLinks: MessageLinksService,
  ) {}

  async page(token: unknown, before: unknown): Promise<ArchivePage> {
    const { residentId, level } = this.residentLinks.manageSession(token);
    const cursor = parseCursor(before);
    if (!(await this.recipients.isLive(residentId))) throw new DomainException('GONE', 'This link is no longer active');
    const rows = await this.recipients.archivePage(residentId, cursor, ARCHIVE_PAGE_SIZE + 1);
    const shown = rows.slice(0, ARCHIVE_PAGE_SIZE);
    const last = shown.at(-1);
    return {
      residentId,
      level,
      token: this.residentLinks.manageToken(residentId, level),
      items: shown.map((r) => ({ title: r.title, sentAt: r.sentAt, channels: r.channels, readUrl: relative(this.messageLinks.ratingUrl(r.deliveryId)) })),
      older: rows.length > ARCHIVE_PAGE_SIZE && last ? `${last.sortKey}.${last.messageId}` : null,
    };
  }
}

function parseCursor(before: unknown): ArchiveCursor | null {
  if (before === undefined || before === '') return null;
  const m = typeof before === 'string' ? CURSOR.exec(before) : null;
  if (!m) throw badRequest('This page link is not valid');
  return { sortKey: m[1], messageId: m[2] };
}

/** The path of a link (the pages are on the same site as PUBLIC_URL). */
const relative = (url: string) => new URL(url).pathname;
