import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf, type Keyset } from '@beacon/core';
import type { AudienceSpec } from './audience/audience-spec';
import type { MessageEntity, MessageStatus, MessageTranslations } from './message.entity';

export interface NewMessage {
  authorId: string;
  npuCode: string | null;
  title: string;
  body: string;
  category: string;
  priority: string;
  channels: string[];
  audience: AudienceSpec;
  wardCodes: string[];
  scheduledAt: Date | null;
  surveyId?: string | null;
  /** The template it was composed from (its text is already rendered into title and body). */
  templateId?: string | null;
  translations?: MessageTranslations;
}

export interface MessageListFilter {
  npuCode?: string;
  /** NPU-scoped readers also see force-wide messages (npu_code NULL). */
  includeForceWide?: boolean;
  authorId?: string;
  status?: string;
  from?: Date;
  to?: Date;
  after?: Keyset;
  limit: number;
}

const COLUMNS = `id, author_id AS "authorId", npu_code AS "npuCode", title, body, category, priority, channels, audience,
  ward_codes AS "wardCodes", status, scheduled_at AS "scheduledAt", send_requested_at AS "sendRequestedAt", sent_at AS "sentAt",
  recipient_count AS "recipientCount", approved_by AS "approvedBy", approved_at AS "approvedAt", paused_reason AS "pausedReason",
  survey_id AS "surveyId", template_id AS "templateId", translations, withdrawn_at AS "withdrawnAt", withdrawn_by AS "withdrawnBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class MessageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(m: NewMessage): Promise<MessageEntity> {
    const [row] = await this.db.query<MessageEntity[]>(
      `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, scheduled_at, survey_id, template_id, translations)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [m.authorId, m.npuCode, m.title, m.body, m.category, m.priority, m.channels, JSON.stringify(m.audience), m.wardCodes, m.scheduledAt, m.surveyId ?? null, m.templateId ?? null, JSON.stringify(m.translations ?? {})],
    );
    return row;
  }

  /** Links a draft to a survey; null when the message is no longer a draft. */
  async attachSurvey(id: string, surveyId: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<unknown>(`UPDATE message SET survey_id = $2, updated_at = now() WHERE id = $1 AND status = 'draft' RETURNING ${COLUMNS}`, [id, surveyId]);
    return rowsOf<MessageEntity>(rows)[0] ?? null;
  }

  async findById(id: string, manager: EntityManager = this.db.manager, opts: { lock?: boolean } = {}): Promise<MessageEntity | null> {
    const rows = await manager.query<MessageEntity[]>(`SELECT ${COLUMNS} FROM message WHERE id = $1 ${opts.lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  /** Just the status (senders re-read it every few ms while they send). */
  async findStatus(id: string): Promise<MessageStatus | null> {
    const rows = await this.db.query<{ status: MessageStatus }[]>('SELECT status FROM message WHERE id = $1', [id]);
    return rows[0]?.status ?? null;
  }

  /** Moves the message from one of `from` to `to`; null when it was not in such a state (a lost race). */
  async transition(
    id: string,
    from: MessageStatus[],
    to: MessageStatus,
    set: Partial<{ approvedBy: string; approvedAt: Date; sendRequestedAt: Date; sentAt: Date; pausedReason: string | null; recipientCount: number }> = {},
    manager: EntityManager = this.db.manager,
  ): Promise<MessageEntity | null> {
    const cols: Record<string, string> = {
      approvedBy: 'approved_by',
      approvedAt: 'approved_at',
      sendRequestedAt: 'send_requested_at',
      sentAt: 'sent_at',
      pausedReason: 'paused_reason',
      recipientCount: 'recipient_count',
    };
    const entries = Object.entries(set);
    const sets = entries.map(([k], i) => `${cols[k]} = $${i + 4}`);
    const rows = rowsOf<MessageEntity>(
      await manager.query<unknown>(
      `UPDATE message SET status = $3, updated_at = now()${sets.length ? ', ' + sets.join(', ') : ''}
        WHERE id = $1 AND status = ANY($2::varchar[]) RETURNING ${COLUMNS}`,
      [id, from, to, ...entries.map(([, v]) => v)],
      ),
    );
    return rows[0] ?? null;
  }

  /** Marks a sent message withdrawn; null when it is not sent or already withdrawn (a lost race). */
  async withdraw(id: string, by: string): Promise<MessageEntity | null> {
    const rows = rowsOf<MessageEntity>(
      await this.db.query<unknown>(
        `UPDATE message SET withdrawn_at = now(), withdrawn_by = $2, updated_at = now() WHERE id = $1 AND status = 'sent' AND withdrawn_at IS NULL RETURNING ${COLUMNS}`,
        [id, by],
      ),
    );
    return rows[0] ?? null;
  }

  async setRecipientCount(id: string, n: number, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query<unknown>('UPDATE message SET recipient_count = $2, updated_at = now() WHERE id = $1', [id, n]);
  }

  async list(f: MessageListFilter): Promise<MessageEntity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.npuCode) where.push(f.includeForceWide ? `(npu_code = ${p(f.npuCode)} OR npu_code IS NULL)` : `npu_code = ${p(f.npuCode)}`);
    if (f.authorId) where.push(`author_id = ${p(f.authorId)}`);
    if (f.status) where.push(`status = ${p(f.status)}`);
    if (f.from) where.push(`created_at >= ${p(f.from)}`);
    if (f.to) where.push(`created_at < ${p(f.to)}`);
    if (f.after) where.push(`(created_at, id) < (${p(f.after.key)}::timestamptz, ${p(f.after.id)}::uuid)`);
    return this.db.query<MessageEntity[]>(
      `SELECT ${COLUMNS} FROM message ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY created_at DESC, id DESC LIMIT ${p(f.limit + 1)}`,
      params,
    );
  }

  /** A draft's new content; null when it is no longer a draft (sent or discarded meanwhile). */
  async updateDraft(id: string, m: Omit<NewMessage, 'authorId'>): Promise<MessageEntity | null> {
    const rows = rowsOf<MessageEntity>(
      await this.db.query<unknown>(
        `UPDATE message SET npu_code = $2, title = $3, body = $4, category = $5, priority = $6, channels = $7, audience = $8,
                ward_codes = $9, scheduled_at = $10, template_id = $11, translations = $12, updated_at = now()
          WHERE id = $1 AND status = 'draft' RETURNING ${COLUMNS}`,
        [id, m.npuCode, m.title, m.body, m.category, m.priority, m.channels, JSON.stringify(m.audience), m.wardCodes, m.scheduledAt, m.templateId ?? null, JSON.stringify(m.translations ?? {})],
      ),
    );
    return rows[0] ?? null;
  }
}
