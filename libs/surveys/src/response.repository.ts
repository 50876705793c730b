import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';
import type { ResponseSource } from './survey.entity';

export interface Stratum {
  source: ResponseSource;
  npuCode: string;
  wardCode: string;
  ageBand: string;
  ethnicity: string;
}

export type Answers = Record<string, string | string[]>;

export interface StoredResponse extends Stratum {
  id: string;
  answers: Answers;
}

export interface TallyDelta {
  questionId: string;
  option: string;
  delta: number;
}

export interface ExportedSurveyResponse {
  surveyId: string;
  surveyTitle: string;
  answers: Answers;
  createdAt: Date;
  updatedAt: Date;
}

const RESPONSE_COLUMNS = `id, answers, source, npu_code AS "npuCode", ward_code AS "wardCode", age_band AS "ageBand", ethnicity`;

/**
 * Responses and their counters (survey_response, survey_tally: written only here). A response
 * and the counter changes it causes commit in one transaction.
 */
@Injectable()
export class ResponseRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** The survey's status, share-locked so a close waits for responses in flight (and they see it). */
  async lockSurvey(tx: EntityManager, surveyId: string): Promise<{ status: string; closesAt: Date | null } | null> {
    return rowsOf<{ status: string; closesAt: Date | null }>(await tx.query(`SELECT status, closes_at AS "closesAt" FROM survey WHERE id = $1 FOR SHARE`, [surveyId]))[0] ?? null;
  }

  async findForResident(surveyId: string, residentId: string, tx: EntityManager = this.db.manager, lock = false): Promise<StoredResponse | null> {
    const rows = await tx.query<unknown>(`SELECT ${RESPONSE_COLUMNS} FROM survey_response WHERE survey_id = $1 AND resident_id = $2 ${lock ? 'FOR UPDATE' : ''}`, [surveyId, residentId]);
    return rowsOf<StoredResponse>(rows)[0] ?? null;
  }

  /**
   * The resident's response, locked: inserted with these answers when there was none (then
   * `created` is true), otherwise the existing row. A parallel first submission waits on the
   * unique index, inserts nothing, and then finds and locks the winner's row.
   */
  async insertOrLock(tx: EntityManager, surveyId: string, residentId: string, stratum: Stratum, answers: Answers): Promise<{ created: boolean; row: StoredResponse }> {
    const existing = await this.findForResident(surveyId, residentId, tx, true);
    if (existing) return { created: false, row: existing };
    const inserted = rowsOf<StoredResponse>(
      await tx.query(
        `INSERT INTO survey_response (survey_id, resident_id, source, npu_code, ward_code, age_band, ethnicity, answers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (survey_id, resident_id) DO NOTHING RETURNING ${RESPONSE_COLUMNS}`,
        [surveyId, residentId, stratum.source, stratum.npuCode, stratum.wardCode, stratum.ageBand, stratum.ethnicity, JSON.stringify(answers)],
      ),
    );
    if (inserted[0]) return { created: true, row: inserted[0] };
    const winner = await this.findForResident(surveyId, residentId, tx, true);
    if (!winner) throw new Error('survey_response conflict without a row');
    return { created: false, row: winner };
  }

  async insertPublic(tx: EntityManager, surveyId: string, stratum: Stratum, answers: Answers): Promise<void> {
    await tx.query<unknown>(
      `INSERT INTO survey_response (survey_id, resident_id, source, npu_code, ward_code, age_band, ethnicity, answers) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7)`,
      [surveyId, stratum.source, stratum.npuCode, stratum.wardCode, stratum.ageBand, stratum.ethnicity, JSON.stringify(answers)],
    );
  }

  async updateAnswers(tx: EntityManager, id: string, answers: Answers): Promise<void> {
    await tx.query<unknown>(`UPDATE survey_response SET answers = $2, updated_at = now() WHERE id = $1`, [id, JSON.stringify(answers)]);
  }

  /**
   * Adds the deltas to the stratum's counters in one statement, in key order (no deadlock
   * between responses). PostgreSQL checks the CHECK (respondents >= 0) on the row proposed for
   * insertion before it sees the conflict, so a −1 is proposed as 0 and applied in DO UPDATE.
   */
  async applyTally(tx: EntityManager, surveyId: string, stratum: Stratum, deltas: TallyDelta[]): Promise<void> {
    const changes = deltas.filter((d) => d.delta !== 0);
    if (!changes.length) return;
    await tx.query<unknown>(
      `INSERT INTO survey_tally (survey_id, question_id, option, source, npu_code, ward_code, age_band, ethnicity, respondents)
       SELECT $1, q, o, $2, $3, $4, $5, $6, GREATEST(d, 0) FROM unnest($7::uuid[], $8::varchar[], $9::int[]) AS t(q, o, d) ORDER BY q, o
       ON CONFLICT (survey_id, question_id, option, source, npu_code, ward_code, age_band, ethnicity)
       DO UPDATE SET respondents = survey_tally.respondents
         + (SELECT t.d FROM unnest($7::uuid[], $8::varchar[], $9::int[]) AS t(q, o, d) WHERE t.q = EXCLUDED.question_id AND t.o = EXCLUDED.option)`,
      [surveyId, stratum.source, stratum.npuCode, stratum.wardCode, stratum.ageBand, stratum.ethnicity, changes.map((c) => c.questionId), changes.map((c) => c.option), changes.map((c) => c.delta)],
    );
  }

  async exportFor(residentId: string): Promise<ExportedSurveyResponse[]> {
    return rowsOf<ExportedSurveyResponse>(
      await this.db.query(
        `SELECT r.survey_id AS "surveyId", s.title AS "surveyTitle", r.answers, r.created_at AS "createdAt", r.updated_at AS "updatedAt"
           FROM survey_response r JOIN survey s ON s.id = r.survey_id WHERE r.resident_id = $1 ORDER BY r.created_at`,
        [residentId],
      ),
    );
  }

  /**
   * Erasure: the response no longer names the resident or their stratum and loses its free
   * text; the counters (aggregates, no person in them) keep the answers.
   */
  async eraseResident(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE survey_response r
          SET resident_id = NULL, npu_code = 'unknown', ward_code = 'unknown', age_band = 'unknown', ethnicity = 'unknown', erased_at = now(), updated_at = now(),
              answers = r.answers - ARRAY(SELECT q.id::text FROM survey_question q WHERE q.survey_id = r.survey_id AND q.kind = 'free_text')
        WHERE r.resident_id = $1`,
      [residentId],
    );
  }
}

/** Who is answering: read from libs/residents' and libs/geography's tables (read only). */
@Injectable()
export class RespondentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(residentId: string): Promise<{ status: string; wardCode: string; npuCode: string; ageBand: string | null; ethnicity: string | null } | null> {
    const rows = await this.db.query<unknown>(
      `SELECT r.status, r.ward_code AS "wardCode", w.npu_code AS "npuCode", r.age_band AS "ageBand", r.ethnicity
         FROM resident r JOIN ward w ON w.code = r.ward_code WHERE r.id = $1`,
      [residentId],
    );
    return rowsOf<{ status: string; wardCode: string; npuCode: string; ageBand: string | null; ethnicity: string | null }>(rows)[0] ?? null;
  }
}
