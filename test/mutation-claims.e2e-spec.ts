// Claims of delivery rows by senders, on real PostgreSQL (issue 27: the rules Stryker found
// untested in libs/messaging/src/sending/claim.repository.ts). The real ClaimRepository and
// FanOutRepository on this file's own database, without the app (no worker, no queue: each test
// fans out a message and claims its rows itself, as a send job does; and booting the app would
// cost Stryker most of a minute a mutant).
// Rules: a claim never passes what the fan-out has committed (written_upto); every due row is
// claimed exactly once, in `limit`-sized batches, retries first; rows taken by a cancel are
// skipped, not the end of the range; a range locked by another worker is skipped (and waited for
// only when no other is open); rows handed back keep their attempt; a dead worker's rows return.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { DeliveryRepository } from '../libs/messaging/src/delivery.repository';
import { FanOutRepository } from '../libs/messaging/src/fan-out/fan-out.repository';
import { ClaimRepository, type ClaimedDelivery } from '../libs/messaging/src/sending/claim.repository';
import { makeResidents } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { createTestDatabase } from './utils/test-app';

describe('delivery claims (claim.repository)', () => {
  let url: string;
  let db: DataSource;
  let pool: pg.Pool;
  let claims: ClaimRepository;
  let fanOuts: FanOutRepository;
  let authorId: string;
  let seq = 0;
  const t = { sql: async <T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> => (await pool.query(text, values)).rows as T[] };
  /** Connections holding a row lock for a test; closed after it whatever happened. */
  const lockers: pg.Client[] = [];

  beforeAll(async () => {
    url = await createTestDatabase();
    pool = new pg.Pool({ connectionString: url, max: 4 });
    db = await new DataSource({ type: 'postgres', url, poolSize: 8 }).initialize();
    claims = new ClaimRepository(db);
    fanOuts = new FanOutRepository(db);
    await t.sql(`INSERT INTO npu (code, name) VALUES ('CL', 'Claims')`);
    const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO neighbourhood (npu_code, name) VALUES ('CL', 'Claims') RETURNING id`);
    await t.sql(`INSERT INTO ward (code, name, npu_code, neighbourhood_id) VALUES ('CL01', 'Claims', 'CL', $1)`, [id]);
    [{ id: authorId }] = await t.sql<{ id: string }>(`INSERT INTO staff (email, name, role) VALUES ('claims@example.org', 'Claims', 'eco') RETURNING id`);
  });
  afterAll(async () => {
    await db?.destroy();
    await pool?.end();
  });
  afterEach(async () => {
    for (const c of lockers.splice(0)) await c.end().catch(() => undefined);
  });

  /** A message fanned out by e-mail to `count` new residents of CL01, in `parts` ranges; its rows in resident order. */
  const fanOut = async (count: number, parts = 1) => {
    await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE status = 'active'`); // earlier residents leave the audience
    await makeResidents(t, { count, ward: 'CL01', prefix: `claims${++seq}-` });
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, title, body, category, channels, audience) VALUES ($1, 'Claims', 'Hello', 'crime_alert', '{email}', '{}') RETURNING id`,
      [authorId],
    );
    const audience = { wardCodes: ['CL01'], topics: null, interestGroups: null, schemeIds: null, channels: ['email'], priority: 'standard' as const };
    expect((await fanOuts.insertForAudience(id, audience, new Date(), parts)).inserted).toEqual({ email: count });
    const rows = await t.sql<{ id: string; resident_id: string }>(`SELECT id::text AS id, resident_id FROM delivery WHERE message_id = $1 ORDER BY resident_id`, [id]);
    return { id, rows, ids: rows.map((r) => r.id) };
  };
  const idsOf = (batch: ClaimedDelivery[]) => batch.map((d) => d.id).sort((a, b) => Number(a) - Number(b));
  const sorted = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));
  const cursors = (id: string) =>
    t.sql<{ part: number; after: string; exhausted: boolean }>('SELECT part, after_resident AS after, exhausted FROM delivery_cursor WHERE message_id = $1 ORDER BY part', [id]);
  const states = (ids: string[]) =>
    t.sql<{ id: string; status: string; attempts: number; claimed: boolean; not_before: Date | null }>(
      `SELECT id::text AS id, status, attempts, claimed_at IS NOT NULL AS claimed, not_before FROM delivery WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
  /** Another worker's transaction holding these cursor parts FOR UPDATE (until the test ends). */
  const lockParts = async (id: string, parts: number[]) => {
    const c = new pg.Client({ connectionString: url });
    lockers.push(c);
    await c.connect();
    await c.query('BEGIN');
    await c.query('SELECT part FROM delivery_cursor WHERE message_id = $1 AND part = ANY($2::int[]) FOR UPDATE', [id, parts]);
    return c;
  };
  /** Whether some backend of this database is waiting for a row lock on delivery_cursor. */
  const someoneWaits = async () =>
    (
      await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%delivery_cursor%'`,
      )
    )[0].n > 0;
  /** Resolves `p`, failing as soon as a backend is seen waiting on a cursor lock (the claim must skip it). */
  const withoutWaiting = async <T>(p: Promise<T>): Promise<T> => {
    let settled = false;
    const watched = p.finally(() => (settled = true));
    for (;;) {
      const next = await Promise.race([watched.then(() => 'done' as const), new Promise<'poll'>((ok) => setTimeout(() => ok('poll'), 50))]);
      if (next === 'done' || settled) return watched;
      if (await someoneWaits()) throw new Error('the claim waited for a cursor another worker holds');
    }
  };

  it('returns each claimed row with its address, language, attempt and eligibility, and marks it sending', async () => {
    const { id, rows } = await fanOut(3);
    const [a, b, c] = rows;
    await t.sql(`UPDATE resident SET language = 'Cymraeg' WHERE id = $1`, [a.resident_id]);
    await t.sql(`UPDATE resident_channel SET enabled = false WHERE resident_id = $1`, [b.resident_id]); // turned e-mail off after the fan-out
    await t.sql(`UPDATE resident SET phone_e164 = '+447700900123' WHERE id = $1`, [c.resident_id]);
    const residents = await t.sql<{ id: string; email: string }>('SELECT id, email FROM resident WHERE id = ANY($1::uuid[])', [rows.map((r) => r.resident_id)]);
    const emailOf = (rid: string) => residents.find((r) => r.id === rid)!.email;
    // The partition key as text, exactly as PostgreSQL prints it (outcomes name the row by it).
    const keys = await t.sql<{ id: string; created_at: string }>('SELECT id::text AS id, created_at::text AS created_at FROM delivery WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);

    const batch = await claims.claim(id, 'email', 10);
    expect([...batch].sort((x, y) => Number(x.id) - Number(y.id))).toEqual(
      sorted(rows.map((r) => r.id)).map((did) => {
        const r = rows.find((x) => x.id === did)!;
        return {
          id: did,
          residentId: r.resident_id,
          channel: 'email',
          attempts: 1,
          email: emailOf(r.resident_id),
          phone: r === c ? '+447700900123' : null,
          language: r === a ? 'Cymraeg' : null,
          eligible: r !== b,
          createdAt: keys.find((k) => k.id === did)!.created_at,
        };
      }),
    );
    expect((await states(rows.map((r) => r.id))).map((s) => [s.status, s.attempts, s.claimed])).toEqual(rows.map(() => ['sending', 1, true]));
    expect(await cursors(id)).toEqual([{ part: 0, after: expect.any(String), exhausted: true }]);
    expect(await claims.claim(id, 'email', 10)).toEqual([]);
    expect(await claims.claim(id, 'sms', 10)).toEqual([]); // another channel's rows are not these
  });

  it('walks a range in batches of exactly `limit`: every row once, none skipped past a full batch', async () => {
    const { id, ids } = await fanOut(5);
    const batches: string[][] = [];
    for (let b = await claims.claim(id, 'email', 2); b.length; b = await claims.claim(id, 'email', 2)) batches.push(idsOf(b));
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(sorted(batches.flat())).toEqual(sorted(ids));
    expect(await cursors(id)).toEqual([{ part: 0, after: expect.any(String), exhausted: true }]);
  });

  it('due retries come first, earliest first, and count towards the limit; rows not yet due stay queued', async () => {
    const { id, rows } = await fanOut(8);
    const fresh = rows.slice(0, 3).map((r) => r.id); // lowest resident ids: the cursor reaches them first
    const waiting = rows.slice(3, 7).map((r) => r.id);
    const later = rows[7].id;
    for (const [i, did] of waiting.entries()) await t.sql(`UPDATE delivery SET not_before = now() - make_interval(secs => $2) WHERE id = $1`, [did, 10 - i]);
    await t.sql(`UPDATE delivery SET not_before = now() + interval '1 hour' WHERE id = $1`, [later]);

    const untouched = await cursors(id);
    expect(idsOf(await claims.claim(id, 'email', 3))).toEqual(sorted(waiting.slice(0, 3))); // the three waiting longest: the cursor is not touched
    expect(await cursors(id)).toEqual(untouched);
    expect(untouched).toEqual([{ part: 0, after: expect.any(String), exhausted: false }]);
    expect(idsOf(await claims.claim(id, 'email', 3))).toEqual(sorted([waiting[3], fresh[0], fresh[1]])); // the last due one, then two from the range
    expect(idsOf(await claims.claim(id, 'email', 3))).toEqual([fresh[2]]);
    expect(await claims.claim(id, 'email', 3)).toEqual([]);
    expect((await states([later]))[0]).toMatchObject({ status: 'queued', attempts: 0, claimed: false });
  });

  it('rows a cancel (or a send) took are skipped, not taken for the end of the range', async () => {
    const { id, rows } = await fanOut(6);
    await t.sql(`UPDATE delivery SET status = 'cancelled' WHERE id = ANY($1::bigint[])`, [rows.slice(0, 3).map((r) => r.id)]);
    await t.sql(`UPDATE delivery SET status = 'sent' WHERE id = $1`, [rows[3].id]);
    expect(idsOf(await claims.claim(id, 'email', 3))).toEqual(sorted(rows.slice(4).map((r) => r.id)));
    expect((await states(rows.slice(0, 4).map((r) => r.id))).map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'sent']);
    expect(await claims.claim(id, 'email', 3)).toEqual([]);
  });

  it('a range the fan-out is still writing is claimed up to written_upto and no further, and stays open until it is written', async () => {
    const { id, rows } = await fanOut(6);
    const upto = rows[2].resident_id; // the fan-out has committed the first three
    await t.sql('UPDATE delivery_cursor SET written_upto = $2 WHERE message_id = $1', [id, upto]);
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual(sorted(rows.slice(0, 3).map((r) => r.id)));
    expect(await cursors(id)).toEqual([{ part: 0, after: upto, exhausted: false }]);
    expect(await claims.claim(id, 'email', 10)).toEqual([]); // nothing committed beyond it yet
    expect((await states(rows.slice(3).map((r) => r.id))).map((s) => s.status)).toEqual(['queued', 'queued', 'queued']);

    await t.sql('UPDATE delivery_cursor SET written_upto = NULL WHERE message_id = $1', [id]); // the fan-out finished the range
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual(sorted(rows.slice(3).map((r) => r.id)));
    expect(await cursors(id)).toEqual([{ part: 0, after: expect.any(String), exhausted: true }]);
  });

  it('a range another worker is claiming is skipped for a free one, without waiting for it', async () => {
    const { id, rows } = await fanOut(40, 2);
    const [, second] = await t.sql<{ last: string }>('SELECT last_resident AS last FROM delivery_cursor WHERE message_id = $1 ORDER BY part', [id]);
    const [first] = await t.sql<{ last: string }>('SELECT last_resident AS last FROM delivery_cursor WHERE message_id = $1 AND part = 0', [id]);
    const inFirst = rows.filter((r) => r.resident_id <= first.last).map((r) => r.id);
    const inSecond = rows.filter((r) => r.resident_id > first.last && r.resident_id <= second.last).map((r) => r.id);
    expect(inFirst.length).toBeGreaterThan(0);
    expect(inSecond.length).toBeGreaterThan(0);
    const other = await lockParts(id, [0]);
    expect(idsOf(await withoutWaiting(claims.claim(id, 'email', 100)))).toEqual(sorted(inSecond));
    await other.query('COMMIT');
    expect(idsOf(await claims.claim(id, 'email', 100))).toEqual(sorted(inFirst));
  });

  it('when every open range is being claimed, a claim waits for one rather than report nothing to do', async () => {
    const { id, ids } = await fanOut(4);
    const other = await lockParts(id, [0]);
    let returned = false;
    const claim = claims.claim(id, 'email', 10).finally(() => (returned = true));
    await waitUntil(async () => returned || (await someoneWaits()), 20_000, 'the claim waiting for the locked range');
    expect(returned).toBe(false);
    await other.query('COMMIT');
    expect(idsOf(await claim)).toEqual(sorted(ids));
  });

  it('a claim that walked its range empty does not then wait on a range another worker holds (no deadlock)', async () => {
    const { id, rows } = await fanOut(40, 2);
    const [first] = await t.sql<{ last: string }>('SELECT last_resident AS last FROM delivery_cursor WHERE message_id = $1 AND part = 0', [id]);
    const inFirst = rows.filter((r) => r.resident_id <= first.last).map((r) => r.id);
    expect(inFirst.length).toBeGreaterThan(0);
    await t.sql(`UPDATE delivery SET status = 'cancelled' WHERE id = ANY($1::bigint[])`, [inFirst]);
    const other = await lockParts(id, [1]);
    expect(await withoutWaiting(claims.claim(id, 'email', 100))).toEqual([]);
    expect((await cursors(id)).map((c) => [c.part, c.exhausted])).toEqual([
      [0, true],
      [1, false],
    ]);
    await other.query('COMMIT');
    expect((await claims.claim(id, 'email', 100)).length).toBe(rows.length - inFirst.length);
  });

  it('release hands rows back without spending an attempt, due at the given time (or now); a cancelled message\'s become cancelled', async () => {
    const { id, ids } = await fanOut(4);
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual(sorted(ids));
    const at = new Date(Date.now() + 3_600_000);
    await claims.release(id, [ids[0]], at);
    await claims.release(id, [ids[1]]);
    await claims.release(id, []);
    const [x, y, z] = await states(ids);
    expect(x).toEqual({ id: ids[0], status: 'queued', attempts: 0, claimed: false, not_before: at });
    expect(y).toMatchObject({ id: ids[1], status: 'queued', attempts: 0, claimed: false });
    expect(y.not_before).toBeInstanceOf(Date);
    expect(Math.abs(y.not_before!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(z).toMatchObject({ status: 'sending', attempts: 1, claimed: true });
    await claims.release(id, [ids[0]]); // not sending any more: left alone
    expect((await states([ids[0]]))[0].not_before).toEqual(at);
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual([ids[1]]); // due again now (the other in an hour)

    await t.sql(`UPDATE message SET status = 'cancelled' WHERE id = $1`, [id]);
    await claims.release(id, [ids[1], ids[2]]);
    expect((await states([ids[1], ids[2]])).map((s) => [s.status, s.attempts, s.claimed])).toEqual([
      ['cancelled', 0, false],
      ['cancelled', 0, false],
    ]);
  });

  it('renewing a claim keeps it fresh; rows no longer sending are not touched', async () => {
    const { id, ids } = await fanOut(3);
    await claims.claim(id, 'email', 2);
    await t.sql(`UPDATE delivery SET claimed_at = now() - interval '1 hour' WHERE message_id = $1 AND status = 'sending'`, [id]);
    await claims.renewClaims(ids);
    await claims.renewClaims([]);
    const rows = await t.sql<{ status: string; fresh: boolean | null }>(
      `SELECT status, claimed_at > now() - interval '1 minute' AS fresh FROM delivery WHERE message_id = $1 ORDER BY status`,
      [id],
    );
    expect(rows).toEqual([
      { status: 'queued', fresh: null },
      { status: 'sending', fresh: true },
      { status: 'sending', fresh: true },
    ]);
  });

  it('rows a dead worker claimed go back to the queue, due now, and are claimed again; a live claim is left; each message reported once', async () => {
    const one = await fanOut(3);
    const two = await fanOut(2);
    await claims.claim(one.id, 'email', 10);
    await claims.claim(two.id, 'email', 10);
    await t.sql(`UPDATE delivery SET claimed_at = now() - interval '1 day' WHERE id = ANY($1::bigint[])`, [[one.ids[0], one.ids[1], two.ids[0]]]);
    expect((await claims.requeueStale(3600)).sort()).toEqual([one.id, two.id].sort());
    const after = await states([...one.ids, ...two.ids]);
    expect(after.map((s) => [s.id, s.status, s.claimed, s.not_before !== null])).toEqual(
      sorted([...one.ids, ...two.ids]).map((did) => [did, [one.ids[2], two.ids[1]].includes(did) ? 'sending' : 'queued', [one.ids[2], two.ids[1]].includes(did), ![one.ids[2], two.ids[1]].includes(did)]),
    );
    expect(await claims.requeueStale(3600)).toEqual([]);
    expect(idsOf(await claims.claim(one.id, 'email', 10))).toEqual(sorted([one.ids[0], one.ids[1]]));
    expect(idsOf(await claims.claim(two.id, 'email', 10))).toEqual([two.ids[0]]);
  });

  it('written_upto between two rows: the cursor waits at written_upto itself, and the rows after it are claimed once the range is written', async () => {
    const { id, rows } = await fanOut(6);
    // Just past the third row (+1 on the uuid): committed up to there, the fourth row beyond it.
    const next = (BigInt(`0x${rows[2].resident_id.replace(/-/g, '')}`) + 1n).toString(16).padStart(32, '0');
    const upto = `${next.slice(0, 8)}-${next.slice(8, 12)}-${next.slice(12, 16)}-${next.slice(16, 20)}-${next.slice(20)}`;
    expect(upto > rows[2].resident_id && upto < rows[3].resident_id).toBe(true);
    await t.sql('UPDATE delivery_cursor SET written_upto = $2 WHERE message_id = $1', [id, upto]);
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual(sorted(rows.slice(0, 3).map((r) => r.id)));
    expect(await cursors(id)).toEqual([{ part: 0, after: upto, exhausted: false }]);
    expect(await claims.claim(id, 'email', 10)).toEqual([]);
    await t.sql('UPDATE delivery_cursor SET written_upto = NULL WHERE message_id = $1', [id]);
    expect(idsOf(await claims.claim(id, 'email', 10))).toEqual(sorted(rows.slice(3).map((r) => r.id)));
  });
  describe('a cancel in slices (delivery.repository, fan-out.repository)', () => {
    it('walks the queued rows in (resident, channel) order, `limit` at a time: every queued row once, a resident split across slices included, other states left', async () => {
      const deliveries = new DeliveryRepository(db);
      const { id, rows } = await fanOut(5);
      // A second channel for each resident: two rows a resident, so a slice of 3 splits one.
      await t.sql(`INSERT INTO delivery (message_id, resident_id, channel, status, created_at) SELECT message_id, resident_id, 'sms', 'queued', created_at FROM delivery WHERE message_id = $1`, [id]);
      await t.sql(`UPDATE delivery SET status = 'sent' WHERE id = $1`, [rows[1].id]);
      await t.sql(`UPDATE delivery SET not_before = now() + interval '1 hour' WHERE id = $1`, [rows[2].id]); // waiting: still queued
      const walked: number[] = [];
      let after = null;
      for (;;) {
        const slice = await deliveries.cancelQueuedSlice(id, after, 3);
        if (!slice.picked) break;
        walked.push(slice.picked);
        after = slice.last;
      }
      expect(walked).toEqual([3, 3, 3]);
      const left = await t.sql<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status ORDER BY status`, [id]);
      expect(left).toEqual([{ status: 'cancelled', n: 9 }, { status: 'sent', n: 1 }]);
      // A retry put back behind the walk: the waiting rows' pass takes it.
      await t.sql(`UPDATE delivery SET status = 'queued', not_before = now() WHERE id = $1`, [rows[1].id]);
      expect(await deliveries.cancelWaiting(id)).toBe(1);
      expect(await deliveries.cancelWaiting(id)).toBe(0);
    });

    it('a fan-out stops at the next slice once its message is cancelled, and the sweep waits for a slice still writing', async () => {
      const { id } = await fanOut(4);
      // Its range as if not yet written: a re-run would write the rows, but the message is cancelled.
      await t.sql(`DELETE FROM delivery WHERE message_id = $1`, [id]);
      await t.sql(`UPDATE delivery_cursor SET written_upto = after_resident, inserted = 0 WHERE message_id = $1`, [id]);
      await t.sql(`UPDATE message SET status = 'cancelled' WHERE id = $1`, [id]);
      const audience = { wardCodes: ['CL01'], topics: null, interestGroups: null, schemeIds: null, channels: ['email'], priority: 'standard' as const };
      expect((await fanOuts.insertForAudience(id, audience, new Date(), 1)).inserted).toEqual({});
      expect(await t.sql(`SELECT 1 FROM delivery WHERE message_id = $1`, [id])).toEqual([]);
      // A slice in progress holds its range's lock: the sweep's wait returns only once it lets go.
      const slice = new pg.Client({ connectionString: url });
      lockers.push(slice);
      await slice.connect();
      await slice.query('BEGIN');
      await slice.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':fan-out:' || $2::text, 0))`, [id, 0]);
      let waited = false;
      const waiting = fanOuts.waitForSlices(id).then(() => (waited = true));
      await waitUntil(async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`))[0].n > 0, 10_000, 'the sweep waiting for the slice');
      expect(waited).toBe(false);
      await slice.query('COMMIT');
      await waiting;
      expect(waited).toBe(true);
    });
  });
});
