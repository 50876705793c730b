import { Injectable } from '@nestjs/common';
import { fileTypeFromBuffer } from 'file-type';
import type { EntityManager } from 'typeorm';
import { assertNpuAccess, FileStore, InjectConfig, notFound, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { ReplyRepository } from '../reply.repository';
import { ReplyAttachmentRepository, type ReplyAttachmentView } from './reply-attachment.repository';

/** An attachment as it came in the mail: the sender's name for it and its bytes (its declared type is not trusted). */
export interface IncomingAttachment {
  filename: string | null;
  content: Buffer;
}
export interface KeptAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

// A reply keeps at most this many; the rest are named as not kept.
const MAX_KEPT = 5;
const EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/heic': ['heic'],
  'application/pdf': ['pdf'],
};

/**
 * Attachments of e-mail replies: which are kept (type detected from the bytes with `file-type`,
 * in INBOUND_ATTACHMENT_TYPES, within INBOUND_ATTACHMENT_MAX_BYTES), storing them in core's
 * FileStore with their reply, handing them to staff who may read the reply, and erasing them.
 */
@Injectable()
export class ReplyAttachmentService {
  constructor(
    private readonly attachments: ReplyAttachmentRepository,
    private readonly replies: ReplyRepository,
    private readonly files: FileStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Splits what came into what is kept and the names of what is not (shown in the reply). */
  async sort(incoming: IncomingAttachment[]): Promise<{ keep: KeptAttachment[]; dropped: string[] }> {
    const policy = this.config.inboundEmail?.attachments ?? { maxBytes: 0, types: [] };
    const keep: KeptAttachment[] = [];
    const dropped: string[] = [];
    for (const a of incoming) {
      const name = (a.filename ?? 'attachment').slice(0, 80);
      const detected = a.content.length <= policy.maxBytes ? await fileTypeFromBuffer(a.content) : undefined;
      if (detected && policy.types.includes(detected.mime) && keep.length < MAX_KEPT) keep.push({ filename: safeFilename(name, detected.mime), contentType: detected.mime, bytes: a.content });
      else dropped.push(name);
    }
    return { keep, dropped };
  }

  /** In the caller's transaction: the files and their rows commit with the reply. */
  async store(replyId: string, kept: KeptAttachment[], tx: EntityManager): Promise<void> {
    for (const a of kept) {
      const file = await this.files.put({ bytes: a.bytes, contentType: a.contentType }, tx);
      await this.attachments.insert({ replyId, fileId: file.key, filename: a.filename, contentType: a.contentType, size: file.size }, tx);
    }
  }

  async listFor(replyIds: string[]): Promise<Map<string, ReplyAttachmentView[]>> {
    const byReply = new Map<string, ReplyAttachmentView[]>();
    for (const { replyId, ...a } of await this.attachments.forReplies(replyIds)) byReply.set(replyId, [...(byReply.get(replyId) ?? []), a]);
    return byReply;
  }

  /** Scoped exactly as the reply: its NPU (403 otherwise); an attachment of another reply is 404. */
  async download(staff: StaffPrincipal, replyId: string, id: string): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
    const npuCode = await this.replies.npuOf(replyId);
    if (!npuCode) throw notFound('Reply');
    assertNpuAccess(staff, npuCode);
    const row = await this.attachments.findOfReply(replyId, id);
    const file = row && (await this.files.read(row.fileId));
    if (!row || !file) throw notFound('Attachment');
    return { filename: row.filename, contentType: row.contentType, bytes: file.bytes };
  }

  async eraseResident(residentId: string, manager: EntityManager): Promise<void> {
    await this.files.remove(await this.attachments.deleteForResident(residentId, manager), manager);
  }

  forResident(residentId: string) {
    return this.attachments.forResident(residentId);
  }
}

/** ASCII letters, digits, `.`, `-`, `_` only (a header value), with the extension of the detected type. */
function safeFilename(name: string, mime: string): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'attachment';
  const exts = EXTENSIONS[mime] ?? ['bin'];
  const ext = /\.([A-Za-z0-9]+)$/.exec(base)?.[1]?.toLowerCase();
  return ext && exts.includes(ext) ? base : `${base.replace(/\.[A-Za-z0-9]*$/, '')}.${exts[0]}`;
}
