import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '@beacon/core';

/**
 * One grouped row of the counters. `byCell` false: summed per (NPU, ward), `ageBand` and
 * `ethnicity` null; true: summed per (age band, ethnicity) cell, `npuCode` and `wardCode` null.
 * Totals, NPU, ward, age band and ethnicity breakdowns and the weighting cells all follow from
 * these two sets by plain addition.
 */
export interface AggregateRow {
  questionId: string;
  option: string;
  source: string;
  byCell: boolean;
  npuCode: string | null;
  wardCode: string | null;
  ageBand: string | null;
  ethnicity: string | null;
  respondents: number;
}

/** One (month, age band, ethnicity) cell of the pooled confidence questions: base and confident. */
export interface ConfidenceCellRow {
  month: string;
  ageBand: string;
  ethnicity: string;
  base: number;
  confident: number;
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

  /**
   * The counters of the given questions (one survey, or several for the SIM pack) within the
   * filter, summed in one pass by GROUPING SETS: the row count is bounded by questions × options ×
   * (wards + age × ethnicity cells), whatever the number of responses or counter rows.
   */
  async aggregate(questionIds: string[], f: TallyFilter): Promise<AggregateRow[]> {
    return rowsOf<AggregateRow>(
      await this.db.query(
        `SELECT question_id AS "questionId", option, source, GROUPING(npu_code) = 1 AS "byCell",
                npu_code AS "npuCode", ward_code AS "wardCode", age_band AS "ageBand", ethnicity, sum(respondents)::int AS respondents
           FROM survey_tally
          WHERE survey_id IN (SELECT survey_id FROM survey_question WHERE id = ANY($1::uuid[])) AND question_id = ANY($1::uuid[]) AND respondents > 0
            AND ($2::varchar IS NULL OR (source = 'resident' AND npu_code = $2))
            AND ($3::varchar IS NULL OR (source = 'resident' AND ward_code = $3))
          GROUP BY question_id, option, source, GROUPING SETS ((npu_code, ward_code), (age_band, ethnicity))`,
        [questionIds, f.npuCode ?? null, f.wardCode ?? null],
      ),
    );
  }

  /**
   * The SIM pack's confidence cells per month from `from` to `to` (YYYY-MM, Europe/London): for
   * each month, the confidence questions of the surveys open during it (the NPU's own and
   * force-wide ones; force: all), their residents' counters (the NPU's respondents) summed per
   * age band × ethnicity, base and very/fairly confident apart. One query for the whole trend.
   */
  async confidenceCells(npuCode: string | null, from: string, to: string, templateKey: string, confidentOptions: string[]): Promise<ConfidenceCellRow[]> {
    return rowsOf<ConfidenceCellRow>(
      await this.db.query(
        `WITH m AS (
           SELECT to_char(d, 'YYYY-MM') AS month, d AT TIME ZONE 'Europe/London' AS starts, (d + interval '1 month') AT TIME ZONE 'Europe/London' AS ends
             FROM generate_series($2::timestamp, $3::timestamp, interval '1 month') d
         ), q AS (
           SELECT m.month, q.id, q.survey_id FROM m
             JOIN survey s ON s.opened_at IS NOT NULL AND s.opened_at < m.ends AND COALESCE(s.closed_at, s.closes_at, 'infinity') >= m.starts
                          AND ($1::varchar IS NULL OR s.npu_code IS NULL OR s.npu_code = $1)
             JOIN survey_question q ON q.survey_id = s.id AND q.template_key = $4
         )
         SELECT q.month, t.age_band AS "ageBand", t.ethnicity,
                COALESCE(sum(t.respondents) FILTER (WHERE t.option = '*'), 0)::int AS base,
                COALESCE(sum(t.respondents) FILTER (WHERE t.option = ANY($5::varchar[])), 0)::int AS confident
           FROM q JOIN survey_tally t ON t.survey_id = q.survey_id AND t.question_id = q.id
          WHERE t.source = 'resident' AND t.respondents > 0 AND ($1::varchar IS NULL OR t.npu_code = $1)
          GROUP BY q.month, t.age_band, t.ethnicity`,
        [npuCode, `${from}-01`, `${to}-01`, templateKey, confidentOptions],
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
}
