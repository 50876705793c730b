import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QuestionKind, QuestionOption } from './survey.entity';
import { CONFIDENCE_TEMPLATE, fixedOptions } from './survey-questions';

type Variant = 'spring' | 'now' | 'force';
interface DemoQuestion {
  variant: Variant;
  kind: QuestionKind;
  text: string;
  options: QuestionOption[];
  key: string | null;
  /** Percent of respondents choosing each option, in order (adds to 100). */
  weights: number[];
}

const CONFIDENCE_WEIGHTS: Record<Variant, number[]> = { spring: [24, 48, 19, 9], now: [30, 49, 15, 6], force: [30, 49, 15, 6] };
const LIKERT_WEIGHTS = [18, 41, 22, 13, 6];
const PRIORITIES: QuestionOption[] = [
  { value: 'burglary', label: 'Burglary' },
  { value: 'speeding', label: 'Speeding and dangerous driving' },
  { value: 'asb', label: 'Anti-social behaviour' },
  { value: 'drugs', label: 'Drug dealing' },
  { value: 'vehicle_crime', label: 'Vehicle crime' },
];

function questionsOf(variant: Variant): DemoQuestion[] {
  const template = CONFIDENCE_TEMPLATE.map((q) => ({
    variant,
    kind: q.kind,
    text: q.text,
    options: q.options ?? fixedOptions(q.kind) ?? [],
    key: q.key,
    weights: q.kind === 'likert' ? LIKERT_WEIGHTS : CONFIDENCE_WEIGHTS[variant],
  }));
  if (variant !== 'now') return template;
  return [
    ...template,
    { variant, kind: 'single_choice', text: 'What should your neighbourhood team focus on next?', options: PRIORITIES, key: null, weights: [22, 31, 27, 12, 8] },
    { variant, kind: 'scale_10', text: 'How safe do you feel walking alone in your area after dark? (1 very unsafe, 10 very safe)', options: fixedOptions('scale_10') ?? [], key: null, weights: [3, 4, 7, 9, 14, 17, 18, 14, 8, 6] },
  ];
}
const QUESTIONS = (['spring', 'now', 'force'] as const).flatMap(questionsOf);

/**
 * The full demo's surveys, set-based: per NPU a closed public-confidence survey from three months
 * ago and an open one with two questions of its own, answered by a sample of the NPU's residents
 * (4 % and 2 %, each after they signed up and while the survey was open), and a force-wide draft.
 * The counters (survey_tally) are summed from the responses in the same transaction, so results
 * and the SIM pack's confidence figure read as they would after real answers. Loaded once:
 * nothing happens when any survey exists.
 */
@Injectable()
export class SurveyDemoSeedService {
  private readonly logger = new Logger('Surveys');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async seedFullDemo(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM survey) AS any');
      if (any) return 0;
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_survey ON COMMIT DROP AS
         WITH authors AS (
           SELECT n.code, n.name, coalesce(
                    (SELECT s.id FROM staff s WHERE s.npu_code = n.code AND s.role IN ('eco', 'npu_lead', 'officer') AND s.active ORDER BY s.role, s.created_at LIMIT 1),
                    (SELECT s.id FROM staff s WHERE s.role = 'admin' AND s.active ORDER BY s.created_at LIMIT 1)) AS author_id
             FROM npu n)
         SELECT gen_random_uuid() AS id, a.code AS npu_code, a.author_id, v.variant, v.rate,
                CASE v.variant WHEN 'spring' THEN 'Public confidence in ' || a.name || ', spring' ELSE 'Your views on policing in ' || a.name END AS title,
                date_trunc('minute', now() - make_interval(days => v.opened_days)) AS opened_at,
                date_trunc('minute', now() + make_interval(days => v.closes_days)) AS closes_at
           FROM authors a CROSS JOIN (VALUES ('spring', 40, 100, -70), ('now', 20, 12, 18)) AS v(variant, rate, opened_days, closes_days)
          WHERE a.author_id IS NOT NULL`,
      );
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH ins AS (
           INSERT INTO survey (id, npu_code, author_id, title, intro, status, opens_at, closes_at, opened_at, closed_at, created_at, updated_at)
           SELECT id, npu_code, author_id, title, 'Five minutes of your time helps your neighbourhood team plan. Your answers are counted with everyone else''s: nobody can be picked out.',
                  CASE WHEN closes_at < now() THEN 'closed' ELSE 'open' END, opened_at, closes_at, opened_at,
                  CASE WHEN closes_at < now() THEN closes_at END, opened_at - interval '2 days', least(now(), closes_at)
             FROM demo_survey
           UNION ALL
           SELECT gen_random_uuid(), NULL, id, 'Residents'' attitude survey ' || to_char(now(), 'YYYY'), 'The force-wide survey of how residents see policing.', 'draft',
                  NULL, now() + interval '60 days', NULL, NULL, now() - interval '1 day', now() - interval '1 day'
             FROM (SELECT id FROM staff WHERE role = 'admin' AND active ORDER BY created_at LIMIT 1) admin
           RETURNING id, npu_code)
         SELECT count(*)::int AS n FROM ins`,
      );
      if (!n) return 0;
      await tx.query<unknown>(`INSERT INTO demo_survey (id, npu_code, author_id, variant, rate, title, opened_at, closes_at)
                                SELECT id, NULL, author_id, 'force', 0, title, NULL, closes_at FROM survey WHERE npu_code IS NULL`);
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_question ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, s.id AS survey_id, q.pos::smallint AS position, q.kind, q.text, q.options::jsonb AS options, q.key,
                (SELECT array_agg(c ORDER BY i) FROM (SELECT i, sum(w) OVER (ORDER BY i) AS c FROM unnest(q.weights::int[]) WITH ORDINALITY AS x(w, i)) y) AS cumulative,
                (SELECT array_agg(o->>'value' ORDER BY i) FROM jsonb_array_elements(q.options::jsonb) WITH ORDINALITY AS x(o, i)) AS values_
           FROM demo_survey s
           JOIN (SELECT u.*, row_number() OVER (PARTITION BY u.variant ORDER BY u.ord) AS pos
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(variant, kind, text, options, key, weights, ord)) q
             ON q.variant = s.variant`,
        [
          QUESTIONS.map((q) => q.variant),
          QUESTIONS.map((q) => q.kind),
          QUESTIONS.map((q) => q.text),
          QUESTIONS.map((q) => JSON.stringify(q.options)),
          QUESTIONS.map((q) => q.key),
          QUESTIONS.map((q) => `{${q.weights.join(',')}}`),
        ],
      );
      await tx.query<unknown>(
        `INSERT INTO survey_question (id, survey_id, position, kind, text, options, required, max_length, template_key)
         SELECT id, survey_id, position, kind, text, options, false, 0, key FROM demo_question`,
      );
      // Respondents: residents of the NPU, active, signed up before the survey opened; answered at a point while it was open.
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_response ON COMMIT DROP AS
         SELECT s.id AS survey_id, r.id AS resident_id, w.npu_code, r.ward_code,
                coalesce(nullif(r.age_band, 'prefer_not_to_say'), 'not_stated') AS age_band,
                coalesce(nullif(r.ethnicity, 'prefer_not_to_say'), 'not_stated') AS ethnicity,
                s.opened_at + (least(s.closes_at, now()) - s.opened_at) * ((abs(hashtext(r.id::text || s.id::text || ':at')) % 1000) / 1000.0) AS created_at
           FROM demo_survey s
           JOIN ward w ON w.npu_code = s.npu_code
           JOIN resident r ON r.ward_code = w.code
          WHERE s.rate > 0 AND r.status = 'active' AND r.left_at IS NULL AND r.activated_at < s.opened_at
            AND abs(hashtext(r.id::text || s.id::text)) % 1000 < s.rate`,
      );
      // Each answer drawn from the question's distribution; about 1 in 20 leaves an agree–disagree statement out.
      await tx.query<unknown>(
        `INSERT INTO survey_response (survey_id, resident_id, source, npu_code, ward_code, age_band, ethnicity, answers, created_at, updated_at)
         SELECT d.survey_id, d.resident_id, 'resident', d.npu_code, d.ward_code, d.age_band, d.ethnicity, a.answers, d.created_at, d.created_at
           FROM demo_response d
           CROSS JOIN LATERAL (
             SELECT jsonb_object_agg(q.id::text, q.values_[(SELECT min(i) FROM generate_subscripts(q.cumulative, 1) AS i WHERE q.cumulative[i] > h.h)]) AS answers
               FROM demo_question q CROSS JOIN LATERAL (SELECT abs(hashtext(d.resident_id::text || q.id::text)) % 100 AS h) h
              WHERE q.survey_id = d.survey_id AND NOT (q.kind = 'likert' AND abs(hashtext(d.resident_id::text || q.id::text || ':skip')) % 20 = 0)) a`,
      );
      await tx.query<unknown>(
        `INSERT INTO survey_tally (survey_id, question_id, option, source, npu_code, ward_code, age_band, ethnicity, respondents)
         SELECT r.survey_id, a.key::uuid, o.option, r.source, r.npu_code, r.ward_code, r.age_band, r.ethnicity, count(*)::int
           FROM survey_response r CROSS JOIN LATERAL jsonb_each_text(r.answers) AS a(key, value)
           CROSS JOIN LATERAL (VALUES (a.value), ('*')) AS o(option)
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      );
      const [{ responses }] = await tx.query<{ responses: number }[]>('SELECT count(*)::int AS responses FROM survey_response');
      this.logger.log(`Demo surveys loaded: ${n} surveys, ${responses} responses`);
      return n;
    });
  }
}
