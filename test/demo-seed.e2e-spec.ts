import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapService } from '../apps/api/src/seed/bootstrap.service';
import { HousekeepingService, monthsBefore } from '@beacon/core';
import { financialYearOf } from '@beacon/funding';
import { createTestApp, type TestApp } from './utils/test-app';

describe('small demo seed (schemes and cadets)', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'beacon-demo-'));
    t = await createTestApp({ SEED_DEMO: 'small', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const snapshot = async () =>
    (
      await t.sql<{ npus: number; schemes: number; members: number; coordinators: number; targets: number; units: number; cadets: number }>(
        `SELECT (SELECT count(*)::int FROM npu) AS npus,
                (SELECT count(*)::int FROM scheme) AS schemes,
                (SELECT count(*)::int FROM scheme_member) AS members,
                (SELECT count(coordinator_resident_id)::int FROM scheme) AS coordinators,
                (SELECT count(*)::int FROM scheme_target) AS targets,
                (SELECT count(*)::int FROM cadet_unit) AS units,
                (SELECT count(*)::int FROM cadet_member) AS cadets`,
      )
    )[0];

  it('boots with a Neighbourhood Watch and a Street Watch (no members) and one cadet unit per NPU, once', async () => {
    await t.app.get(BootstrapService).run();
    const first = await snapshot();
    expect(first).toEqual({ npus: 8, schemes: 16, members: 0, coordinators: 0, targets: 16, units: 8, cadets: 0 });
    const perNpu = await t.sql(
      `SELECT w.npu_code, array_agg(s.type ORDER BY s.type) AS types FROM scheme s JOIN ward w ON w.code = s.ward_code GROUP BY w.npu_code ORDER BY w.npu_code`,
    );
    expect(perNpu).toHaveLength(8);
    expect(perNpu.every((r) => JSON.stringify(r.types) === JSON.stringify(['neighbourhood_watch', 'street_watch']))).toBe(true);
    await t.app.get(BootstrapService).run();
    expect(await snapshot()).toEqual(first);
  });

  it('ships a synthetic postcode file for every demo ward, and each demo resident lives at a postcode of their ward', async () => {
    await t.app.get(BootstrapService).run();
    const [counts] = await t.sql<{ postcodes: number; wardsWithout: number; residents: number; misplaced: number }>(
      `SELECT (SELECT count(*)::int FROM postcode) AS postcodes,
              (SELECT count(*)::int FROM ward w WHERE NOT EXISTS (SELECT 1 FROM postcode p WHERE p.ward_code = w.code)) AS "wardsWithout",
              (SELECT count(*)::int FROM resident WHERE email LIKE 'demo.%@example.org') AS residents,
              (SELECT count(*)::int FROM resident r LEFT JOIN postcode p ON p.postcode = r.postcode
                WHERE r.email LIKE 'demo.%@example.org'
                  AND (p.ward_code IS DISTINCT FROM r.ward_code OR r.postcode_lat IS DISTINCT FROM p.lat OR r.postcode_long IS DISTINCT FROM p.long)) AS misplaced`,
    );
    expect(counts).toEqual({ postcodes: 489, wardsWithout: 0, residents: 600, misplaced: 0 });
    const found = await t.http().get('/api/v1/postcodes/zz1%200aa').expect(200);
    expect(found.body).toMatchObject({ postcode: 'ZZ1 0AA', wardCode: 'E05990001', npuCode: 'BE' });
  });
});

describe('full demo seed (a West Midlands-sized force)', () => {
  let t: TestApp;
  let dataDir: string;
  let seedMs: number;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'beacon-demo-full-'));
    t = await createTestApp({ SEED_DEMO: 'full', DATA_DIR: dataDir });
    const started = Date.now();
    await t.app.get(BootstrapService).run();
    seedMs = Date.now() - started;
    process.stdout.write(`[demo] full demo seeded in ${seedMs} ms\n`);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const within5 = (value: number, expected: number) => {
    expect(value).toBeGreaterThanOrEqual(expected * 0.95);
    expect(value).toBeLessThanOrEqual(expected * 1.05);
  };
  const one = async <T>(sql: string, params: unknown[] = []) => (await t.sql<T>(sql, params))[0];

  it('has ~87,500 subscribers in every NPU in proportion to ward populations, ~3,000 net a month, a third on SMS, all verified', async () => {
    const r = await one<Record<string, number>>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(*) FILTER (WHERE status <> 'erased' AND (email_verified_at IS NULL OR (phone_e164 IS NOT NULL AND phone_verified_at IS NULL)))::int AS unverified,
              count(*) FILTER (WHERE status = 'active' AND phone_e164 IS NOT NULL)::float8 / count(*) FILTER (WHERE status = 'active') AS sms_share,
              count(*) FILTER (WHERE activated_at > now() OR left_at > now() OR left_at <= activated_at OR consent_at > activated_at)::int AS bad_dates,
              count(*) FILTER (WHERE email NOT LIKE '%@demo.example.org' AND email NOT LIKE '%@example.org')::int AS real_looking
         FROM resident`,
    );
    within5(r.active, 87_500);
    expect(r.unverified).toBe(0);
    expect(r.bad_dates).toBe(0);
    expect(r.real_looking).toBe(0);
    expect(r.sms_share).toBeGreaterThan(0.3);
    expect(r.sms_share).toBeLessThan(0.37);
    // Net sign-ups over the last 12 months, per month
    const net = await one<{ net: number }>(
      `SELECT ((count(*) FILTER (WHERE activated_at > now() - interval '1 year')) - (count(*) FILTER (WHERE left_at > now() - interval '1 year')))::float8 / 12 AS net FROM resident`,
    );
    expect(net.net).toBeGreaterThan(2_500);
    expect(net.net).toBeLessThan(3_500);
    // Every NPU within 5 % of its population share
    const npus = await t.sql<{ npu_code: string; share: number; expected: number }>(
      `SELECT w.npu_code, count(r.id)::float8 / sum(count(r.id)) OVER () AS share,
              (SELECT sum(population) FROM ward x WHERE x.npu_code = w.npu_code)::float8 / (SELECT sum(population) FROM ward) AS expected
         FROM resident r JOIN ward w ON w.code = r.ward_code WHERE r.campaign_code IS NULL GROUP BY w.npu_code`,
    );
    expect(npus).toHaveLength(8);
    for (const n of npus) within5(n.share, n.expected);
    // The door-knocking bump: the campaign wards' best month is well above their usual month
    const bump = await one<{ peak: number; median: number }>(
      `WITH m AS (SELECT date_trunc('month', activated_at) AS month, count(*) AS n FROM resident WHERE ward_code IN ('E05990001', 'E05990002', 'E05990003', 'E05990004') GROUP BY 1)
       SELECT max(n)::int AS peak, percentile_cont(0.5) WITHIN GROUP (ORDER BY n)::int AS median FROM m`,
    );
    expect(bump.peak).toBeGreaterThan(bump.median * 4);
    const reps = await t.sql<{ category: string; subs: number; census: number }>(
      `SELECT p.category, sum(s.subscribers)::float8 * 100 / (SELECT sum(subscribers) FROM resident_profile_stats WHERE dimension = 'ethnicity') AS subs, p.share_percent::float8 AS census
         FROM population_share p JOIN resident_profile_stats s ON s.dimension = p.dimension AND s.category = p.category
        WHERE p.area_code = 'FORCE' AND p.dimension = 'ethnicity' GROUP BY p.category, p.share_percent`,
    );
    expect(reps.find((x) => x.category === 'asian')!.census - reps.find((x) => x.category === 'asian')!.subs).toBeGreaterThan(3);
    const ms = await one<{ n: number }>(`SELECT count(*)::int AS n FROM resident_month_stats`);
    expect(ms.n).toBeGreaterThan(163 * 30);
  });

  it('starts as the retention keeps it: leavers past INACTIVE_RESIDENT_RETENTION_DAYS are already erased, with nothing an erasure removes', async () => {
    const e = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM resident WHERE status = 'erased') AS erased,
              (SELECT count(*)::int FROM resident WHERE status = 'unsubscribed' AND left_at < now() - make_interval(days => $1)) AS expired,
              (SELECT count(*)::int FROM resident WHERE status = 'erased'
                 AND (email IS NOT NULL OR phone_e164 IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL OR postcode IS NOT NULL
                      OR age_band IS NOT NULL OR ethnicity IS NOT NULL OR erased_at IS NULL OR left_at IS NULL OR left_at >= now() - make_interval(days => $1))) AS not_erased_as_erasure_does,
              (SELECT count(*)::int FROM resident_topic x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased')
                + (SELECT count(*)::int FROM resident_interest x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased')
                + (SELECT count(*)::int FROM resident_channel x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased' AND x.enabled)
                + (SELECT count(*)::int FROM scheme_member x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased')
                + (SELECT count(*)::int FROM survey_response x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased')
                + (SELECT count(*)::int FROM delivery x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased' AND x.last_error IS NOT NULL)
                + (SELECT count(*)::int FROM rating x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased' AND x.comment IS NOT NULL)
                + (SELECT count(*)::int FROM reply x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased' AND (x.body <> '' OR x.status <> 'closed')) AS left_behind,
              (SELECT count(*)::int FROM rating x JOIN resident r ON r.id = x.resident_id WHERE r.status = 'erased') AS erased_ratings`,
      [t.config.retention.inactiveResidentDays],
    );
    expect(e.erased).toBeGreaterThan(1_000);
    expect(e.erased_ratings).toBeGreaterThan(0); // they rated messages before they left
    expect(e).toMatchObject({ expired: 0, not_erased_as_erasure_does: 0, left_behind: 0 });
    // Deliveries and closed replies past their retention are gone; the messages' figures stay.
    const kept = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM delivery WHERE created_at < $1 AND status NOT IN ('queued', 'sending')) AS old_deliveries,
              (SELECT count(*)::int FROM reply WHERE created_at < now() - make_interval(days => $2) AND status <> 'open') AS old_replies,
              (SELECT count(*)::int FROM message m JOIN message_engagement g ON g.message_id = m.id WHERE m.sent_at < $1 AND g.ratings > 0) AS old_rated_messages,
              (SELECT count(*)::int FROM delivery WHERE created_at >= $1) AS recent_deliveries`,
      [monthsBefore(new Date(), t.config.retention.deliveryMonths), t.config.retention.replyDays],
    );
    expect(kept).toMatchObject({ old_deliveries: 0, old_replies: 0 });
    expect(kept.old_rated_messages).toBeGreaterThan(0);
    expect(kept.recent_deliveries).toBeGreaterThan(0);
    // So the first housekeeping run after boot has nothing to purge (it erased 200 leavers a run before).
    const purged = await t.app.get(HousekeepingService).run();
    expect(purged).toEqual(Object.fromEntries(Object.keys(purged).map((k) => [k, 0])));
    expect(purged['inactive residents']).toBe(0);
  });

  it('has a few hundred sent messages with sampled deliveries, ratings averaging ~5.4 and replies answered or open', async () => {
    const m = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM message WHERE status = 'sent') AS sent,
              (SELECT count(DISTINCT npu_code)::int FROM message) AS npus,
              (SELECT count(*)::int FROM delivery) AS deliveries,
              (SELECT count(*)::int FROM rating) AS ratings,
              (SELECT avg(score)::float8 FROM rating) AS mean,
              (SELECT count(*)::int FROM reply WHERE status = 'open') AS open,
              (SELECT count(*)::int FROM reply WHERE status = 'answered') AS answered,
              (SELECT count(*)::int FROM reply r WHERE status = 'answered' AND NOT EXISTS (SELECT 1 FROM reply_response x WHERE x.reply_id = r.id)) AS unanswered,
              (SELECT sum(ratings)::int FROM message_engagement) AS aggregated,
              (SELECT count(*)::int FROM message WHERE sent_at > now() OR sent_at < now() - interval '3 years 1 day') AS bad_sent,
              (SELECT count(*)::int FROM rating g JOIN message m ON m.id = g.message_id JOIN resident r ON r.id = g.resident_id
                WHERE g.created_at < m.sent_at OR g.created_at > now() OR r.activated_at > m.sent_at) AS bad_ratings,
              (SELECT count(*)::int FROM reply_response x JOIN reply r ON r.id = x.reply_id WHERE x.created_at < r.created_at OR x.created_at > now()) AS bad_answers`,
    );
    expect(m.sent).toBeGreaterThanOrEqual(300);
    expect(m.sent).toBeLessThanOrEqual(400);
    expect(m.npus).toBe(8);
    expect(m.deliveries).toBeLessThan(40_000);
    expect(m.ratings).toBeGreaterThan(1_000);
    expect(m.mean).toBeGreaterThanOrEqual(5.3);
    expect(m.mean).toBeLessThanOrEqual(5.5);
    expect(m.open).toBeGreaterThan(0);
    expect(m.answered).toBeGreaterThan(0);
    expect(m).toMatchObject({ unanswered: 0, aggregated: m.ratings, bad_sent: 0, bad_ratings: 0, bad_answers: 0 });
  });

  it('gives every NPU schemes of every type with consenting members, coordinators, targets, patrols, cadets and bids, consistent in time', async () => {
    const perNpu = await t.sql<Record<string, number | string>>(
      `SELECT n.code,
              (SELECT count(DISTINCT s.type)::int FROM scheme s JOIN ward w ON w.code = s.ward_code WHERE w.npu_code = n.code) AS types,
              (SELECT count(*)::int FROM scheme_member m JOIN scheme s ON s.id = m.scheme_id JOIN ward w ON w.code = s.ward_code WHERE w.npu_code = n.code) AS members,
              (SELECT count(*)::int FROM scheme_target x WHERE x.npu_code = n.code AND x.due_date > current_date AND x.due_date <= current_date + 366) AS targets,
              (SELECT count(DISTINCT u.kind)::int FROM cadet_unit u JOIN cadet_member c ON c.unit_id = u.id WHERE u.npu_code = n.code) AS cadet_kinds,
              (SELECT count(DISTINCT b.status)::int FROM bid b WHERE b.npu_code = n.code AND b.financial_year = $1) AS bid_states
         FROM npu n ORDER BY n.code`,
      [financialYearOf()],
    );
    expect(perNpu).toHaveLength(8);
    for (const n of perNpu) expect(n).toMatchObject({ types: 4, targets: 4, cadet_kinds: 2, bid_states: 6 });
    for (const n of perNpu) expect(n.members).toBeGreaterThan(20);
    const bad = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM scheme WHERE coordinator_resident_id IS NULL) AS no_coordinator,
              (SELECT count(*)::int FROM scheme_member WHERE consent IS NULL) AS no_consent,
              (SELECT count(*)::int FROM scheme_member m JOIN resident r ON r.id = m.resident_id WHERE r.status <> 'active' OR m.joined_at < r.activated_at OR m.joined_at > now()) AS bad_members,
              (SELECT count(*)::int FROM patrol_volunteer v JOIN patrol p ON p.id = v.patrol_id JOIN resident r ON r.id = v.resident_id
                 LEFT JOIN scheme_member m ON m.scheme_id = p.scheme_id AND m.resident_id = v.resident_id
                WHERE r.status <> 'active' OR m.resident_id IS NULL OR m.joined_at > p.starts_at) AS bad_volunteers,
              (SELECT count(*)::int FROM patrol WHERE starts_at < now()) AS past_patrols,
              (SELECT count(*)::int FROM patrol WHERE starts_at > now()) AS planned_patrols,
              (SELECT count(*)::int FROM patrol_report x JOIN patrol p ON p.id = x.patrol_id WHERE x.created_at < p.ends_at OR x.created_at > now() OR p.status = 'cancelled') AS bad_reports,
              (SELECT count(*)::int FROM patrol p WHERE p.starts_at < now() AND p.status = 'planned' AND NOT EXISTS (SELECT 1 FROM patrol_report x WHERE x.patrol_id = p.id)) AS unreported,
              (SELECT count(*)::int FROM cadet_member c JOIN cadet_unit u ON u.id = c.unit_id
                WHERE (c.role <> 'leader' AND (age(c.date_of_birth) < interval '8 years' OR age(c.date_of_birth) >= interval '18 years')) OR c.left_at > now() OR c.joined_at > now()) AS bad_cadets,
              (SELECT count(*)::int FROM cadet_attendance a JOIN cadet_session s ON s.id = a.session_id JOIN cadet_member c ON c.id = a.member_id
                WHERE c.joined_at::date > s.held_on OR c.left_at::date <= s.held_on OR s.held_on > current_date) AS bad_attendance,
              (SELECT count(*)::int FROM cadet_attendance) AS attendance,
              (SELECT count(*)::int FROM bid_payment p JOIN bid b ON b.id = p.bid_id
                WHERE p.paid_on < b.created_at::date OR p.paid_on < b.decided_at::date OR p.paid_on > current_date OR p.created_at > now()) AS bad_payments,
              (SELECT count(*)::int FROM bid b WHERE b.paid_pence <> coalesce((SELECT sum(amount_pence) FROM bid_payment p WHERE p.bid_id = b.id), 0)) AS paid_mismatch,
              (SELECT count(*)::int FROM fund f WHERE f.allocated_pence <> coalesce((SELECT sum(amount_awarded_pence) FROM bid b
                 WHERE b.npu_code = f.npu_code AND b.financial_year = f.financial_year AND b.status IN ('approved', 'completed')), 0)) AS allocation_mismatch,
              (SELECT count(*)::int FROM bid WHERE created_at > now() OR decided_at < created_at OR decided_at > now()) AS bad_bids,
              (SELECT count(*)::int FROM bid b WHERE b.status = 'completed' AND NOT EXISTS (SELECT 1 FROM bid_evaluation e WHERE e.bid_id = b.id)) AS unevaluated`,
    );
    expect(bad).toMatchObject({
      no_coordinator: 0, no_consent: 0, bad_members: 0, bad_volunteers: 0, bad_reports: 0, unreported: 0,
      bad_cadets: 0, bad_attendance: 0, bad_payments: 0, paid_mismatch: 0, allocation_mismatch: 0, bad_bids: 0, unevaluated: 0,
    });
    expect(bad.past_patrols).toBeGreaterThan(0);
    expect(bad.planned_patrols).toBeGreaterThan(0);
    expect(bad.attendance).toBeGreaterThan(1_000);
  });

  it('places every demo resident at a synthetic postcode of their own ward', async () => {
    const r = await one<{ placed: number; misplaced: number }>(
      `SELECT count(*) FILTER (WHERE p.ward_code = r.ward_code AND r.postcode_lat = p.lat AND r.postcode_long = p.long)::int AS placed,
              count(*) FILTER (WHERE p.ward_code IS DISTINCT FROM r.ward_code OR r.postcode_lat IS DISTINCT FROM p.lat)::int AS misplaced
         FROM resident r LEFT JOIN postcode p ON p.postcode = r.postcode
        WHERE r.email LIKE 'resident.%@demo.example.org'`,
    );
    expect(r.misplaced).toBe(0);
    expect(r.placed).toBeGreaterThan(80_000);
  });

  it('has surveys with responses in every NPU, counters that add up to the responses, and answers dated while each survey was open', async () => {
    const perNpu = await t.sql<{ code: string; closed: number; open: number; responses: number; min_per_survey: number }>(
      `SELECT n.code,
              (SELECT count(*)::int FROM survey s WHERE s.npu_code = n.code AND s.status = 'closed') AS closed,
              (SELECT count(*)::int FROM survey s WHERE s.npu_code = n.code AND s.status = 'open') AS open,
              (SELECT count(*)::int FROM survey_response r JOIN survey s ON s.id = r.survey_id WHERE s.npu_code = n.code) AS responses,
              (SELECT coalesce(min(c), 0)::int FROM (SELECT count(r.id) AS c FROM survey s LEFT JOIN survey_response r ON r.survey_id = s.id WHERE s.npu_code = n.code GROUP BY s.id) x) AS min_per_survey
         FROM npu n ORDER BY n.code`,
    );
    expect(perNpu).toHaveLength(8);
    for (const n of perNpu) expect(n).toMatchObject({ closed: 1, open: 1 });
    for (const n of perNpu) expect(n.min_per_survey).toBeGreaterThan(50);
    const bad = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM survey WHERE npu_code IS NULL AND status = 'draft') AS force_drafts,
              (SELECT count(*)::int FROM survey_response r JOIN survey s ON s.id = r.survey_id JOIN resident p ON p.id = r.resident_id JOIN ward w ON w.code = p.ward_code
                WHERE r.created_at < s.opened_at OR r.created_at > least(s.closes_at, now()) OR p.activated_at > r.created_at OR p.left_at IS NOT NULL
                   OR w.npu_code <> s.npu_code OR r.ward_code <> p.ward_code) AS bad_responses,
              (SELECT count(*)::int FROM survey WHERE (status = 'closed' AND (closed_at IS NULL OR closed_at > now() OR closes_at > now())) OR (status = 'open' AND closes_at <= now())
                  OR opened_at < created_at) AS bad_surveys,
              -- every question's base counter equals the responses that answered it, and each option's counter its choosers
              (SELECT count(*)::int FROM (
                 SELECT q.id, o.option, coalesce((SELECT sum(respondents) FROM survey_tally t WHERE t.question_id = q.id AND t.option = o.option), 0) AS counted,
                        (SELECT count(*) FROM survey_response r WHERE r.survey_id = q.survey_id AND (o.option = '*' AND r.answers ? q.id::text OR r.answers ->> q.id::text = o.option)) AS answered
                   FROM survey_question q CROSS JOIN LATERAL (SELECT '*' AS option UNION ALL SELECT x->>'value' FROM jsonb_array_elements(q.options) x) o) c
                WHERE counted <> answered) AS tally_mismatch`,
    );
    expect(bad).toEqual({ force_drafts: 1, bad_responses: 0, bad_surveys: 0, tally_mismatch: 0 });
    const confident = await one<{ share: number }>(
      `SELECT avg((r.answers ->> q.id::text) IN ('very_confident', 'fairly_confident')::int)::float8 AS share
         FROM survey_response r JOIN survey_question q ON q.survey_id = r.survey_id AND q.template_key = 'confidence' WHERE r.answers ? q.id::text`,
    );
    expect(confident.share).toBeGreaterThan(0.6);
    expect(confident.share).toBeLessThan(0.9);
  });

  it('has an ACF voting round per NPU for this year, closed, open and not open yet, with ballots cast while open by residents of the NPU', async () => {
    const rounds = await t.sql<{ npu_code: string; state: string; bids: number; ballots: number }>(
      `SELECT v.npu_code, CASE WHEN now() < v.opens_at THEN 'scheduled' WHEN now() < v.closes_at THEN 'open' ELSE 'closed' END AS state,
              (SELECT count(*)::int FROM voting_round_bid b WHERE b.round_id = v.id) AS bids,
              (SELECT count(*)::int FROM voting_ballot b WHERE b.round_id = v.id) AS ballots
         FROM voting_round v WHERE v.financial_year = $1 ORDER BY v.npu_code`,
      [financialYearOf()],
    );
    expect(rounds).toHaveLength(8);
    expect(new Set(rounds.map((r) => r.state))).toEqual(new Set(['scheduled', 'open', 'closed']));
    for (const r of rounds) {
      expect(r.bids).toBeGreaterThanOrEqual(2);
      if (r.state === 'scheduled') expect(r.ballots).toBe(0);
      else expect(r.ballots).toBeGreaterThan(20);
    }
    const bad = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM voting_round_bid rb JOIN voting_round v ON v.id = rb.round_id JOIN bid b ON b.id = rb.bid_id
                WHERE b.status NOT IN ('submitted', 'under_review') OR b.npu_code <> v.npu_code OR b.created_at >= v.opens_at) AS bad_ballot_bids,
              (SELECT count(*)::int FROM voting_ballot x JOIN voting_round v ON v.id = x.round_id JOIN resident r ON r.id = x.resident_id JOIN ward w ON w.code = r.ward_code
                WHERE x.cast_at < v.opens_at OR x.cast_at > least(v.closes_at, now()) OR r.activated_at > x.cast_at OR r.status <> 'active' OR w.npu_code <> v.npu_code) AS bad_ballots,
              (SELECT count(*)::int FROM (SELECT x.round_id, x.resident_id, count(bv.bid_id) AS votes FROM voting_ballot x JOIN voting_round v ON v.id = x.round_id
                  JOIN voting_round_bid rb ON rb.round_id = x.round_id JOIN bid_vote bv ON bv.bid_id = rb.bid_id AND bv.resident_id = x.resident_id
                 GROUP BY 1, 2) c JOIN voting_round v ON v.id = c.round_id WHERE c.votes < 1 OR c.votes > v.max_votes_per_resident) AS bad_votes,
              (SELECT count(*)::int FROM bid_vote bv WHERE NOT EXISTS (SELECT 1 FROM voting_round_bid rb JOIN voting_ballot x ON x.round_id = rb.round_id AND x.resident_id = bv.resident_id WHERE rb.bid_id = bv.bid_id)) AS stray_votes`,
    );
    expect(bad).toEqual({ bad_ballot_bids: 0, bad_ballots: 0, bad_votes: 0, stray_votes: 0 });
  });

  it('has a draft and a scheduled message per NPU, each scheduled one with its fan-out job queued for its time', async () => {
    const perNpu = await t.sql<{ code: string; drafts: number; scheduled: number; queued: number }>(
      `SELECT n.code,
              (SELECT count(*)::int FROM message m WHERE m.npu_code = n.code AND m.status = 'draft') AS drafts,
              (SELECT count(*)::int FROM message m WHERE m.npu_code = n.code AND m.status = 'scheduled' AND m.scheduled_at > now() + interval '7 days') AS scheduled,
              (SELECT count(*)::int FROM message m JOIN pgboss.job j ON j.name = 'fan-out' AND j.data ->> 'messageId' = m.id::text AND j.state = 'created' AND j.start_after = m.scheduled_at
                WHERE m.npu_code = n.code AND m.status = 'scheduled') AS queued
         FROM npu n ORDER BY n.code`,
    );
    expect(perNpu).toHaveLength(8);
    for (const n of perNpu) expect(n).toMatchObject({ drafts: 1, scheduled: 1, queued: 1 });
  });

  // How long the seed took is a speed figure, not a rule: it is printed above, not asserted
  // (a timed assertion fails on a loaded machine and proves nothing about the seed).
  it('loads once: a second run adds nothing', async () => {
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM resident`);
    await t.app.get(BootstrapService).run();
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM resident`)).toEqual(before);
  });
});
