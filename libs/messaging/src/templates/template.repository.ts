import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Keyset } from '@beacon/core';
import type { MessageTemplateEntity } from './message-template.entity';

export type TemplateContent = Pick<MessageTemplateEntity, 'name' | 'category' | 'title' | 'body' | 'fields'>;

const COLUMNS = `id, npu_code AS "npuCode", name, category, title, body, fields, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class TemplateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(t: TemplateContent & { npuCode: string | null; createdBy: string }): Promise<MessageTemplateEntity> {
    const [row] = await this.db.query<MessageTemplateEntity[]>(
      `INSERT INTO message_template (npu_code, name, category, title, body, fields, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [t.npuCode, t.name, t.category, t.title, t.body, t.fields, t.createdBy],
    );
    return row;
  }

  async findById(id: string): Promise<MessageTemplateEntity | null> {
    const rows = await this.db.query<MessageTemplateEntity[]>(`SELECT ${COLUMNS} FROM message_template WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Force-wide templates and those of `npuCode` (all of them for force-wide staff with no NPU named), by name. */
  async list(f: { npuCode?: string; category?: string; after?: Keyset; limit: number }): Promise<MessageTemplateEntity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.npuCode) where.push(`(npu_code = ${p(f.npuCode)} OR npu_code IS NULL)`);
    if (f.category) where.push(`category = ${p(f.category)}`);
    if (f.after) where.push(`(name, id) > (${p(f.after.key)}, ${p(f.after.id)}::uuid)`);
    return this.db.query<MessageTemplateEntity[]>(
      `SELECT ${COLUMNS} FROM message_template ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name, id LIMIT ${p(f.limit + 1)}`,
      params,
    );
  }

  async update(id: string, t: TemplateContent): Promise<MessageTemplateEntity | null> {
    const rows = rowsOf<MessageTemplateEntity>(
      await this.db.query<unknown>(
        `UPDATE message_template SET name = $2, category = $3, title = $4, body = $5, fields = $6, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, t.name, t.category, t.title, t.body, t.fields],
      ),
    );
    return rows[0] ?? null;
  }

  /** Messages keep their text: a deleted template only leaves their template_id NULL (ON DELETE SET NULL). */
  async delete(id: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(await this.db.query<unknown>('DELETE FROM message_template WHERE id = $1 RETURNING id', [id]));
    return rows.length > 0;
  }
}
