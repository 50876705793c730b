import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '@beacon/core';

export interface TallyRow {
  questionId: string;
  option: string;
  source: string;
  npuCode: string;
  wardCode: string;
  ageBand: string;
  ethnicity: string;
  respondents: number;
}

export interface ShareRow {
  areaCode: string;
  dimension: string;
  category: string;
  sharePercent: number;
}

export interface TallyFilter {
  npuCode?: string;
  wardCode?: string;
}

/** Read side of results: the maintained counters, census shares (libs/reports' table, read only), free text. */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Non-zero counters of the given questions (one survey, or several for the SIM pack), within the filter. */
  async tallies(questionIds: string[], f: TallyFilter): Promise<TallyRow[]> {
    return rowsOf<TallyRow>(
      await this.db.query(
        `SELECT question_id AS "questionId", option, source, npu_code AS "npuCode", ward_code AS "wardCode", age_band AS "ageBand", ethnicity, respondents
           FROM survey_tally
          WHERE survey_id IN (SELECT survey_id FROM survey_question WHERE id = ANY($1::uuid[])) AND question_id = ANY($1::uuid[]) AND respondents > 0
            AND ($2::varchar IS NULL OR (source = 'resident' AND npu_code = $2))
            AND ($3::varchar IS NULL OR (source = 'resident' AND ward_code = $3))`,
        [questionIds, f.npuCode ?? null, f.wardCode ?? null],
      ),
    );
  }

  async shares(areaCodes: string[]): Promise<ShareRow[]> {
    return rowsOf<ShareRow>(
      await this.db.query(
        `SELECT area_code AS "areaCode", dimension, category, share_percent::float8 AS "sharePercent" FROM population_share
          WHERE area_code = ANY($1) AND dimension IN ('age_band', 'ethnicity')`,
        [areaCodes],
      ),
    );
  }

  async wardNpu(wardCode: string): Promise<string | null> {
    return rowsOf<{ npuCode: string }>(await this.db.query(`SELECT npu_code AS "npuCode" FROM ward WHERE code = $1`, [wardCode]))[0]?.npuCode ?? null;
  }

  async npuExists(npuCode: string): Promise<boolean> {
    return (await this.db.query<unknown[]>(`SELECT 1 FROM npu WHERE code = $1`, [npuCode])).length > 0;
  }

  /** The latest free-text answers to one question (at most `limit`), within the filter. */
  async freeText(surveyId: string, questionId: string, f: TallyFilter, limit = 200): Promise<string[]> {
    const rows = rowsOf<{ text: string }>(
      await this.db.query(
        `SELECT answers->>$2::text AS text FROM survey_response
          WHERE survey_id = $1 AND answers ? $2::text
            AND ($3::varchar IS NULL OR (source = 'resident' AND npu_code = $3))
            AND ($4::varchar IS NULL OR (source = 'resident' AND ward_code = $4))
          ORDER BY updated_at DESC LIMIT $5`,
        [surveyId, questionId, f.npuCode ?? null, f.wardCode ?? null, limit],
      ),
    );
    return rows.map((r) => r.text);
  }

  /**
   * Confidence questions of surveys in scope that were open during the month (Europe/London):
   * the NPU's own surveys and force-wide ones (force: all).
   */
  async confidenceQuestions(npuCode: string | null, month: string, templateKey: string): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.db.query(
        `SELECT q.id FROM survey_question q JOIN survey s ON s.id = q.survey_id
          WHERE q.template_key = $3 AND s.opened_at IS NOT NULL
            AND s.opened_at < (($2::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London')
            AND COALESCE(s.closed_at, s.closes_at, 'infinity') >= (($2::date)::timestamp AT TIME ZONE 'Europe/London')
            AND ($1::varchar IS NULL OR s.npu_code IS NULL OR s.npu_code = $1)`,
        [npuCode, `${month}-01`, templateKey],
      ),
    );
    return rows.map((r) => r.id);
  }
}
