// npm run bench:surveys [-- --responses 200000] [--runs 20]
// Survey results over maintained counters (issue 21: < 300 ms at 200,000 responses). Loads the
// responses set-based (strata spread over every ward, age band and ethnic group), sums the
// counters from them as the answer path maintains them, then times SurveyResultsService.results
// (plain, weighted, by ward, CSV) beside what the stack costs anyway on the same rows: the
// aggregate query alone, one pass over the counters, a plain count(*) of the responses, and the
// per-request scan the counters replace. Runs on its own
// throwaway embedded PostgreSQL (fsync on). Prints figures; asserts nothing.
import 'reflect-metadata';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { GeographyService } from '@beacon/geography';
import { ReportsSeedService } from '@beacon/reports';
import { resultsCsv, SurveyResultsService, SurveyService } from '@beacon/surveys';
import { ResultsRepository } from '../libs/surveys/src/results.repository';
import { benchAdmin, bootBenchApp, cores, fmt, loadAverage as load, median, p95, reporter, sampleMs, startBenchPostgres } from './bench/harness';

const { values: args } = parseArgs({ options: { responses: { type: 'string', default: '200000' }, runs: { type: 'string', default: '20' } } });
const RESPONSES = Number(args.responses);
const RUNS = Number(args.runs);
const AGE_BANDS = ['16-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+', 'not_stated'];
const ETHNICITIES = ['asian', 'black', 'mixed', 'white', 'other', 'not_stated'];

const report = reporter(52);

/** Median and 95th percentile of `runs` timed calls, after one warm-up call. */
async function time(runs: number, work: () => Promise<unknown>): Promise<string> {
  const ms = await sampleMs(runs, work);
  return `median ${median(ms).toFixed(1)} ms, p95 ${p95(ms).toFixed(1)} ms`;
}

async function main() {
  console.log(`Beacon survey results bench: ${fmt(RESPONSES)} responses, ${RUNS} runs each; node ${process.version}, ${cores()} cores; load average ${load()}`);
  const server = await startBenchPostgres('bench-surveys');
  try {
    const app = await bootBenchApp(server.url);
    const db = app.get<DataSource>(getDataSourceToken());
    await app.get(GeographyService).seedWestMidlands();
    await app.get(ReportsSeedService).seedDemo(); // census shares (FORCE and per NPU) for the weighting
    const staff = await benchAdmin(app);
    const survey = await app.get(SurveyService).create(staff, {
      title: 'Bench: confidence across the force',
      templates: ['confidence'],
      questions: [
        { kind: 'scale_10', text: 'How safe do you feel after dark?' },
        { kind: 'multiple_choice', text: 'Which worry you?', options: ['burglary', 'speeding', 'asb', 'drugs', 'vehicle'].map((value) => ({ value, label: value })) },
      ],
    });
    const surveyId = survey.id;
    // Force-wide surveys open with a second admin.
    const second = await benchAdmin(app, { email: 'bench2@beacon.local', password: 'bench-password-2' }, 'Bench Two');
    await app.get(SurveyService).open(second, surveyId);

    const t0 = performance.now();
    // Responses not tied to a resident row (as after erasure): the results read only the counters.
    await db.query(
      `INSERT INTO survey_response (survey_id, resident_id, source, npu_code, ward_code, age_band, ethnicity, answers)
       SELECT $1, NULL, 'resident', w.npu_code, w.code, ($3::varchar[])[1 + (g * 7) % array_length($3::varchar[], 1)], ($4::varchar[])[1 + (g * 13) % array_length($4::varchar[], 1)],
              (SELECT jsonb_object_agg(q.id::text,
                        CASE WHEN q.kind = 'multiple_choice' THEN jsonb_build_array(q.options -> (g % 5) ->> 'value', q.options -> ((g / 5) % 5) ->> 'value')
                             ELSE to_jsonb(q.options -> (abs(hashtext(g::text || q.id::text)) % jsonb_array_length(q.options)) ->> 'value') END)
                 FROM survey_question q WHERE q.survey_id = $1)
         FROM generate_series(1, $2::int) g
         JOIN (SELECT code, npu_code, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS n FROM ward) w ON w.i = g % w.n`,
      [surveyId, RESPONSES, AGE_BANDS, ETHNICITIES],
    );
    // The counters, summed as the answer path maintains them (+1 per chosen option, +1 under '*' per answered question).
    await db.query(
      `INSERT INTO survey_tally (survey_id, question_id, option, source, npu_code, ward_code, age_band, ethnicity, respondents)
       SELECT r.survey_id, a.key::uuid, o.option, r.source, r.npu_code, r.ward_code, r.age_band, r.ethnicity, count(*)::int
         FROM survey_response r CROSS JOIN LATERAL jsonb_each(r.answers) AS a(key, value)
         CROSS JOIN LATERAL (SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE jsonb_build_array(a.value) END) UNION ALL SELECT '*') AS o(option)
        WHERE r.survey_id = $1
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      [surveyId],
    );
    await db.query('ANALYZE survey_response; ANALYZE survey_tally');
    const [{ tallies }] = await db.query<{ tallies: number }[]>('SELECT count(*)::int AS tallies FROM survey_tally WHERE survey_id = $1', [surveyId]);
    report('responses and counters loaded', `${((performance.now() - t0) / 1000).toFixed(1)} s (${fmt(RESPONSES)} responses, ${fmt(tallies)} counter rows)`);

    const results = app.get(SurveyResultsService);
    const ward = (await db.query<{ code: string }[]>('SELECT code FROM ward ORDER BY code LIMIT 1'))[0].code;
    console.log(`  load average before timing: ${load()}`);
    report('results (JSON, all groups)', await time(RUNS, () => results.results(staff, surveyId, {})));
    report('results, weighted=true (raking, age band × ethnicity)', await time(RUNS, () => results.results(staff, surveyId, { weighted: 'true' })));
    report(`results, ward=${ward}, weighted=true`, await time(RUNS, () => results.results(staff, surveyId, { ward, weighted: 'true' })));
    report('results as CSV (weighted)', await time(RUNS, async () => resultsCsv(await results.results(staff, surveyId, { weighted: 'true' }))));
    console.log('  the stack on the same rows, for comparison:');
    const questionIds = (await db.query<{ id: string }[]>('SELECT id FROM survey_question WHERE survey_id = $1', [surveyId])).map((r) => r.id);
    report('  the GROUPING SETS query alone (ResultsRepository)', await time(RUNS, () => app.get(ResultsRepository).aggregate(questionIds, {})));
    report('  SELECT sum(respondents) of the counters (one pass)', await time(RUNS, () => db.query('SELECT sum(respondents) FROM survey_tally WHERE survey_id = $1', [surveyId])));
    report('  SELECT count(*) of the survey’s responses', await time(RUNS, () => db.query('SELECT count(*) FROM survey_response WHERE survey_id = $1', [surveyId])));
    report('  the scan the counters replace (GROUP BY over answers)', await time(Math.min(RUNS, 5), () =>
      db.query(
        `SELECT a.key, a.value, r.npu_code, r.ward_code, r.age_band, r.ethnicity, count(*)
           FROM survey_response r CROSS JOIN LATERAL jsonb_each_text(r.answers) a WHERE r.survey_id = $1 GROUP BY 1, 2, 3, 4, 5, 6`,
        [surveyId],
      ),
    ));
    report('target', 'results < 300 ms at 200,000 responses');
    console.log(`  load average after: ${load()}`);
    await app.close();
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
