import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf, type Keyset } from '@beacon/core';
import type { ReplyStatus, ReplyVia, ResponseChannel } from './engagement.entity';

export interface NewReply {
  messageId: string | null;
  residentId: string;
  body: string;
  via: ReplyVia;
  /** Twilio MessageSid of an inbound SMS, or `email:<digest>` of an e-mail (de-duplicates retries). */
  providerId?: string | null;
  /** E-mail replies: the delivery whose reply address it came to, and the thread's ids. */
  deliveryId?: string | null;
  emailMessageId?: string | null;
  emailReferences?: string | null;
}

export interface ReplyView {
  id: string;
  messageId: string | null;
  body: string;
  via: ReplyVia;
  status: ReplyStatus;
  npuCode: string;
  createdAt: Date;
}

export interface InboxFilter {
  status: ReplyStatus;
  /** undefined = every NPU (force-wide staff). */
  npuCode?: string;
  /** Only the replies given to this colleague. */
  assignedToId?: string;
  after?: Keyset;
  limit: number;
}

export interface InboxRow extends ReplyView {
  /** created_at as PostgreSQL text: full microsecond precision for the keyset cursor. */
  sortKey: string;
  messageTitle: string | null;
  residentId: string;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  assignedToId: string | null;
  assignedToName: string | null;
  readAt: Date | null;
  /** The resident's rating of the message replied to (null: none). */
  ratingScore: number | null;
  ratingComment: string | null;
}

/** Open replies of an NPU (or all): how many, and how many nobody has seen yet. */
export interface OpenCounts {
  open: number;
  unread: number;
}

/** A reply locked for answering, with what is needed to reach its resident. */
export interface ReplyToAnswer extends ReplyView {
  residentId: string;
  messageTitle: string | null;
  npuName: string;
  email: string | null;
  phone: string | null;
  /** Has an address whose channel is not suspended (hard bounce). */
  emailOk: boolean;
  /** Has a number whose SMS channel is neither disabled (STOP) nor suspended. */
  smsOk: boolean;
}

/** A staff response as it is sent (re-read when its notification job runs). */
export interface ResponseToSend {
  body: string;
  channel: ResponseChannel;
  replyBody: string;
  messageTitle: string | null;
  npuName: string;
  /** Null once the resident is erased. */
  email: string | null;
  phone: string | null;
  /** E-mail replies: the delivery (for the answer's Reply-To) and the thread's ids. */
  deliveryId: string | null;
  emailMessageId: string | null;
  emailReferences: string | null;
}

export interface ResponseView {
  id: string;
  replyId: string;
  staffId: string;
  body: string;
  channel: ResponseChannel;
  createdAt: Date;
}

export interface ExportedReply {
  id: string;
  messageId: string | null;
  messageTitle: string | null;
  body: string;
  via: ReplyVia;
  status: ReplyStatus;
  createdAt: Date;
  responses: { body: string; channel: ResponseChannel; createdAt: Date }[];
}

const REPLY_COLUMNS = `rp.id, rp.message_id AS "messageId", rp.body, rp.via, rp.status, rp.npu_code AS "npuCode", rp.created_at AS "createdAt"`;
// The inbox row: the reply, its message, its resident (masked later), who has it, and the resident's rating of that message.
const INBOX_SELECT = `SELECT ${REPLY_COLUMNS}, rp.created_at::text AS "sortKey", m.title AS "messageTitle",
              r.id AS "residentId", r.first_name AS "firstName", r.email, r.phone_e164 AS phone,
              rp.assigned_to_id AS "assignedToId", a.name AS "assignedToName", rp.read_at AS "readAt",
              rt.score AS "ratingScore", rt.comment AS "ratingComment"
         FROM reply rp
         JOIN resident r ON r.id = rp.resident_id
         LEFT JOIN message m ON m.id = rp.message_id
         LEFT JOIN staff a ON a.id = rp.assigned_to_id
         LEFT JOIN rating rt ON rt.message_id = rp.message_id AND rt.resident_id = rp.resident_id`;

@Injectable()
export class ReplyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * One statement: routes the reply to the message's NPU, or for force-wide messages (and
   * replies with no message) to the NPU of the resident's ward. Null when the provider id was
   * already stored (a webhook retry).
   */
  async insert(r: NewReply, manager: EntityManager = this.db.manager): Promise<ReplyView | null> {
    const rows = await manager.query<ReplyView[]>(
      `INSERT INTO reply AS rp (message_id, resident_id, body, via, npu_code, provider_id, delivery_id, email_message_id, email_references)
       SELECT m.id, r.id, $3, $4, COALESCE(m.npu_code, w.npu_code), $5, $6, $7, $8
         FROM resident r
         JOIN ward w ON w.code = r.ward_code
         LEFT JOIN message m ON m.id = $1::uuid
        WHERE r.id = $2
       ON CONFLICT (provider_id) WHERE provider_id IS NOT NULL DO NOTHING
       RETURNING ${REPLY_COLUMNS}`,
      [r.messageId, r.residentId, r.body, r.via, r.providerId ?? null, r.deliveryId ?? null, r.emailMessageId ?? null, r.emailReferences ?? null],
    );
    return rows[0] ?? null;
  }

  async countForMessage(messageId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reply WHERE message_id = $1', [messageId]);
    return row.n;
  }

  /** Keyset page, newest first; served by idx_reply_inbox (one NPU) or idx_reply_status_created (all). */
  async inbox(f: InboxFilter): Promise<InboxRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = [`rp.status = ${p(f.status)}`];
    if (f.npuCode) where.push(`rp.npu_code = ${p(f.npuCode)}`);
    if (f.assignedToId) where.push(`rp.assigned_to_id = ${p(f.assignedToId)}`);
    if (f.after) where.push(`(rp.created_at, rp.id) < (${p(f.after.key)}::timestamptz, ${p(f.after.id)}::uuid)`);
    return this.db.query<InboxRow[]>(
      `${INBOX_SELECT}
        WHERE ${where.join(' AND ')}
        ORDER BY rp.created_at DESC, rp.id DESC
        LIMIT ${p(f.limit + 1)}`,
      params,
    );
  }

  async findById(id: string): Promise<(InboxRow & { responses: (ResponseView & { staffName: string })[] }) | null> {
    const rows = await this.db.query<InboxRow[]>(
      `${INBOX_SELECT}
        WHERE rp.id = $1`,
      [id],
    );
    if (!rows[0]) return null;
    const responses = await this.db.query<(ResponseView & { staffName: string })[]>(
      `SELECT x.id, x.reply_id AS "replyId", x.staff_id AS "staffId", s.name AS "staffName", x.body, x.channel, x.created_at AS "createdAt"
         FROM reply_response x JOIN staff s ON s.id = x.staff_id
        WHERE x.reply_id = $1 ORDER BY x.created_at, x.id`,
      [id],
    );
    return { ...rows[0], responses };
  }

  /** Locks the reply (FOR UPDATE) so concurrent answers and closes serialise. */
  async findToAnswer(id: string, tx: EntityManager): Promise<ReplyToAnswer | null> {
    const rows = await tx.query<ReplyToAnswer[]>(
      `SELECT ${REPLY_COLUMNS}, rp.resident_id AS "residentId", m.title AS "messageTitle", n.name AS "npuName", r.email, r.phone_e164 AS phone,
              (r.status <> 'erased' AND r.email IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM resident_channel rc WHERE rc.resident_id = r.id AND rc.channel = 'email' AND rc.suspended_at IS NOT NULL)) AS "emailOk",
              (r.status <> 'erased' AND r.phone_e164 IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM resident_channel rc WHERE rc.resident_id = r.id AND rc.channel = 'sms' AND (NOT rc.enabled OR rc.suspended_at IS NOT NULL))) AS "smsOk"
         FROM reply rp
         JOIN resident r ON r.id = rp.resident_id
         JOIN npu n ON n.code = rp.npu_code
         LEFT JOIN message m ON m.id = rp.message_id
        WHERE rp.id = $1
        FOR UPDATE OF rp`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findResponseToSend(responseId: string): Promise<ResponseToSend | null> {
    const rows = await this.db.query<ResponseToSend[]>(
      `SELECT x.body, x.channel, rp.body AS "replyBody", m.title AS "messageTitle", n.name AS "npuName",
              CASE WHEN r.status <> 'erased' THEN r.email END AS email, CASE WHEN r.status <> 'erased' THEN r.phone_e164 END AS phone,
              rp.delivery_id::text AS "deliveryId", rp.email_message_id AS "emailMessageId", rp.email_references AS "emailReferences"
         FROM reply_response x
         JOIN reply rp ON rp.id = x.reply_id
         JOIN resident r ON r.id = rp.resident_id
         JOIN npu n ON n.code = rp.npu_code
         LEFT JOIN message m ON m.id = rp.message_id
        WHERE x.id = $1`,
      [responseId],
    );
    return rows[0] ?? null;
  }

  async insertResponse(r: { replyId: string; staffId: string; body: string; channel: ResponseChannel }, tx: EntityManager): Promise<ResponseView> {
    const [row] = await tx.query<ResponseView[]>(
      `INSERT INTO reply_response (reply_id, staff_id, body, channel) VALUES ($1, $2, $3, $4)
       RETURNING id, reply_id AS "replyId", staff_id AS "staffId", body, channel, created_at AS "createdAt"`,
      [r.replyId, r.staffId, r.body, r.channel],
    );
    return row;
  }

  /** Moves the reply from one of `from` to `to`; null when it was in none of them. */
  async transition(id: string, from: ReplyStatus[], to: ReplyStatus, manager: EntityManager = this.db.manager): Promise<ReplyView | null> {
    const rows = rowsOf<ReplyView>(
      await manager.query(`UPDATE reply rp SET status = $3 WHERE id = $1 AND status = ANY($2::varchar[]) RETURNING ${REPLY_COLUMNS}`, [id, from, to]),
    );
    return rows[0] ?? null;
  }

  /**
   * Gives the reply to a colleague in one statement: only an active one with a role in `roles`
   * who works that reply's NPU (or force-wide); null takes it off everyone. False when the
   * colleague does not qualify (nothing changes).
   */
  async assign(id: string, staffId: string | null, roles: readonly string[]): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await this.db.query(
        `UPDATE reply rp SET assigned_to_id = $2::uuid
          WHERE rp.id = $1
            AND ($2::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM staff s WHERE s.id = $2::uuid AND s.active AND s.role = ANY($3::varchar[]) AND (s.npu_code = rp.npu_code OR s.npu_code IS NULL)))
          RETURNING rp.id`,
        [id, staffId, roles],
      ),
    );
    return rows.length > 0;
  }

  /** The colleagues a reply of `npuCode` may be given to (active, with a role in `roles`, of that NPU or force-wide). */
  assignable(npuCode: string, roles: readonly string[]): Promise<{ id: string; name: string }[]> {
    return this.db.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM staff WHERE active AND role = ANY($2::varchar[]) AND (npu_code = $1 OR npu_code IS NULL) ORDER BY name, id`,
      [npuCode, roles],
    );
  }

  /** Marks these replies seen (the first time only); set-based. */
  async markRead(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.query<unknown>('UPDATE reply SET read_at = now() WHERE id = ANY($1::uuid[]) AND read_at IS NULL', [ids]);
  }

  /** Served by idx_reply_inbox (one NPU) or idx_reply_status_created (all). */
  async openCounts(npuCode: string | undefined): Promise<OpenCounts> {
    const [row] = await this.db.query<OpenCounts[]>(
      `SELECT count(*)::int AS open, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread
         FROM reply WHERE status = 'open' AND ($1::varchar IS NULL OR npu_code = $1)`,
      [npuCode ?? null],
    );
    return row;
  }

  async npuOf(id: string): Promise<string | null> {
    const rows = await this.db.query<{ npuCode: string }[]>('SELECT npu_code AS "npuCode" FROM reply WHERE id = $1', [id]);
    return rows[0]?.npuCode ?? null;
  }

  async forResident(residentId: string): Promise<ExportedReply[]> {
    const replies = await this.db.query<Omit<ExportedReply, 'responses'>[]>(
      `SELECT rp.id, rp.message_id AS "messageId", m.title AS "messageTitle", rp.body, rp.via, rp.status, rp.created_at AS "createdAt"
         FROM reply rp LEFT JOIN message m ON m.id = rp.message_id
        WHERE rp.resident_id = $1 ORDER BY rp.created_at, rp.id`,
      [residentId],
    );
    const responses = await this.db.query<{ replyId: string; body: string; channel: ResponseChannel; createdAt: Date }[]>(
      `SELECT x.reply_id AS "replyId", x.body, x.channel, x.created_at AS "createdAt"
         FROM reply_response x JOIN reply rp ON rp.id = x.reply_id
        WHERE rp.resident_id = $1 ORDER BY x.created_at, x.id`,
      [residentId],
    );
    return replies.map((r) => ({
      ...r,
      responses: responses.filter((x) => x.replyId === r.id).map(({ replyId: _r, ...x }) => x),
    }));
  }

  /** Erasure: the words go (they may hold personal data); the rows stay for reply counts. */
  async eraseResident(residentId: string, manager: EntityManager): Promise<void> {
    await manager.query<unknown>(
      `UPDATE reply_response SET body = '' WHERE reply_id IN (SELECT id FROM reply WHERE resident_id = $1) AND body <> ''`,
      [residentId],
    );
    await manager.query<unknown>(
      `UPDATE reply SET body = '', status = 'closed', email_message_id = NULL, email_references = NULL WHERE resident_id = $1`,
      [residentId],
    );
  }
}
