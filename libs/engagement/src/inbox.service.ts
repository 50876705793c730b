import { Injectable } from '@nestjs/common';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import { NotificationService } from '@beacon/channels';
import { badRequest, conflict, decodeCursor, DomainException, notFound, toPage, type Page, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { maskedContact } from './contact-mask';
import { RESPONSE_TEMPLATE } from './response-notifications';
import type { CreateResponseDto, InboxQueryDto } from './engagement.dto';
import type { ReplyStatus, ResponseChannel } from './engagement.entity';
import { ReplyAttachmentService } from './reply-attachments/reply-attachment.service';
import { ReplyRepository, type InboxRow, type OpenCounts, type ReplyToAnswer, type ResponseView } from './reply.repository';

/** Who works the inbox (answer, close, be given a reply). */
export const INBOX_ROLES: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];

export interface InboxItem {
  id: string;
  body: string;
  via: string;
  status: ReplyStatus;
  npuCode: string;
  createdAt: Date;
  message: { id: string; title: string | null } | null;
  resident: { id: string; firstName: string | null; contact: string | null };
  assignedTo: { id: string; name: string } | null;
  /** Nobody had seen it in the inbox before. */
  unread: boolean;
  /** The resident's rating of the message replied to. */
  rating: { score: number; comment: string | null } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toItem(r: InboxRow): InboxItem {
  return {
    id: r.id,
    body: r.body,
    via: r.via,
    status: r.status,
    npuCode: r.npuCode,
    createdAt: r.createdAt,
    message: r.messageId ? { id: r.messageId, title: r.messageTitle } : null,
    resident: { id: r.residentId, firstName: r.firstName, contact: maskedContact(r.via, r.email, r.phone) },
    assignedTo: r.assignedToId ? { id: r.assignedToId, name: r.assignedToName ?? 'A colleague' } : null,
    unread: r.readAt === null,
    rating: r.ratingScore !== null ? { score: r.ratingScore, comment: r.ratingComment } : null,
  };
}

/**
 * The channel a response goes out on: the one the resident replied on (SMS → SMS, web or
 * e-mail → e-mail), else the other one; null when neither can reach them.
 */
export function responseChannel(r: Pick<ReplyToAnswer, 'via' | 'emailOk' | 'smsOk'>): ResponseChannel | null {
  const order: ResponseChannel[] = r.via === 'sms' ? ['sms', 'email'] : ['email', 'sms'];
  return order.find((c) => (c === 'sms' ? r.smsOk : r.emailOk)) ?? null;
}

/** Staff side of replies: the NPU inbox, responses to residents, closing. */
@Injectable()
export class InboxService {
  constructor(
    private readonly replies: ReplyRepository,
    private readonly notifications: NotificationService,
    private readonly attachments: ReplyAttachmentService,
  ) {}

  /** `assignedToMe`: only the replies given to the caller (the console's "Assigned to me"). */
  async list(staff: StaffPrincipal, q: InboxQueryDto, o: { assignedToMe?: boolean } = {}): Promise<Page<InboxItem>> {
    const npuCode = scopedNpu(staff, q.npu);
    const after = decodeCursor(q.cursor);
    if (after && (!UUID.test(after.id) || Number.isNaN(Date.parse(after.key)))) throw badRequest('cursor is not valid');
    const limit = q.limit ?? 50;
    const rows = await this.replies.inbox({ status: (q.status as ReplyStatus | undefined) ?? 'open', npuCode, assignedToId: o.assignedToMe ? staff.id : undefined, after, limit });
    const page = toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  async detail(staff: StaffPrincipal, id: string) {
    const reply = await this.replies.findById(id);
    if (!reply) throw notFound('Reply');
    assertNpuAccess(staff, reply.npuCode);
    const attachments = (await this.attachments.listFor([id])).get(id) ?? [];
    return { ...toItem(reply), attachments, responses: reply.responses.map(({ replyId: _r, ...r }) => r) };
  }

  /**
   * One transaction: the response row, the reply's new status and the notification job
   * commit together (or not at all).
   */
  async respond(staff: StaffPrincipal, id: string, dto: CreateResponseDto): Promise<ResponseView> {
    const body = dto.body.trim();
    return this.replies.transaction(async (tx) => {
      const reply = await this.replies.findToAnswer(id, tx);
      if (!reply) throw notFound('Reply');
      assertNpuAccess(staff, reply.npuCode);
      const channel = responseChannel(reply);
      if (!channel) throw conflict('The resident cannot be reached by e-mail or SMS');
      const response = await this.replies.insertResponse({ replyId: id, staffId: staff.id, body, channel }, tx);
      await this.replies.transition(id, ['open', 'answered', 'closed'], 'answered', tx);
      // Ids only: the worker renders the response from these rows (ResponseNotifications).
      const ref = { responseId: response.id, residentId: reply.residentId };
      if (channel === 'sms') await this.notifications.enqueueSms(RESPONSE_TEMPLATE, ref, { manager: tx });
      else await this.notifications.enqueueEmail(RESPONSE_TEMPLATE, ref, { manager: tx });
      return response;
    });
  }

  /**
   * Gives the reply to a colleague who may answer it (active, an inbox role, its NPU or
   * force-wide); null takes it off everyone. Anyone else is a VALIDATION error and changes nothing.
   */
  async assign(staff: StaffPrincipal, id: string, staffId: string | null): Promise<void> {
    const npuCode = await this.replies.npuOf(id);
    if (!npuCode) throw notFound('Reply');
    assertNpuAccess(staff, npuCode);
    if (staffId !== null && !UUID.test(staffId)) throw badRequest('staffId must be a colleague who can answer replies for this NPU');
    if (!(await this.replies.assign(id, staffId, INBOX_ROLES))) throw badRequest('staffId must be a colleague who can answer replies for this NPU');
  }

  /** The colleagues a reply of this NPU may be given to. */
  assignable(staff: StaffPrincipal, npuCode: string): Promise<{ id: string; name: string }[]> {
    assertNpuAccess(staff, npuCode);
    return this.replies.assignable(npuCode, INBOX_ROLES);
  }

  /** These replies have now been seen (the inbox list shows them in full). */
  markRead(items: Pick<InboxItem, 'id' | 'unread'>[]): Promise<void> {
    return this.replies.markRead(items.filter((i) => i.unread).map((i) => i.id));
  }

  /** Open replies of the caller's NPU (every NPU for force-wide staff), and how many are unread. */
  openCounts(staff: StaffPrincipal): Promise<OpenCounts> {
    return this.replies.openCounts(scopedNpu(staff, undefined));
  }

  async close(staff: StaffPrincipal, id: string): Promise<{ id: string; status: ReplyStatus }> {
    const npuCode = await this.replies.npuOf(id);
    if (!npuCode) throw notFound('Reply');
    assertNpuAccess(staff, npuCode);
    const closed = await this.replies.transition(id, ['open', 'answered'], 'closed');
    if (!closed) throw new DomainException('INVALID_TRANSITION', 'This reply is already closed');
    return { id: closed.id, status: closed.status };
  }
}
