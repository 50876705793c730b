// Issue 24, maintained counts: the audience preview's counts (audience_cell, kept by triggers on
// the resident tables) and a message's progress (message_delivery_count, kept by a trigger on
// delivery) and a message's rating summary (message_rating_count, kept by triggers on rating) always
// equal a live count of the rows, after writes of every kind.
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RatingService } from '@beacon/engagement';
import { AudienceCountsService, ResidentChannelsService, TOPICS, INTEREST_GROUPS } from '@beacon/residents';
import type { ResolvedAudience } from '../libs/messaging/src/audience/audience-spec';
import { AudienceRepository } from '../libs/messaging/src/audience/audience.repository';
import { priorityRank } from '../libs/messaging/src/audience/audience.sql';
import { DeliveryRepository } from '../libs/messaging/src/delivery.repository';
import { SendProgressRepository } from '../libs/messaging/src/sending/send-progress.repository';
import { makeResident, makeResidents } from './utils/factories';
import { goodRow, importSettled, toBeaconCsv } from './utils/import-fixture';
import { useSuite } from './utils/suite';
import { broadcast } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { loginAs } from './utils/test-app';
import { ratingToken, residentAuth } from './utils/world';

const WARDS = ['BE01', 'BE02', 'BE03', 'SW01', 'SW02'];
const PRIORITIES = ['information', 'standard', 'urgent'];

// A deterministic generator (mulberry32), so a failure names an audience that can be replayed.
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T[] => xs.filter(() => r() < 0.4);

describe('maintained counts', () => {
  const { t, smtp } = useSuite({ smtp: true, twilio: true, geography: true });
  let admin: [string, string];

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin', 'BE')).auth;
  });
  beforeEach(async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
  });

  /** Every audience shape the maintained counts answer, random but seeded, against the live query. */
  async function expectCountsExact(seed: number, n = 150): Promise<void> {
    const r = rng(seed);
    const counts = t.app.get(AudienceCountsService);
    const live = t.app.get(AudienceRepository);
    const wrong: string[] = [];
    for (let i = 0; i < n; i++) {
      const wards = r() < 0.2 ? null : pick(r, WARDS);
      const topics = r() < 0.4 ? null : pick(r, TOPICS);
      const interests = r() < 0.5 ? null : pick(r, INTEREST_GROUPS);
      const channels = r() < 0.6 ? ['email', 'sms'] : r() < 0.5 ? ['email'] : ['sms'];
      const priority = PRIORITIES[Math.floor(r() * 3)];
      const a: ResolvedAudience = { wardCodes: wards, topics, interestGroups: interests, schemeIds: null, near: null, channels, priority };
      const expected = await live.countAudience(a);
      const got = await counts.count({ wardCodes: wards, topics, interestGroups: interests, channels, maxRank: priorityRank(priority) });
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${JSON.stringify(a)}: maintained ${JSON.stringify(got)}, live ${JSON.stringify(expected)}`);
    }
    expect(wrong).toEqual([]);
    // And the bookkeeping behind them: every sendable resident in exactly the cell they belong in.
    const drift = await t.sql(
      `SELECT coalesce(k.resident_id, a.resident_id) AS resident_id FROM resident_audience_keys(ARRAY(SELECT id FROM resident)) k
         JOIN audience_cell c ON (c.ward_code, c.email_rank, c.sms_rank, c.topics, c.interests) = (k.ward_code, k.email_rank, k.sms_rank, k.topics, k.interests)
         FULL JOIN resident_audience_cell a ON a.resident_id = k.resident_id
        WHERE a.cell_id IS DISTINCT FROM c.id`,
    );
    expect(drift).toEqual([]);
    const sums = await t.sql<{ cells: number; residents: number }>(
      `SELECT (SELECT coalesce(sum(residents), 0)::int FROM audience_cell) AS cells, (SELECT count(*)::int FROM resident_audience_cell) AS residents`,
    );
    expect(sums[0].cells).toBe(sums[0].residents);
  }

  it('audience preview from maintained counts equals the live query after sign-up, verify, preferences, unsubscribe, suspension, import, ward move, erasure and purge', async () => {
    const r = rng(24);
    // Residents written directly, one at a time and in bulk (multi-row statements).
    for (let i = 0; i < 60; i++) {
      const channels = r() < 0.5 ? (['email', 'sms'] as const) : r() < 0.5 ? (['email'] as const) : (['sms'] as const);
      await makeResident(t, {
        ward: WARDS[i % WARDS.length],
        channels: [...channels],
        topics: pick(r, TOPICS),
        interests: pick(r, INTEREST_GROUPS),
        status: r() < 0.85 ? 'active' : r() < 0.5 ? 'pending' : 'unsubscribed',
        emailVerified: r() < 0.9,
        phoneVerified: r() < 0.9,
        minPriority: { email: PRIORITIES[Math.floor(r() * 3)], sms: PRIORITIES[Math.floor(r() * 3)] },
      });
    }
    await makeResidents(t, { count: 200, ward: 'BE02', prefix: 'bulk.a.', channels: ['email', 'sms'], interest: 'parent' });
    await makeResidents(t, { count: 150, ward: 'SW01', prefix: 'bulk.b.', channels: ['email'] });
    await expectCountsExact(1);

    // Sign-up (pending: not counted) then verification through the e-mailed link.
    const email = 'counted.signup@example.org';
    await t.http().post('/api/v1/residents').send({ email, firstName: 'Jo', lastName: 'Bloggs', wardCode: 'BE03', channels: ['email'], topics: ['appeals', 'events'], consent: true }).expect(202);
    await expectCountsExact(2, 40);
    const deadline = Date.now() + 20_000;
    while (!smtp.messages.some((m) => m.to.includes(email)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    const mail = smtp.messages.find((m) => m.to.includes(email))!;
    const token = /\/verify\?token=([A-Za-z0-9_.-]+)/.exec(mail.parsed.text ?? '')![1];
    const verified = await t.http().post('/api/v1/residents/verify').send({ token }).expect(200);
    const signedUp = (await t.sql<{ id: string }>('SELECT id FROM resident WHERE email = $1', [email]))[0].id;
    expect(verified.body.status).toBe('active');
    await expectCountsExact(3, 40);

    // Preferences: topics, interests, channel priority, quiet hours.
    const someone = (await t.sql<{ id: string }>(`SELECT r.id FROM resident r WHERE r.email LIKE 'bulk.a.%' ORDER BY r.id LIMIT 5`)).map((x) => x.id);
    await t.http().patch('/api/v1/me').set(...residentAuth(t, signedUp)).send({ topics: ['crime_alerts'], interestGroups: ['dog_walker', 'farmer'], channels: [{ channel: 'email', minPriority: 'urgent' }] }).expect(200);
    await t.http().patch('/api/v1/me').set(...residentAuth(t, someone[0])).send({ topics: ['road_safety'], channels: [{ channel: 'sms', enabled: false }] }).expect(200);
    await t.http().patch('/api/v1/me').set(...residentAuth(t, someone[1])).send({ interestGroups: [], quietStart: '22:00', quietEnd: '07:00' }).expect(200);
    // Concurrent changes to one resident and to many: each queues on the resident, none is lost.
    await Promise.all([
      ...PRIORITIES.map((p) => t.http().patch('/api/v1/me').set(...residentAuth(t, someone[2])).send({ channels: [{ channel: 'email', minPriority: p }] })),
      t.http().patch('/api/v1/me').set(...residentAuth(t, someone[2])).send({ topics: ['appeals'] }),
      t.http().patch('/api/v1/me').set(...residentAuth(t, someone[2])).send({ interestGroups: ['student'] }),
      ...someone.slice(3).map((id) => t.http().patch('/api/v1/me').set(...residentAuth(t, id)).send({ topics: ['meetings', 'events'] })),
    ]);
    await expectCountsExact(4);

    // Unsubscribe, suspension (bounce), SMS STOP and START.
    const channels = t.app.get(ResidentChannelsService);
    await channels.unsubscribeEmail(someone[3]);
    await channels.suspend(someone[4], 'email', 'hard bounce');
    await channels.setSmsOptIn(someone[4], false);
    await channels.setSmsOptIn(someone[4], true);
    await expectCountsExact(5, 60);

    // An import: new residents and matches, in the import's own set-based statements.
    const rows = [...Array(120).keys()].map((i) => goodRow(i, 'counted.imp'));
    const up = await t.http().post('/api/v1/imports/residents').set(...admin).set('Content-Type', 'text/csv').send(toBeaconCsv(rows)).expect(201);
    await t.http().post(`/api/v1/imports/${up.body.id}/commit`).set(...admin).expect(202);
    expect((await importSettled(t, admin, up.body.id)).status).toBe('committed');
    await expectCountsExact(6);

    // A ward move, an erasure, and the purge of pending sign-ups (deleted rows).
    await t.sql(`UPDATE resident SET ward_code = 'SW02' WHERE id = ANY($1::uuid[])`, [someone.slice(0, 2)]);
    await t.http().delete('/api/v1/me').set(...residentAuth(t, signedUp)).expect(204);
    await t.sql(`DELETE FROM resident WHERE status = 'pending'`);
    await t.sql(`DELETE FROM resident_topic WHERE topic = 'events' AND resident_id IN (SELECT id FROM resident WHERE email LIKE 'counted.imp%')`);
    await expectCountsExact(7);
  }, 180_000);

  describe('message progress from counters', () => {
    /** The counters as progress reads them, and the same figures counted from delivery. */
    async function expectProgressExact(messageId: string): Promise<void> {
      const deliveries = t.app.get(DeliveryRepository);
      expect(await deliveries.progress(messageId)).toEqual(await deliveries.progressLive(messageId));
      const [waiting] = await t.sql<{ counted: boolean; live: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM message_delivery_count WHERE message_id = $1 AND state IN ('waiting', 'sending') GROUP BY state HAVING sum(deliveries) > 0) AS counted,
                EXISTS (SELECT 1 FROM delivery WHERE message_id = $1 AND (status = 'sending' OR (status = 'queued' AND not_before IS NOT NULL))) AS live`,
        [messageId],
      );
      expect(waiting.counted).toBe(waiting.live);
    }

    it('counters equal a live count of delivery through fan-out, claims, outcomes, retries, cancel, complaint, revival and retention', async () => {
      await makeResidents(t, { count: 120, ward: 'BE01', prefix: 'progress.', channels: ['email', 'sms'] });
      const res = await t.http().post('/api/v1/messages').set(...admin).send({ title: 'Counted', body: 'Progress from counters', category: 'appeal', channels: ['email', 'sms'], audience: { wardCodes: ['BE01'] } });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      // Deliveries written as the fan-out, the claims and the outcome writers do, statement by statement.
      await t.sql(`UPDATE message SET status = 'sending', recipient_count = 0 WHERE id = $1`, [id]);
      await t.sql(
        `INSERT INTO delivery (message_id, resident_id, channel, status, not_before)
         SELECT $1, rc.resident_id, rc.channel, 'queued', CASE WHEN rc.channel = 'sms' AND random() < 0.3 THEN now() + interval '1 hour' END
           FROM resident_channel rc JOIN resident r ON r.id = rc.resident_id WHERE r.ward_code = 'BE01'`,
        [id],
      );
      await expectProgressExact(id);
      const step = async (sql: string) => {
        await t.sql(sql, [id]);
        await expectProgressExact(id);
      };
      await step(`UPDATE delivery SET status = 'sending', claimed_at = now(), attempts = attempts + 1 WHERE id IN (SELECT id FROM delivery WHERE message_id = $1 AND status = 'queued' AND not_before IS NULL ORDER BY id LIMIT 90)`);
      await step(`UPDATE delivery SET status = CASE WHEN id % 7 = 0 THEN 'failed' WHEN id % 11 = 0 THEN 'unknown' ELSE 'sent' END, sent_at = now(), claimed_at = NULL WHERE message_id = $1 AND status = 'sending' AND id % 3 <> 0`);
      // A retry: back to queued with a time (waiting), then due.
      await step(`UPDATE delivery SET status = 'queued', not_before = now() - interval '1 second', claimed_at = NULL WHERE message_id = $1 AND status = 'sending' AND id % 2 = 0`);
      await step(`UPDATE delivery SET status = 'delivered' WHERE message_id = $1 AND channel = 'sms' AND status = 'sent'`);
      await step(`UPDATE delivery SET status = 'bounced', bounce_status = '5.1.1' WHERE message_id = $1 AND channel = 'email' AND status = 'sent' AND id % 5 = 0`);
      await step(`UPDATE delivery SET complained_at = now() WHERE message_id = $1 AND channel = 'email' AND status = 'sent' AND id % 4 = 0`);
      // A stranded row (queued, no time, no open cursor): revived by the send path's own repository.
      await t.sql(`DELETE FROM delivery_cursor WHERE message_id = $1`, [id]);
      expect(await t.app.get(SendProgressRepository).reviveStranded(id)).toBeGreaterThan(0);
      await expectProgressExact(id);
      // Folding the append-only rows (the sweep's pass over messages still sending) changes no figure.
      const rowsOf = async () => (await t.sql<{ n: number; groups: number }>(`SELECT count(*)::int AS n, count(DISTINCT (channel, state))::int AS groups FROM message_delivery_count WHERE message_id = $1`, [id]))[0];
      expect((await rowsOf()).n).toBeGreaterThan((await rowsOf()).groups);
      expect(await t.app.get(SendProgressRepository).compactCounts(null, 0)).toBeGreaterThanOrEqual(1);
      await expectProgressExact(id);
      expect(await rowsOf()).toEqual({ n: (await rowsOf()).groups, groups: (await rowsOf()).groups });
      expect(await t.app.get(SendProgressRepository).hasUnfinished(id)).toBe(true);
      // Cancel mid-send, through the message's own cancel.
      await t.http().post(`/api/v1/messages/${id}/cancel`).set(...admin);
      await step(`UPDATE delivery SET status = 'cancelled' WHERE message_id = $1 AND status = 'queued'`);
      await step(`UPDATE delivery SET status = 'sent', claimed_at = NULL WHERE message_id = $1 AND status = 'sending'`);
      expect(await t.app.get(SendProgressRepository).hasUnfinished(id)).toBe(false);
      // Retention deletes rows: the counters follow.
      await step(`DELETE FROM delivery WHERE message_id = $1 AND status = 'failed'`);
      // Folded once the message is done (as the send job does): one row per channel and state left.
      expect(await t.app.get(SendProgressRepository).compactCounts(id)).toBe(1);
      await expectProgressExact(id);
      const folded = await rowsOf();
      expect(folded.n).toBe(folded.groups);
      // What the API shows is the counters' figure.
      const detail = await t.http().get(`/api/v1/messages/${id}`).set(...admin).expect(200);
      const [live] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1`, [id]);
      expect(detail.body.progress.total).toBe(live.n);
    }, 120_000);
    it('a cancel answers while a fan-out slice is still writing; the cancel-deliveries job then cancels that slice\'s rows too, and the counters follow', async () => {
      await makeResidents(t, { count: 30, ward: 'BE02', prefix: 'cancel-slices.', channels: ['email'] });
      const res = await t.http().post('/api/v1/messages').set(...admin).send({ title: 'Cancelled', body: 'Stopped mid fan-out', category: 'appeal', channels: ['email'], audience: { wardCodes: ['BE02'] } });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      // A fan-out part-way through: its range open, a slice of it in a transaction not yet committed.
      await t.sql(`UPDATE message SET status = 'sending', send_requested_at = now() WHERE id = $1`, [id]);
      await t.sql(
        `INSERT INTO delivery_cursor (message_id, channel, part, parts, after_resident, last_resident, written_upto)
         VALUES ($1, 'email', 0, 1, '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000')`,
        [id],
      );
      const slice = await t.db.connect();
      try {
        await slice.query('BEGIN');
        await slice.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':fan-out:' || $2::text, 0))`, [id, 0]);
        await slice.query(
          `INSERT INTO delivery (message_id, resident_id, channel, status, created_at)
           SELECT $1, r.id, 'email', 'queued', (SELECT send_requested_at FROM message WHERE id = $1) FROM resident r WHERE r.ward_code = 'BE02' AND r.email LIKE 'cancel-slices.%'`,
          [id],
        );
        await t.http().post(`/api/v1/messages/${id}/cancel`).set(...admin).expect(200, { status: 'cancelled' });
        // The slice commits only once the job has reached it: waiting for its range's lock, or done.
        await waitUntil(
          async () =>
            (
              await t.sql<{ n: number }>(
                `SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory')
                      + (SELECT count(*) FROM pgboss.job WHERE name = 'cancel-deliveries' AND data->>'messageId' = $1 AND state = 'completed') AS n`,
                [id],
              )
            )[0].n > 0,
          20_000,
          'the cancel-deliveries job reaching the slice',
        );
        await slice.query('COMMIT');
      } finally {
        slice.release();
      }
      await waitUntil(async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1 AND status = 'queued'`, [id]))[0].n === 0, 20_000, 'the job cancelling the slice committed after the cancel');
      expect(await t.sql(`SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status`, [id])).toEqual([{ status: 'cancelled', n: 30 }]);
      await expectProgressExact(id);
    }, 60_000);
  });

  describe("a message's rating summary (message_rating_count, kept by triggers on rating)", () => {
    /** The detail's summary and the service's, against a live aggregate over `rating`. */
    async function expectRatingsExact(messageId: string): Promise<void> {
      const [live] = await t.sql<{ count: number; average: string | null; byScore: number[] }>(
        `SELECT count(*)::int AS count, round(avg(score), 2)::text AS average,
                array[count(*) FILTER (WHERE score = 1), count(*) FILTER (WHERE score = 2), count(*) FILTER (WHERE score = 3),
                      count(*) FILTER (WHERE score = 4), count(*) FILTER (WHERE score = 5), count(*) FILTER (WHERE score = 6)]::int[] AS "byScore"
           FROM rating WHERE message_id = $1`,
        [messageId],
      );
      const expected = { average: live.average === null ? null : Number(live.average), count: live.count, distribution: Object.fromEntries(live.byScore.map((n, i) => [String(i + 1), n])) };
      expect(await t.app.get(RatingService).summary(messageId)).toEqual(expected);
      const detail = await t.http().get(`/api/v1/messages/${messageId}`).set(...admin).expect(200);
      expect(detail.body.rating).toEqual(expected);
    }

    it('equals a live count after batched link ratings, the same link twice, re-ratings, an erased comment, deletes and a deleted message', async () => {
      await makeResidents(t, { count: 40, ward: 'BE02', prefix: 'rated.' });
      const id = await broadcast(t, admin, { audience: { wardCodes: ['BE02'] } });
      const deliveries = await t.sql<{ id: string; resident_id: string }>(`SELECT id::text, resident_id FROM delivery WHERE message_id = $1 ORDER BY id`, [id]);
      expect(deliveries.length).toBeGreaterThanOrEqual(40);
      await expectRatingsExact(id); // none yet: count 0, average null
      const rate = (d: { id: string }, score: number) => t.http().post(`/r/${ratingToken(t, d.id)}`).set('Accept', 'application/json').send({ score, comment: 'Counted' }).expect(200);
      // At once (the link service writes concurrent requests in one statement), one link twice among them.
      await Promise.all([...deliveries.slice(0, 30).map((d, i) => rate(d, 1 + (i % 6))), rate(deliveries[0], 6)]);
      await expectRatingsExact(id);
      // Re-ratings, one by one and at once: a row moves from one score to another.
      await rate(deliveries[1], 3);
      await Promise.all(deliveries.slice(2, 12).map((d) => rate(d, 6)));
      await expectRatingsExact(id);
      // The resident's erasure empties their comment and keeps the score: no change.
      await t.sql(`UPDATE rating SET comment = NULL WHERE message_id = $1 AND resident_id = $2`, [id, deliveries[3].resident_id]);
      await t.sql(`UPDATE rating SET score = 2 WHERE message_id = $1 AND resident_id = ANY($2::uuid[])`, [id, deliveries.slice(20, 25).map((d) => d.resident_id)]);
      await t.sql(`DELETE FROM rating WHERE message_id = $1 AND resident_id = ANY($2::uuid[])`, [id, deliveries.slice(25, 28).map((d) => d.resident_id)]);
      await expectRatingsExact(id);
      // Every rating deleted: back to none.
      await t.sql(`DELETE FROM rating WHERE message_id = $1`, [id]);
      await expectRatingsExact(id);
      // A message deleted with its ratings (cascade) takes its counts with it, and nothing fails.
      await rate(deliveries[0], 5);
      await expectRatingsExact(id);
      expect((await t.sql(`SELECT 1 FROM message_rating_count WHERE message_id = $1`, [id])).length).toBeGreaterThan(0);
      await t.sql(`DELETE FROM delivery WHERE message_id = $1`, [id]);
      await t.sql(`DELETE FROM message WHERE id = $1`, [id]);
      expect(await t.sql(`SELECT 1 FROM message_rating_count WHERE message_id = $1`, [id])).toEqual([]);
    }, 120_000);
  });

  it('a small audience refresh (a statement over a few thousand residents) does work linear in them, whatever the statistics say', async () => {
    // Residents without channels yet (no cell), then one statement enabling e-mail for all: its
    // trigger refreshes them (the per-resident form, ≤ 5,000). The tables' statistics lag behind
    // rows just written, as they do after any write; the set-based form then compared each
    // resident's rows with every other's (18,030,000 rows for 3,000 residents, seen). The work of
    // the refresh's costliest statement is compared at 1,000 and 3,000 residents: three times the
    // residents is about three times the work when linear, nine when quadratic. (Its size per
    // resident depends on the cells earlier tests made: 24 rows a resident alone, 417 in a CI run.)
    const costliest = async (n: number, prefix: string): Promise<number> => {
      const ids = (
        await t.sql<{ id: string }>(
          `INSERT INTO resident (email, first_name, last_name, ward_code, status, email_verified_at, activated_at, consent_at)
           SELECT $2 || g || '@example.org', 'Linear', 'Tester', 'SW02', 'active', now(), now(), now() FROM generate_series(1, $1::int) g RETURNING id`,
          [n, prefix],
        )
      ).map((r) => r.id);
      const client = await t.db.connect();
      const plans: PlanNode[] = [];
      client.on('notice', (msg) => {
        const text = String(msg.message);
        if (text.includes('"Plan"')) plans.push((JSON.parse(text.slice(text.indexOf('{'))) as { Plan: PlanNode }).Plan);
      });
      try {
        await client.query(`LOAD 'auto_explain'`);
        await client.query(
          `SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_analyze = on; SET auto_explain.log_format = json; SET auto_explain.log_level = notice`,
        );
        await client.query(`INSERT INTO resident_channel (resident_id, channel) SELECT id, 'email' FROM unnest($1::uuid[]) AS id`, [ids]);
      } finally {
        client.release(true); // the auto_explain settings leave with this connection
      }
      expect(plans.length).toBeGreaterThan(3); // the refresh's own statements, not just the INSERT
      expect(Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM resident_audience_cell WHERE resident_id = ANY($1::uuid[])`, [ids]))[0].n)).toBe(n);
      return Math.max(...plans.map(rowsProcessed));
    };
    const small = await costliest(1000, 'linear.a.');
    const large = await costliest(3000, 'linear.b.');
    expect(large / small).toBeLessThan(4.5);
  }, 60_000);
});

interface PlanNode {
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows a plan's nodes produced or filtered away, over all their loops (EXPLAIN gives them per loop). */
function rowsProcessed(node: PlanNode): number {
  const own = (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Join Filter'] ?? 0)) * node['Actual Loops'];
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsProcessed(child), 0);
}
