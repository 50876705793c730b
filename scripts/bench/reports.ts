// Report latencies at scale: seeds messages (with pre-aggregated engagement) and ratings, then
// times each SIM report as an analyst would call it. Prints figures; asserts nothing.
import type { INestApplicationContext } from '@nestjs/common';
import type pg from 'pg';
import type { StaffPrincipal } from '@beacon/core';
import { ReportAggregatesService, ReportsService } from '@beacon/reports';
import { fmt, median, sampleMs } from './harness';

export interface ReportBenchOptions {
  messages: number;
  ratings: number;
}

/** The median of `runs` timed calls after a warm-up call, in ms. */
const timeIt = async (fn: () => Promise<unknown>, runs = 3): Promise<number> => median(await sampleMs(runs, fn));

export async function benchReports(
  app: INestApplicationContext,
  db: pg.Pool,
  staff: StaffPrincipal,
  opts: ReportBenchOptions,
  report: (name: string, value: string) => void,
): Promise<void> {
  // Messages spread over 24 months and the 8 NPUs; ratings spread over them.
  let t0 = performance.now();
  await db.query(
    `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, send_requested_at, recipient_count)
     SELECT $1, (ARRAY['BE','BW','CV','DY','SH','SW','WS','WV'])[1 + g % 8], 'Bench message ' || g, 'Body', 'other', '{email}', '{}', 'sent',
            now() - (g % 720) * interval '1 day', now() - (g % 720) * interval '1 day', 1000 + g % 5000
       FROM generate_series(1, $2::int) g`,
    [staff.id, opts.messages],
  );
  report('report data: messages seeded', `${fmt(opts.messages)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (opts.ratings > 0) {
    t0 = performance.now();
    // Ratings need distinct (message, resident) pairs: walk residents against recent messages.
    await db.query(
      `WITH msgs AS (SELECT id, row_number() OVER (ORDER BY sent_at DESC) AS k FROM message WHERE title LIKE 'Bench message %' LIMIT 200),
            res AS (SELECT id, row_number() OVER () AS k FROM resident LIMIT ($1::bigint / 200 + 1))
       INSERT INTO rating (message_id, resident_id, score)
       SELECT m.id, r.id, (ARRAY[6,6,6,6,5,5,5,4,3,6])[1 + ((m.k + r.k) % 10)::int]
         FROM msgs m JOIN res r ON true
        LIMIT $1`,
      [opts.ratings],
    );
    report('report data: ratings seeded', `${fmt(opts.ratings)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The 5-minute job that pre-aggregates what the reports read (resident stats, engagement totals).
  t0 = performance.now();
  await app.get(ReportAggregatesService).refresh();
  report('refresh-report-aggregates job', `${fmt(performance.now() - t0)} ms`);
  await db.query('VACUUM ANALYZE');
  const reports = app.get(ReportsService);
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
  const cases: [string, () => Promise<unknown>][] = [
    ['signups by NPU, 12 months (force)', () => reports.signups(staff, { groupBy: 'npu' })],
    ['signups by ward, 12 months (force)', () => reports.signups(staff, { groupBy: 'ward' })],
    ['reach per ward (force)', () => reports.reach(staff, {})],
    ['representation (force)', () => reports.representation(staff, {})],
    ['attribution, 12 months', () => reports.attribution(staff, {})],
    ['messages by NPU, 12 months', () => reports.messages(staff, { groupBy: 'npu' })],
    ['messages by author, 12 months', () => reports.messages(staff, { groupBy: 'author' })],
    [`SIM pack (BE, ${month})`, () => reports.sim(staff, { npu: 'BE', month })],
  ];
  for (const [name, fn] of cases) report(`report latency: ${name}`, `${fmt(await timeIt(fn))} ms (median of 3)`);
}
