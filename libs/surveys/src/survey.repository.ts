import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import type { QuestionKind, QuestionOption, SurveyEntity, SurveyStatus } from './survey.entity';
import type { SurveyQuestion } from './survey-questions';

export interface NewSurvey {
  npuCode: string | null;
  authorId: string;
  title: string;
  intro: string;
  opensAt: Date | null;
  closesAt: Date | null;
  publicLink: boolean;
}

export interface NewQuestion {
  kind: QuestionKind;
  text: string;
  options: QuestionOption[];
  required: boolean;
  maxLength: number;
  templateKey: string | null;
}

export type SurveyRow = Omit<SurveyEntity, 'npu' | 'author'>;

const COLUMNS = `id, npu_code AS "npuCode", author_id AS "authorId", title, intro, status, opens_at AS "opensAt", closes_at AS "closesAt",
  public_link AS "publicLink", approved_by AS "approvedBy", opened_at AS "openedAt", closed_at AS "closedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
const QUESTION_COLUMNS = `id, position, kind, text, options, required, max_length AS "maxLength", template_key AS "templateKey"`;

/** Surveys and their questions (written only here). */
@Injectable()
export class SurveyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The survey and all its questions in one transaction. */
  insert(s: NewSurvey, questions: NewQuestion[]): Promise<SurveyRow> {
    return this.db.transaction(async (tx) => {
      const [row] = rowsOf<SurveyRow>(
        await tx.query(
          `INSERT INTO survey (npu_code, author_id, title, intro, opens_at, closes_at, public_link) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [s.npuCode, s.authorId, s.title, s.intro, s.opensAt, s.closesAt, s.publicLink],
        ),
      );
      await tx.query<unknown>(
        `INSERT INTO survey_question (survey_id, position, kind, text, options, required, max_length, template_key)
         SELECT $1, ord, kind, text, options, required, max_length, template_key
           FROM unnest($2::varchar[], $3::varchar[], $4::jsonb[], $5::boolean[], $6::smallint[], $7::varchar[]) WITH ORDINALITY
                AS q(kind, text, options, required, max_length, template_key, ord)`,
        [
          row.id,
          questions.map((q) => q.kind),
          questions.map((q) => q.text),
          questions.map((q) => JSON.stringify(q.options)),
          questions.map((q) => q.required),
          questions.map((q) => q.maxLength),
          questions.map((q) => q.templateKey),
        ],
      );
      return row;
    });
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<SurveyRow | null> {
    return rowsOf<SurveyRow>(await manager.query(`SELECT ${COLUMNS} FROM survey WHERE id = $1`, [id]))[0] ?? null;
  }

  async npuExists(code: string): Promise<boolean> {
    return (await this.db.query<unknown[]>(`SELECT 1 FROM npu WHERE code = $1`, [code])).length > 0;
  }

  async questions(surveyId: string): Promise<SurveyQuestion[]> {
    return rowsOf<SurveyQuestion>(await this.db.query(`SELECT ${QUESTION_COLUMNS} FROM survey_question WHERE survey_id = $1 ORDER BY position`, [surveyId]));
  }

  /** Moves the survey from one of `from` to `to`; null when it was not in such a state (a lost race). */
  async transition(id: string, from: SurveyStatus[], to: SurveyStatus, set: { approvedBy?: string } = {}): Promise<SurveyRow | null> {
    const rows = await this.db.query<unknown>(
      `UPDATE survey SET status = $3::varchar, updated_at = now(),
              approved_by = COALESCE($4::uuid, approved_by),
              opened_at = CASE WHEN $3::varchar = 'open' THEN now() ELSE opened_at END,
              closed_at = CASE WHEN $3::varchar = 'closed' THEN now() ELSE closed_at END
        WHERE id = $1 AND status = ANY($2) RETURNING ${COLUMNS}`,
      [id, from, to, set.approvedBy ?? null],
    );
    return rowsOf<SurveyRow>(rows)[0] ?? null;
  }

  /** Open surveys whose closing date has passed → closed, dated at that closing date; returns how many moved. */
  async closeDue(): Promise<number> {
    const rows = await this.db.query<unknown>(
      `UPDATE survey SET status = 'closed', closed_at = closes_at, updated_at = now()
        WHERE status = 'open' AND closes_at <= now() RETURNING id`,
    );
    return rowsOf<{ id: string }>(rows).length;
  }

  /**
   * The latest surveys an NPU's staff may read (its own and force-wide ones; all for force-wide
   * staff), with the residents' and public link's responses so far.
   */
  async list(npuCode: string | null, limit: number): Promise<(SurveyRow & { responses: number })[]> {
    return rowsOf<SurveyRow & { responses: number }>(
      await this.db.query(
        `SELECT s.*, (SELECT count(*)::int FROM survey_response r WHERE r.survey_id = s.id) AS responses
           FROM (SELECT ${COLUMNS} FROM survey WHERE $1::varchar IS NULL OR npu_code = $1 OR npu_code IS NULL
                  ORDER BY created_at DESC, id LIMIT $2) s
          ORDER BY s."createdAt" DESC, s.id`,
        [npuCode, limit],
      ),
    );
  }
}
