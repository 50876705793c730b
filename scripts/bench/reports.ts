// Report latencies at scale: seeds messages, ratings and deliveries (set-based), times the
// aggregate refresh (full, and incremental after a small change), then each SIM report as an
// analyst would call it, as-at variants included. Prints figures; asserts nothing.
import type { INestApplicationContext } from '@nestjs/common';
import type pg from 'pg';
import type { StaffPrincipal } from '@beacon/core';
import { DeliveryRepository } from '@beacon/messaging';
import { addMonths, CampaignService, QprService, ReportAggregatesService, ReportsService } from '@beacon/reports';
import { fmt, median, sampleMs } from './harness';

export interface ReportBenchOptions {
  messages: number;
  ratings: number;
  /** Delivery rows to seed (sent e-mails of the bench messages to residents); 0: none. */
  deliveries?: number;
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
  if (opts.deliveries) {
    t0 = performance.now();
    // Distinct (message, resident) pairs, set-based: delivery g goes to message g mod M and
    // resident g div M (mod R), so there are up to M × R of them without a duplicate.
    await db.query(
      `WITH m AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::bigint AS n FROM message WHERE title LIKE 'Bench message %'),
            r AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::bigint AS n FROM resident)
       INSERT INTO delivery (message_id, resident_id, channel, status, sent_at, created_at, updated_at)
       SELECT m.ids[1 + g % m.n], r.ids[1 + (g / m.n) % r.n], 'email', 'sent', now(), now(), now()
         FROM m, r, generate_series(0, least($1::bigint, m.n * r.n) - 1) g`,
      [opts.deliveries],
    );
    report('report data: deliveries seeded', `${fmt(opts.deliveries)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Their recipients by language, as the fan-out writes them with its rows (message detail, SIM pack).
    t0 = performance.now();
    await app.get(DeliveryRepository).countLanguagesWhereMissing();
    report('report data: recipients by language counted', `${fmt(performance.now() - t0)} ms`);
  }
  // The 5-minute job that pre-aggregates what the reports read (resident stats, engagement
  // totals): the first run after seeding recomputes everything.
  const aggregates = app.get(ReportAggregatesService);
  t0 = performance.now();
  await aggregates.refreshCounted({ full: true });
  report('refresh-report-aggregates job (full)', `${fmt(performance.now() - t0)} ms`);
  await db.query('VACUUM ANALYZE');
  // Incremental: after a small change (100 residents leave this month, 100 join, 100 new ratings) only the touched keys.
  await db.query(`UPDATE resident SET status = 'unsubscribed', left_at = now() WHERE id IN (SELECT id FROM resident WHERE status = 'active' AND left_at IS NULL ORDER BY id LIMIT 100)`);
  await db.query(
    `INSERT INTO resident (email, first_name, ward_code, status, email_verified_at, activated_at, consent_at, source)
     SELECT 'bench-new' || g || '@example.org', 'Bench', (SELECT code FROM ward ORDER BY code LIMIT 1 OFFSET g % 10), 'active', now(), now(), now(), 'online' FROM generate_series(1, 100) g`,
  );
  await db.query(
    `INSERT INTO rating (message_id, resident_id, score)
     SELECT m.id, r.id, 5 FROM (SELECT id FROM message WHERE title LIKE 'Bench message %' ORDER BY sent_at DESC LIMIT 1) m,
            (SELECT id FROM resident WHERE email LIKE 'bench-new%' LIMIT 100) r ON CONFLICT DO NOTHING`,
  );
  t0 = performance.now();
  const counted = await aggregates.refreshCounted();
  const incrementalMs = performance.now() - t0;
  report('refresh-report-aggregates job (incremental)', `${fmt(incrementalMs)} ms (${counted.monthKeys} ward-months, ${counted.wards} wards, ${counted.messages} messages)`);
  // The same change as a full recompute: every key and every message re-totalled.
  await db.query(`INSERT INTO message_engagement_dirty (message_id) SELECT id FROM message`);
  t0 = performance.now();
  await aggregates.refreshCounted({ full: true });
  report('refresh-report-aggregates job (full, for comparison)', `${fmt(performance.now() - t0)} ms`);
  const reports = app.get(ReportsService);
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
  const lastMonth = addMonths(month, -1);
  const pastDay = `${lastMonth}-15`;
  const qpr = app.get(QprService);
  // The last whole calendar quarter (Q1 = Jan–Mar).
  const [y, m] = month.split('-').map(Number);
  const q = Math.floor((m - 1) / 3); // this quarter, 0-based
  const lastQuarter = q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  const cases: [string, () => Promise<unknown>][] = [
    ['signups by NPU, 12 months (force)', () => reports.signups(staff, { groupBy: 'npu' })],
    ['signups by ward, 12 months (force)', () => reports.signups(staff, { groupBy: 'ward' })],
    ['reach per ward (force)', () => reports.reach(staff, {})],
    ['representation (force)', () => reports.representation(staff, {})],
    ['attribution, 12 months', () => reports.attribution(staff, {})],
    ['messages by NPU, 12 months', () => reports.messages(staff, { groupBy: 'npu' })],
    ['messages by author, 12 months', () => reports.messages(staff, { groupBy: 'author' })],
    [`SIM pack (BE, ${month})`, () => reports.sim(staff, { npu: 'BE', month })],
    // As-at variants: a past month, and a day within last month.
    [`signups by NPU, 12 months to ${lastMonth}`, () => reports.signups(staff, { groupBy: 'npu', month: lastMonth })],
    [`signups by NPU as at ${pastDay}`, () => reports.signups(staff, { groupBy: 'npu', asAt: pastDay })],
    [`reach per ward at the end of ${lastMonth}`, () => reports.reach(staff, { month: lastMonth })],
    [`reach per ward as at ${pastDay}`, () => reports.reach(staff, { asAt: pastDay })],
    [`representation at the end of ${lastMonth}`, () => reports.representation(staff, { month: lastMonth })],
    [`ratings, 12 months to ${lastMonth}`, () => reports.ratings(staff, { from: addMonths(lastMonth, -11), to: lastMonth })],
    ['attribution per officer and team, 12 months', () => reports.assisted(staff, {})],
    [`SIM pack (BE, ${lastMonth})`, () => reports.sim(staff, { npu: 'BE', month: lastMonth })],
    [`SIM pack (force, ${lastMonth})`, () => reports.sim(staff, { month: lastMonth })],
    [`SIM pack (force, ${month})`, () => reports.sim(staff, { month })],
    [`reach per ward (BE)`, () => reports.reach(staff, { npu: 'BE' })],
    [`representation at the end of ${lastMonth} (BE)`, () => reports.representation(staff, { npu: 'BE', month: lastMonth })],
    [`quarterly pack (force, ${lastQuarter})`, () => qpr.pack(staff, { quarter: lastQuarter })],
    [`quarterly pack (BE, ${lastQuarter})`, () => qpr.pack(staff, { quarter: lastQuarter, npu: 'BE' })],
    [`growth chart as at ${pastDay}`, () => reports.growthChart(staff, { asAt: pastDay })],
    [`reach chart as at ${pastDay}`, () => reports.reachChart(staff, { asAt: pastDay })],
  ];
  // A campaign over the last three months: four target wards, four control wards, and one
  // sign-up in 20 there taken by the bench's staff member (the per-officer figures).
  await db.query(
    `WITH c AS (INSERT INTO campaign (code, name, npu_code, tactic, starts_on, ends_on, created_by)
                VALUES ('BENCH-OP', 'Bench operation', NULL, 'door_knock', (now() - interval '3 months')::date, now()::date, $1) RETURNING id),
          w AS (SELECT code, row_number() OVER (ORDER BY code) AS k FROM ward ORDER BY code LIMIT 8)
     INSERT INTO campaign_area (campaign_id, ward_code, role, households) SELECT c.id, w.code, CASE WHEN w.k <= 4 THEN 'target' ELSE 'control' END, 5000 FROM c, w`,
    [staff.id],
  );
  await db.query(
    `UPDATE resident r SET assisted_by = $1, campaign_code = CASE WHEN r.id::text < '06' THEN 'BENCH-OP' END
      WHERE r.ward_code IN (SELECT ward_code FROM campaign_area) AND r.activated_at >= now() - interval '3 months' AND r.id::text < '0d'`,
    [staff.id],
  );
  await db.query('ANALYZE resident');
  const campaigns = app.get(CampaignService);
  cases.push(['campaign report (target, control, tactics, per officer and team)', () => campaigns.report(staff, 'BENCH-OP')]);
  for (const [name, fn] of cases) report(`report latency: ${name}`, `${fmt(await timeIt(fn))} ms (median of 3)`);
}
