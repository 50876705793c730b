import { Injectable } from '@nestjs/common';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import { NotificationService } from '@beacon/channels';
import { badRequest, conflict, decodeCursor, DomainException, notFound, toPage, type Page, type StaffPrincipal } from '@beacon/core';
import { maskedContact } from './contact-mask';
import { RESPONSE_TEMPLATE } from './response-notifications';
import type { CreateResponseDto, InboxQueryDto } from './engagement.dto';
import type { ReplyStatus, ResponseChannel } from './engagement.entity';
import { ReplyRepository, type InboxRow, type ReplyToAnswer, type ResponseView } from './reply.repository';

export interface InboxItem {
  id: string;
  body: string;
  via: string;
  status: ReplyStatus;
  npuCode: string;
  createdAt: Date;
  message: { id: string; title: string | null } | null;
  resident: { id: string; firstName: string | null; contact: string | null };
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
  ) {}

  async list(staff: StaffPrincipal, q: InboxQueryDto): Promise<Page<InboxItem>> {
    const npuCode = scopedNpu(staff, q.npu);
    const after = decodeCursor(q.cursor);
    if (after && (!UUID.test(after.id) || Number.isNaN(Date.parse(after.key)))) throw badRequest('cursor is not valid');
    const limit = q.limit ?? 50;
    const rows = await this.replies.inbox({ status: (q.status as ReplyStatus | undefined) ?? 'open', npuCode, after, limit });
    const page = toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  async detail(staff: StaffPrincipal, id: string) {
    const reply = await this.replies.findById(id);
    if (!reply) throw notFound('Reply');
    assertNpuAccess(staff, reply.npuCode);
    return { ...toItem(reply), responses: reply.responses.map(({ replyId: _r, ...r }) => r) };
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

  async close(staff: StaffPrincipal, id: string): Promise<{ id: string; status: ReplyStatus }> {
    const npuCode = await this.replies.npuOf(id);
    if (!npuCode) throw notFound('Reply');
    assertNpuAccess(staff, npuCode);
    const closed = await this.replies.transition(id, ['open', 'answered'], 'closed');
    if (!closed) throw new DomainException('INVALID_TRANSITION', 'This reply is already closed');
    return { id: closed.id, status: closed.status };
  }
}
