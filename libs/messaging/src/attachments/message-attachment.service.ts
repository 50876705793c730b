import { Injectable } from '@nestjs/common';
import { prepareMimePart, type MimePart } from '@beacon/channels';
import { badRequest, DomainException, FileStore, InjectConfig, notFound, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { MessageService } from '../message.service';
import { checkUpload, MAX_IMAGES, MAX_PDFS } from './attachment-content';
import { MessageAttachmentRepository, view, type AttachmentView } from './message-attachment.repository';

/** A file as multer hands it over (memory storage). */
export interface UploadedAttachment {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/** What an e-mail of the message carries, built once per message (per send job), never per recipient. */
export interface EmailAttachments {
  /** In the HTML as `<img src="cid:…">`, in the order they were added. */
  images: { cid: string; alt: string; width: number | null; height: number | null }[];
  files: { name: string; size: number }[];
  inline: MimePart[];
  attachments: MimePart[];
}

export const ALT_MAX = 250;

/**
 * Images and PDFs of a draft: upload (checked by content, images rendered for e-mail once, here),
 * removal while a draft, the list on the message detail, the parts of its e-mails and the files
 * of its web version. The files are in core's FileStore, owned by `message_attachment` rows.
 */
@Injectable()
export class MessageAttachmentService {
  constructor(
    private readonly repo: MessageAttachmentRepository,
    private readonly messages: MessageService,
    private readonly files: FileStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Who may edit the draft may add to it (`actionable`: 404, 403 outside their NPU); then the
   * input (400), then the file by its bytes (400), then, with the message locked, draft-only (409)
   * and the caps (400). Nothing is stored unless every check passed.
   */
  async upload(staff: StaffPrincipal, messageId: string, file: UploadedAttachment | undefined, alt: unknown): Promise<AttachmentView> {
    await this.messages.actionable(staff, messageId);
    if (!file?.buffer?.length) throw badRequest('Attach one file in the "file" field (multipart/form-data)');
    if (alt !== undefined && typeof alt !== 'string') throw badRequest('alt must be text');
    const altText = (alt ?? '').replace(/\s+/g, ' ').trim();
    if (altText.length > ALT_MAX) throw badRequest(`alt must be at most ${ALT_MAX} characters`);
    const checked = await checkUpload({ bytes: file.buffer, name: file.originalname ?? '', declaredType: file.mimetype ?? '' });
    if (checked.kind === 'image' && !altText) throw badRequest('An image needs alt text ("alt"): what it shows, for residents who cannot see it');
    return this.repo.transaction(async (tx) => {
      const m = await this.repo.lockMessage(messageId, tx);
      if (!m) throw notFound('Message');
      if (m.status !== 'draft') throw new DomainException('INVALID_TRANSITION', 'Only a draft can be changed');
      if (checked.kind === 'image' && m.counts.image >= MAX_IMAGES) throw badRequest(`A message can carry at most ${MAX_IMAGES} images`);
      if (checked.kind === 'pdf' && m.counts.pdf >= MAX_PDFS) throw badRequest(`A message can carry at most ${MAX_PDFS} PDFs`);
      const stored = await this.files.put({ bytes: checked.bytes, contentType: checked.contentType }, tx);
      return this.repo.insert(
        { messageId, kind: checked.kind, fileId: stored.key, filename: checked.filename, contentType: checked.contentType, altText: altText || null, size: stored.size, width: checked.width, height: checked.height },
        tx,
      );
    });
  }

  async remove(staff: StaffPrincipal, messageId: string, id: string): Promise<void> {
    await this.messages.actionable(staff, messageId);
    if (!(await this.repo.findOfMessage(messageId, id))) throw notFound('Attachment');
    await this.repo.transaction(async (tx) => {
      const m = await this.repo.lockMessage(messageId, tx);
      if (m?.status !== 'draft') throw new DomainException('INVALID_TRANSITION', 'Only a draft can be changed');
      const fileId = await this.repo.delete(messageId, id, tx);
      if (!fileId) throw notFound('Attachment');
      await this.files.remove([fileId], tx);
    });
  }

  async list(messageId: string): Promise<AttachmentView[]> {
    return (await this.repo.forMessage(messageId)).map(view);
  }

  /** The MIME parts of the message's e-mails, encoded once; null when it has none. */
  async forEmail(messageId: string): Promise<EmailAttachments | null> {
    const rows = await this.repo.forMessage(messageId);
    if (!rows.length) return null;
    const host = new URL(this.config.http.publicUrl).hostname || 'beacon';
    const out: EmailAttachments = { images: [], files: [], inline: [], attachments: [] };
    for (const row of rows) {
      const file = await this.files.read(row.fileId);
      if (!file) continue; // purged meanwhile: the e-mail goes without it
      if (row.kind === 'image') {
        const cid = `img-${row.id}@${host}`;
        out.images.push({ cid, alt: row.altText ?? '', width: row.width, height: row.height });
        out.inline.push(prepareMimePart({ contentType: row.contentType, bytes: file.bytes, filename: row.filename, contentId: cid }));
      } else {
        out.files.push({ name: row.filename, size: row.size });
        out.attachments.push(prepareMimePart({ contentType: row.contentType, bytes: file.bytes, filename: row.filename }));
      }
    }
    return out;
  }

  /** A file of the message (the web version checks the message may be shown first). */
  async file(messageId: string, id: string): Promise<{ row: AttachmentView; bytes: Buffer }> {
    const row = await this.repo.findOfMessage(messageId, id);
    const file = row && (await this.files.read(row.fileId));
    if (!row || !file) throw notFound('Attachment');
    return { row: view(row), bytes: file.bytes };
  }
}
