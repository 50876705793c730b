import { beforeAll, describe, expect, it } from '@jest/globals';
import { FanOutJob } from '../libs/messaging/src/fan-out/fan-out.job';
import type { ResolvedAudience } from '../libs/messaging/src/audience/audience-spec';
import { FanOutRepository, type FanOutDriver } from '../libs/messaging/src/fan-out/fan-out.repository';
import { residentRanges, SLICE_STEPS, sliceEnds } from '../libs/messaging/src/fan-out/resident-ranges';
import { ClaimRepository } from '../libs/messaging/src/sending/claim.repository';
import { SendProgressRepository } from '../libs/messaging/src/sending/send-progress.repository';
import { SweepJob } from '../libs/messaging/src/sending/sweep.job';
import { makeResident, makeResidents } from './utils/factories';
import { compose, waitStatus } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { createTestApp, loginAs, seedGeography } from './utils/test-app';
import { twilioSignature } from './utils/twilio-stub';
import type { Auth } from './utils/world';

describe('messaging: targeted broadcasts, fan-out and delivery', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true, env: { DELIVERY_RETRY_BASE_SECONDS: '1' } });
  let ecoBE: Auth;
  let hodgeHillId: string;

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    [{ id: hodgeHillId }] = await t.sql<{ id: string }>(`SELECT id FROM neighbourhood WHERE name = 'Hodge Hill'`);
  });

  const deliveriesOf = (id: string) =>
    t.sql<{ resident_id: string; channel: string; status: string }>('SELECT resident_id, channel, status FROM delivery WHERE message_id = $1 ORDER BY resident_id, channel', [id]);

  describe('targeting', () => {
    it('resolves overlapping areas, topics and interests to each eligible resident once per channel', async () => {
      // BE01 and BE02 are Hodge Hill; BE03 is Yardley; SW01 is Sandwell.
      const a = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], topics: ['crime_alerts'], interests: ['dog_walker'] });
      const b = await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['crime_alerts', 'events'] });
      const c = await makeResident(t, { ward: 'BE03', channels: ['sms'], topics: ['crime_alerts'], interests: ['dog_walker'] });
      await makeResident(t, { ward: 'SW01', channels: ['email'], topics: ['crime_alerts'] }); // other NPU
      await makeResident(t, { ward: 'BE01', channels: ['email'], topics: ['crime_alerts'], status: 'pending', emailVerified: false });
      await makeResident(t, { ward: 'BE01', channels: ['email'], topics: ['crime_alerts'], status: 'unsubscribed' });
      await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['crime_alerts'], emailVerified: false }); // active, e-mail unverified
      await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['road_safety'] }); // wrong topic

      const res = await compose(t, ecoBE, {
        channels: ['email', 'sms'],
        audience: { wardCodes: ['BE01', 'BE03'], neighbourhoodIds: [hodgeHillId], topics: ['crime_alerts'] },
      }).expect(201);
      expect(res.body).toMatchObject({ status: 'draft', npuCode: 'BE', wardCodes: ['BE01', 'BE02', 'BE03'] });

      const preview = await t.http().get(`/api/v1/messages/${res.body.id}/audience`).set(...ecoBE).expect(200);
      expect(preview.body).toEqual({ total: 3, byChannel: { email: 2, sms: 2 } });

      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202, { status: 'sending' });
      await waitStatus(t, res.body.id, 'sent');
      const rows = await deliveriesOf(res.body.id);
      const expected = [
        { resident_id: a.id, channel: 'email', status: 'sent' },
        { resident_id: a.id, channel: 'sms', status: 'sent' },
        { resident_id: b.id, channel: 'email', status: 'sent' },
        { resident_id: c.id, channel: 'sms', status: 'sent' },
      ].sort((x, y) => (x.resident_id + x.channel).localeCompare(y.resident_id + y.channel));
      expect(rows).toEqual(expected);

      const detail = await t.http().get(`/api/v1/messages/${res.body.id}`).set(...ecoBE).expect(200);
      expect(detail.body).toMatchObject({ status: 'sent', recipientCount: 3, progress: { total: 4, queued: 0, sent: 4, delivered: 0, failed: 0 } });

      // Interest filter narrows to dog walkers.
      const dogs = await compose(t, ecoBE, { channels: ['email', 'sms'], audience: { npuCodes: ['BE'], interestGroups: ['dog_walker'] } }).expect(201);
      const dogPreview = await t.http().get(`/api/v1/messages/${dogs.body.id}/audience`).set(...ecoBE).expect(200);
      expect(dogPreview.body).toEqual({ total: 2, byChannel: { email: 1, sms: 2 } });
    });

    it('targets the members of a watch scheme, within the author\'s NPU', async () => {
      const member1 = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const member2 = await makeResident(t, { ward: 'BE03', channels: ['sms'] });
      await makeResident(t, { ward: 'BE01', channels: ['email'] }); // not a member
      const scheme = await t.http().post('/api/v1/schemes').set(...ecoBE).send({ type: 'neighbourhood_watch', name: 'Coleshill Road NHW', wardCode: 'BE01' }).expect(201);
      for (const m of [member1, member2]) await t.http().post(`/api/v1/schemes/${scheme.body.id}/members`).set(...ecoBE).send({ residentId: m.id, consent: 'in_person' }).expect(201);

      const res = await compose(t, ecoBE, { channels: ['email', 'sms'], audience: { schemeIds: [scheme.body.id] } }).expect(201);
      expect(res.body.npuCode).toBe('BE');
      const preview = await t.http().get(`/api/v1/messages/${res.body.id}/audience`).set(...ecoBE).expect(200);
      expect(preview.body).toEqual({ total: 2, byChannel: { email: 1, sms: 1 } });
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, res.body.id, 'sent');
      expect((await deliveriesOf(res.body.id)).map((d) => d.resident_id).sort()).toEqual([member1.id, member2.id].sort());

      const ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
      await compose(t, ecoSW, { audience: { schemeIds: [scheme.body.id] } }).expect(403);
      await compose(t, ecoBE, { audience: { schemeIds: ['00000000-0000-4000-8000-000000000000'] } }).expect(400);
    });

    it('re-running the fan-out inserts nothing new', async () => {
      await makeResident(t, { ward: 'BE03', channels: ['email'] });
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE03'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, res.body.id, 'sent');
      const before = await deliveriesOf(res.body.id);
      await t.sql(`UPDATE message SET status = 'sending' WHERE id = $1`, [res.body.id]);
      await t.app.get(FanOutJob).fanOut({ messageId: res.body.id });
      expect(await deliveriesOf(res.body.id)).toEqual(before);
    });
    it('fans out in resident-id ranges: a range written by an earlier run is skipped, a missing one is written, with the first run\'s split', async () => {
      const repo = t.app.get(FanOutRepository);
      for (let i = 0; i < 12; i++) await makeResident(t, { ward: 'BE03', channels: ['email', 'sms'], interests: ['student'] });
      const res = await compose(t, ecoBE, { channels: ['email', 'sms'], audience: { wardCodes: ['BE03'], interestGroups: ['student'] } }).expect(201);
      const audience = { wardCodes: ['BE03'], topics: null, interestGroups: ['student'], schemeIds: null, channels: ['email', 'sms'], priority: 'standard' };
      const first = await repo.insertForAudience(res.body.id, audience, new Date(), 3);
      expect(first).toEqual({ inserted: { email: 12, sms: 12 }, recipients: 12 });
      const cursors = await t.sql<{ part: number; channel: string; inserted: number; exhausted: boolean }>(
        'SELECT part, channel, inserted, exhausted FROM delivery_cursor WHERE message_id = $1 ORDER BY part, channel',
        [res.body.id],
      );
      expect(cursors.map((c) => `${c.part}:${c.channel}`)).toEqual(['0:email', '0:sms', '1:email', '1:sms', '2:email', '2:sms']);
      expect(cursors.filter((c) => c.channel === 'email').reduce((n, c) => n + c.inserted, 0)).toBe(12);

      // The middle range is lost (as if its transaction had never committed): a re-run writes it, and only it.
      const [lo, hi] = residentRanges(3)[1];
      const [{ n: lost }] = await t.sql<{ n: number }>(
        `WITH gone AS (DELETE FROM delivery WHERE message_id = $1 AND resident_id > $2 AND resident_id <= $3 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [res.body.id, lo, hi],
      );
      await t.sql('DELETE FROM delivery_cursor WHERE message_id = $1 AND part = 1', [res.body.id]);
      // The re-run happens after FANOUT_PARALLELISM changed (3 → 2): the message keeps its first split.
      const again = await repo.insertForAudience(res.body.id, audience, new Date(), 2);
      expect(again.recipients).toBeNull(); // other ranges were written before: the caller counts from the table
      expect((again.inserted.email ?? 0) + (again.inserted.sms ?? 0)).toBe(lost);
      const rows = await deliveriesOf(res.body.id);
      expect(rows).toHaveLength(24);
      expect(new Set(rows.map((r) => `${r.resident_id}:${r.channel}`)).size).toBe(24);
    });

    it('a slice read from its filter (interest, topic, scheme) writes the rows a walk of the range writes', async () => {
      const repo = t.app.get(FanOutRepository);
      const spec = (i: number) => ({
        ward: i % 3 ? 'BE01' : 'BE02',
        channels: (i % 2 ? ['email', 'sms'] : ['email']) as ('email' | 'sms')[],
        topics: i % 4 ? ['drive_topic'] : [],
        interests: i % 5 ? ['drive_group'] : [],
        quiet: (i % 6 === 1 ? ['22:00', '07:00'] : undefined) as [string, string] | undefined,
        status: (i % 7 ? 'active' : 'unsubscribed') as 'active' | 'unsubscribed',
        minPriority: i % 8 ? undefined : { email: 'urgent', sms: 'urgent' },
      });
      const people = [];
      for (let i = 0; i < 30; i++) people.push(await makeResident(t, spec(i)));
      const scheme = await t.http().post('/api/v1/schemes').set(...ecoBE).send({ type: 'neighbourhood_watch', name: 'Driven fan-out NHW', wardCode: 'BE01' }).expect(201);
      // As rows (the API refuses unsubscribed members; the fan-out must leave them out by itself).
      const members = people.filter((_, i) => i % 3 && i % 2).map((m) => m.id);
      await t.sql(`INSERT INTO scheme_member (scheme_id, resident_id) SELECT $1, unnest($2::uuid[])`, [scheme.body.id, members]);
      const base: ResolvedAudience = { wardCodes: ['BE01', 'BE02'], topics: null, interestGroups: null, schemeIds: null, channels: ['email', 'sms'], priority: 'standard' };
      const audiences: Record<FanOutDriver, ResolvedAudience> = {
        interest: { ...base, interestGroups: ['drive_group'], topics: ['drive_topic'] },
        topic: { ...base, topics: ['drive_topic'] },
        scheme: { ...base, wardCodes: null, schemeIds: [scheme.body.id] },
      };
      const lateEvening = new Date('2026-06-01T22:30:00Z'); // 23:30 in London: inside the quiet hours
      const rowsOf = (id: string) => t.sql('SELECT resident_id, channel, not_before FROM delivery WHERE message_id = $1 ORDER BY resident_id, channel', [id]);
      for (const [driver, audience] of Object.entries(audiences) as [FanOutDriver, ResolvedAudience][]) {
        const [walked, driven] = [await compose(t, ecoBE, { audience: { npuCodes: ['BE'] } }).expect(201), await compose(t, ecoBE, { audience: { npuCodes: ['BE'] } }).expect(201)];
        const a = await repo.insertForAudience(walked.body.id, audience, lateEvening, 3);
        const b = await repo.insertForAudience(driven.body.id, audience, lateEvening, 3, undefined, driver);
        expect(b).toEqual(a);
        expect(a.recipients).toBeGreaterThan(3);
        const rows = await rowsOf(walked.body.id);
        expect(rows.some((r) => r.not_before !== null)).toBe(true); // quiet hours held some SMS
        expect(await rowsOf(driven.body.id)).toEqual(rows);
      }
      await expect(repo.insertForAudience('00000000-0000-4000-8000-000000000000', base, new Date(), 1, undefined, 'interest')).rejects.toThrow('without that filter');
      await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE id = ANY($1::uuid[])`, [people.map((p) => p.id)]); // out of later tests' audiences
    });

    it('senders start on the first committed slice: rows are claimable while the fan-out is still writing, and only those', async () => {
      const repo = t.app.get(FanOutRepository);
      const claims = t.app.get(ClaimRepository);
      await makeResidents(t, { count: 400, ward: 'BE02', prefix: 'slices', interest: 'student' });
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE02'], interestGroups: ['student'] } }).expect(201); // a draft: no sender touches it
      const audience = { wardCodes: ['BE02'], topics: null, interestGroups: ['student'], schemeIds: null, channels: ['email'], priority: 'standard' };
      const claimed: string[] = [];
      const seenMidway: { written: number; claimable: number; open: number }[] = [];
      const onSlice = async (soFar: Record<string, number>) => {
        const written = soFar.email ?? 0;
        if (written === 0 || written === 400) return;
        // Another connection, while the fan-out has more slices to write: what is committed is claimable, and no more.
        for (let batch = await claims.claim(res.body.id, 'email', 500); batch.length; batch = await claims.claim(res.body.id, 'email', 500)) claimed.push(...batch.map((d) => d.id));
        const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted', [res.body.id]);
        seenMidway.push({ written, claimable: claimed.length, open: n });
      };
      const done = await repo.insertForAudience(res.body.id, audience, new Date(), 1, onSlice);
      expect(done).toEqual({ inserted: { email: 400 }, recipients: 400 });
      expect(seenMidway.length).toBeGreaterThan(0);
      for (const s of seenMidway) expect(s).toEqual({ written: s.written, claimable: s.written, open: 1 }); // the range stays open while it is written
      for (let batch = await claims.claim(res.body.id, 'email', 500); batch.length; batch = await claims.claim(res.body.id, 'email', 500)) claimed.push(...batch.map((d) => d.id));
      expect(claimed).toHaveLength(400);
      expect(new Set(claimed).size).toBe(400);
      expect(await t.sql('SELECT part FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted', [res.body.id])).toEqual([]);
      await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE email LIKE 'slices%'`); // out of later tests' audiences
    });

    it('a fan-out that died between slices resumes from its cursor: the rest is written once, claims never pass what was committed', async () => {
      const repo = t.app.get(FanOutRepository);
      const claims = t.app.get(ClaimRepository);
      await makeResidents(t, { count: 400, ward: 'BE03', prefix: 'resume', interest: 'farmer' });
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE03'], interestGroups: ['farmer'] } }).expect(201);
      const audience = { wardCodes: ['BE03'], topics: null, interestGroups: ['farmer'], schemeIds: null, channels: ['email'], priority: 'standard' };
      expect(await repo.insertForAudience(res.body.id, audience, new Date(), 2)).toEqual({ inserted: { email: 400 }, recipients: 400 });
      // As if the worker had died after range 1's slice ending at a quarter of it had committed.
      const range = residentRanges(2)[1];
      const upto = sliceEnds(range)[SLICE_STEPS - 1];
      const [{ n: lost }] = await t.sql<{ n: number }>(
        `WITH gone AS (DELETE FROM delivery WHERE message_id = $1 AND resident_id > $2 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [res.body.id, upto],
      );
      expect(lost).toBeGreaterThan(0);
      await t.sql('UPDATE delivery_cursor SET written_upto = $2, inserted = inserted - $3 WHERE message_id = $1 AND part = 1', [res.body.id, upto, lost]);
      const before: string[] = [];
      for (let batch = await claims.claim(res.body.id, 'email', 300); batch.length; batch = await claims.claim(res.body.id, 'email', 300)) before.push(...batch.map((d) => d.id));
      expect(before).toHaveLength(400 - lost);
      expect(await t.sql('SELECT part FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted', [res.body.id])).toEqual([{ part: 1 }]);

      const again = await repo.insertForAudience(res.body.id, audience, new Date(), 2);
      expect(again).toEqual({ inserted: { email: lost }, recipients: null }); // part of the range was written before: the caller counts
      const rows = await deliveriesOf(res.body.id);
      expect(rows).toHaveLength(400);
      expect(new Set(rows.map((r) => r.resident_id)).size).toBe(400);
      const after: string[] = [];
      for (let batch = await claims.claim(res.body.id, 'email', 300); batch.length; batch = await claims.claim(res.body.id, 'email', 300)) after.push(...batch.map((d) => d.id));
      expect(after).toHaveLength(lost);
      expect(after.filter((id) => before.includes(id))).toEqual([]);
      expect(await t.sql<{ written_upto: string | null; exhausted: boolean }>('SELECT written_upto, exhausted FROM delivery_cursor WHERE message_id = $1 ORDER BY part', [res.body.id])).toEqual([
        { written_upto: null, exhausted: true },
        { written_upto: null, exhausted: true },
      ]);
      await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE email LIKE 'resume%'`); // out of later tests' audiences
    });

    it('concurrent claims: every due row is claimed exactly once, across ranges and the retry index; rows not yet due are left', async () => {
      const repo = t.app.get(FanOutRepository);
      await makeResidents(t, { count: 3000, ward: 'BE02', prefix: 'claims', interest: 'farmer' });
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE02'], interestGroups: ['farmer'] } }).expect(201); // stays a draft: no sender touches it
      const audience = { wardCodes: ['BE02'], topics: null, interestGroups: ['farmer'], schemeIds: null, channels: ['email'], priority: 'standard' };
      expect((await repo.insertForAudience(res.body.id, audience, new Date(), 3)).inserted).toEqual({ email: 3000 });
      // 100 rows wait for a retry that is due, 50 for one an hour away.
      await t.sql(`UPDATE delivery SET not_before = now() - interval '1 second' WHERE id IN (SELECT id FROM delivery WHERE message_id = $1 ORDER BY id LIMIT 100)`, [res.body.id]);
      const later = await t.sql<{ id: string }>(
        `UPDATE delivery SET not_before = now() + interval '1 hour' WHERE id IN (SELECT id FROM delivery WHERE message_id = $1 ORDER BY id DESC LIMIT 50) RETURNING id::text AS id`,
        [res.body.id],
      );
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let batch = await t.app.get(ClaimRepository).claim(res.body.id, 'email', 97); batch.length; batch = await t.app.get(ClaimRepository).claim(res.body.id, 'email', 97)) claimed.push(...batch.map((d) => d.id));
        }),
      );
      expect(claimed).toHaveLength(2950);
      expect(new Set(claimed).size).toBe(2950);
      const laterIds = new Set(later.map((r) => r.id));
      expect(claimed.some((id) => laterIds.has(id))).toBe(false);
      const states = await t.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status ORDER BY status', [res.body.id]);
      expect(states).toEqual([{ status: 'queued', n: 50 }, { status: 'sending', n: 2950 }]);
      expect(await t.sql('SELECT part FROM delivery_cursor WHERE message_id = $1 AND NOT exhausted', [res.body.id])).toEqual([]);
      await t.sql(`UPDATE message SET recipient_count = 3000 WHERE id = $1`, [res.body.id]);
      expect(await t.app.get(SendProgressRepository).hasUnfinished(res.body.id)).toBe(true); // claimed rows and the rows waiting an hour
      await t.sql(`UPDATE delivery SET status = 'sent' WHERE message_id = $1`, [res.body.id]);
      expect(await t.app.get(SendProgressRepository).hasUnfinished(res.body.id)).toBe(false);
    });

    it('SMS quiet hours: a standard message waits until they end, an urgent one goes at once', async () => {
      // Quiet hours from an hour ago to an hour from now, on the London clock.
      const [{ start, end }] = await t.sql<{ start: string; end: string }>(
        `SELECT to_char((now() AT TIME ZONE 'Europe/London') - interval '1 hour', 'HH24:MI') AS start,
                to_char((now() AT TIME ZONE 'Europe/London') + interval '1 hour', 'HH24:MI') AS end`,
      );
      const sleeper = await makeResident(t, { ward: 'BE03', channels: ['sms'], interests: ['cctv_owner'], quiet: [start, end] });
      const awake = await makeResident(t, { ward: 'BE03', channels: ['sms'], interests: ['cctv_owner'] });
      const sentTo = (phone: string | null) => stub.messages.filter((m) => m.to === phone).length;

      const standard = await compose(t, ecoBE, { channels: ['sms'], audience: { wardCodes: ['BE03'], interestGroups: ['cctv_owner'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${standard.body.id}/send`).set(...ecoBE).expect(202);
      await waitUntil(async () => sentTo(awake.phone) === 1, 20_000, 'SMS to the resident without quiet hours');
      // Senders start on the first committed slice: the sleeper's row may be in a range still being written.
      await waitUntil(async () => (await t.sql<{ n: number | null }>('SELECT recipient_count AS n FROM message WHERE id = $1', [standard.body.id]))[0].n !== null, 20_000, 'the fan-out');
      const [waiting] = await t.sql<{ status: string; wait_minutes: number }>(
        `SELECT status, extract(epoch FROM not_before - now())::int / 60 AS wait_minutes FROM delivery WHERE message_id = $1 AND resident_id = $2`,
        [standard.body.id, sleeper.id],
      );
      expect(waiting.status).toBe('queued');
      expect(waiting.wait_minutes).toBeGreaterThanOrEqual(55);
      expect(waiting.wait_minutes).toBeLessThanOrEqual(61);
      expect(sentTo(sleeper.phone)).toBe(0);
      expect((await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [standard.body.id]))[0].status).toBe('sending');

      const urgent = await compose(t, ecoBE, { channels: ['sms'], priority: 'urgent', audience: { wardCodes: ['BE03'], interestGroups: ['cctv_owner'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${urgent.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, urgent.body.id, 'sent');
      expect(sentTo(sleeper.phone)).toBe(1);

      // The quiet hours end: the sweep finds the row due and it is sent, once.
      await t.sql(`UPDATE delivery SET not_before = now() - interval '1 second' WHERE message_id = $1 AND resident_id = $2`, [standard.body.id, sleeper.id]);
      await t.app.get(SweepJob).sweep();
      await waitStatus(t, standard.body.id, 'sent');
      expect(sentTo(sleeper.phone)).toBe(2);
      expect(sentTo(awake.phone)).toBe(2);
    });
  });

  describe('scope and approval', () => {
    it('an ECO of BE cannot target Sandwell, and nothing is written', async () => {
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      await compose(t, ecoBE, { audience: { wardCodes: ['SW01'] } }).expect(403);
      await compose(t, ecoBE, { audience: { npuCodes: ['SW'] } }).expect(403);
      await compose(t, ecoBE, { audience: { wardCodes: ['BE01', 'SW02'] } }).expect(403);
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      expect(after).toBe(before);
    });

    it('an ECO of SW cannot send, read or cancel a BE message', async () => {
      const ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE01'] } }).expect(201);
      await t.http().get(`/api/v1/messages/${res.body.id}`).set(...ecoSW).expect(403);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoSW).expect(403);
      await t.http().post(`/api/v1/messages/${res.body.id}/cancel`).set(...ecoSW).expect(403);
      const list = await t.http().get('/api/v1/messages').set(...ecoSW).expect(200);
      expect(list.body.items.find((m: { id: string }) => m.id === res.body.id)).toBeUndefined();
    });

    it('no area named: an NPU-bound ECO reaches their whole NPU', async () => {
      const res = await compose(t, ecoBE, { audience: {} }).expect(201);
      expect(res.body).toMatchObject({ npuCode: 'BE', wardCodes: ['BE01', 'BE02', 'BE03'] });
    });

    it('a force-wide message waits for an admin, who is not its author', async () => {
      const forceEco = (await loginAs(t, 'eco', null)).auth as Auth;
      const leadBE = (await loginAs(t, 'npu_lead', 'BE')).auth as Auth;
      const admin = (await loginAs(t, 'admin')).auth as Auth;
      const r = await makeResident(t, { ward: 'SW02', channels: ['email'] });
      const res = await compose(t, forceEco, { audience: { npuCodes: ['BE', 'SW'] } }).expect(201);
      expect(res.body.npuCode).toBeNull();
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...forceEco).expect(202, { status: 'pending_approval' });
      await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...ecoBE).expect(403);
      await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...leadBE).expect(403);
      expect(await deliveriesOf(res.body.id)).toEqual([]);
      await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...admin).expect(202, { status: 'sending' });
      await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...admin).expect(409);
      await waitStatus(t, res.body.id, 'sent');
      expect((await deliveriesOf(res.body.id)).some((d) => d.resident_id === r.id && d.status === 'sent')).toBe(true);
    });

    // Issue 14 (Medium 5): a force-wide admin's own force-wide message went straight to sending, approved_by NULL.
    it('a force-wide admin’s own force-wide message waits for a second admin, now or scheduled', async () => {
      const admin = (await loginAs(t, 'admin')).auth as Auth;
      const { auth: secondAuth, id: secondId } = await loginAs(t, 'admin');
      const second = secondAuth as Auth;
      const adminBE = (await loginAs(t, 'admin', 'BE')).auth as Auth;
      for (const extra of [{}, { scheduledAt: new Date(Date.now() + 3600_000).toISOString() }]) {
        const res = await compose(t, admin, { audience: {}, ...extra }).expect(201);
        expect(res.body.npuCode).toBeNull();
        await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...admin).expect(202, { status: 'pending_approval' });
        await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...admin).expect(403);
        await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...adminBE).expect(403);
        expect(await deliveriesOf(res.body.id)).toEqual([]);
        expect(await t.sql('SELECT status, approved_by FROM message WHERE id = $1', [res.body.id])).toEqual([{ status: 'pending_approval', approved_by: null }]);
        const want = 'scheduledAt' in extra ? 'scheduled' : 'sending';
        await t.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...second).expect(202, { status: want });
        const [row] = await t.sql<{ approved_by: string }>('SELECT approved_by FROM message WHERE id = $1', [res.body.id]);
        expect(row.approved_by).toBe(secondId);
        if (want === 'scheduled') await t.http().post(`/api/v1/messages/${res.body.id}/cancel`).set(...admin).expect(200);
        else await waitStatus(t, res.body.id, 'sent');
      }
    });

    it('officer messages need the NPU lead when the force configures it', async () => {
      const t2 = await createTestApp({ OFFICER_MESSAGES_NEED_APPROVAL: 'true', SMTP_URL: smtp.url });
      try {
        await seedGeography(t2);
        const officer = (await loginAs(t2, 'officer', 'BE')).auth as Auth;
        const leadSW = (await loginAs(t2, 'npu_lead', 'SW')).auth as Auth;
        const leadBE = (await loginAs(t2, 'npu_lead', 'BE')).auth as Auth;
        const res = await t2.http().post('/api/v1/messages').set(...officer).send({ title: 'T', body: 'B', category: 'event', channels: ['email'], audience: {} }).expect(201);
        await t2.http().post(`/api/v1/messages/${res.body.id}/send`).set(...officer).expect(202, { status: 'pending_approval' });
        await t2.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...leadSW).expect(403);
        await t2.http().post(`/api/v1/messages/${res.body.id}/approve`).set(...leadBE).expect(202, { status: 'sending' });
      } finally {
        await t2.close();
      }
    });

    it('schedules a send for later and cancels a scheduled one', async () => {
      await makeResident(t, { ward: 'BE02', channels: ['email'] });
      // An hour ahead, so no slow request can find the time already passed; then the time is
      // moved in SQL (the message and its waiting fan-out job) instead of waiting for it.
      const at = new Date(Date.now() + 3_600_000);
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE02'] }, scheduledAt: at.toISOString() }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202, { status: 'scheduled' });
      const fanOutJob = () =>
        t.sql<{ state: string; start_after: Date }>(`SELECT state::text AS state, start_after FROM pgboss.job WHERE name = 'fan-out' AND data->>'messageId' = $1`, [res.body.id]);
      expect(await fanOutJob()).toEqual([{ state: 'created', start_after: at }]);
      expect(await deliveriesOf(res.body.id)).toEqual([]);
      const [{ due }] = await t.sql<{ due: Date }>(`UPDATE message SET scheduled_at = now() WHERE id = $1 RETURNING scheduled_at AS due`, [res.body.id]);
      await t.sql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'fan-out' AND data->>'messageId' = $1`, [res.body.id]);
      await waitStatus(t, res.body.id, 'sent');
      const [{ sent_at }] = await t.sql<{ sent_at: Date }>('SELECT sent_at FROM message WHERE id = $1', [res.body.id]);
      expect(sent_at.getTime()).toBeGreaterThanOrEqual(due.getTime());

      const later = await compose(t, ecoBE, { audience: { wardCodes: ['BE02'] }, scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }).expect(201);
      await t.http().post(`/api/v1/messages/${later.body.id}/send`).set(...ecoBE).expect(202, { status: 'scheduled' });
      await t.http().post(`/api/v1/messages/${later.body.id}/cancel`).set(...ecoBE).expect(200, { status: 'cancelled' });
      await t.http().post(`/api/v1/messages/${later.body.id}/send`).set(...ecoBE).expect(409);
    });

    it('rejects bad input with 400 and writes nothing', async () => {
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      await compose(t, ecoBE, { channels: ['fax'], audience: {} }).expect(400);
      await compose(t, ecoBE, { title: '', audience: {} }).expect(400);
      await compose(t, ecoBE, { audience: { wardCodes: ['NOPE1'] } }).expect(400);
      await compose(t, ecoBE, { audience: { neighbourhoodIds: ['not-a-uuid'] } }).expect(400);
      await compose(t, ecoBE, { audience: { topics: ['gossip'] } }).expect(400);
      await compose(t, ecoBE, { audience: {}, scheduledAt: '2001-01-01T00:00:00Z' }).expect(400);
      await compose(t, ecoBE, { audience: {}, body: 'x'.repeat(5001) }).expect(400);
      await compose(t, ecoBE, { audience: {}, extra: 1 }).expect(400);
      await t.http().get('/api/v1/messages/not-a-uuid').set(...ecoBE).expect(400);
      await t.http().get('/api/v1/messages/00000000-0000-4000-8000-000000000000').set(...ecoBE).expect(404);
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      expect(after).toBe(before);
    });
  });

  describe('channels', () => {
    it('e-mail arrives with text, escaped HTML, rating link and one-click unsubscribe headers', async () => {
      const r = await makeResident(t, { ward: 'BE03', channels: ['email'], email: 'headers@example.org', topics: ['appeals'] });
      const res = await compose(t, ecoBE, {
        title: 'Appeal <b>for</b> witnesses',
        body: 'Did you see anything?\nCall 101 or visit https://west-midlands.police.uk/appeal',
        audience: { wardCodes: ['BE03'], topics: ['appeals'] },
      }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitUntil(() => smtp.messages.some((m) => m.to.includes('headers@example.org')), 20_000, 'e-mail');
      const mail = smtp.messages.find((m) => m.to.includes('headers@example.org'))!;
      expect(mail.parsed.subject).toBe('Appeal <b>for</b> witnesses');
      expect(mail.parsed.text).toContain('Call 101 or visit https://west-midlands.police.uk/appeal');
      expect(mail.parsed.text).toMatch(/Rate it from 1 to 6, or reply: http:\/\/beacon\.test\/r\/[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{16}/);
      expect(mail.parsed.html).toContain('Appeal &lt;b&gt;for&lt;/b&gt; witnesses');
      expect(mail.parsed.html).toContain('<a href="https://west-midlands.police.uk/appeal">');
      const list = mail.parsed.headers.get('list') as { unsubscribe: { url: string }; 'unsubscribe-post': { name: string } };
      expect(list.unsubscribe.url).toMatch(/^http:\/\/beacon\.test\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(list['unsubscribe-post'].name).toBe('List-Unsubscribe=One-Click');
      // The relay has the e-mail a moment before the worker writes the outcome.
      const providerId = async () => (await t.sql<{ provider_id: string | null }>(`SELECT provider_id FROM delivery WHERE message_id = $1 AND resident_id = $2`, [res.body.id, r.id]))[0]?.provider_id;
      await waitUntil(async () => (await providerId()) != null, 20_000, 'delivery recorded');
      expect(await providerId()).toBe(mail.parsed.messageId);

      // RFC 8058: the mail client POSTs the List-Unsubscribe URL; the resident stops getting e-mail.
      const path = new URL(list.unsubscribe.url).pathname;
      await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
      const [ch] = await t.sql<{ enabled: boolean }>(`SELECT enabled FROM resident_channel WHERE resident_id = $1 AND channel = 'email'`, [r.id]);
      expect(ch.enabled).toBe(false);
    });

    it('SMS goes through the Twilio stub; a signed status callback marks it delivered, a bad signature is 403', async () => {
      const r = await makeResident(t, { ward: 'BE03', channels: ['sms'], phone: '+447700900777', interests: ['horse_rider'] });
      const res = await compose(t, ecoBE, { channels: ['sms'], title: 'Horse riders', body: 'Road closure on Sunday', audience: { wardCodes: ['BE03'], interestGroups: ['horse_rider'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitUntil(() => stub.messages.some((m) => m.to === '+447700900777'), 20_000, 'SMS');
      const sms = stub.messages.find((m) => m.to === '+447700900777')!;
      expect(sms.body).toMatch(/^Horse riders: Road closure on Sunday\nRate 1-6 or reply: http:\/\/beacon\.test\/r\/\S+\nReply MANAGE for settings or STOP to opt out$/);
      expect(sms.statusCallback).toBe('http://beacon.test/webhooks/twilio/status');
      await waitStatus(t, res.body.id, 'sent');

      const params = { MessageSid: sms.sid, MessageStatus: 'delivered', To: sms.to, AccountSid: stub.accountSid };
      const url = 'http://beacon.test/webhooks/twilio/status';
      await t.http().post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', 'bm90IGEgc2lnbmF0dXJl').send(params).expect(403);
      await t.http().post('/webhooks/twilio/status').type('form').send(params).expect(403);
      const [still] = await t.sql<{ status: string }>('SELECT status FROM delivery WHERE message_id = $1 AND resident_id = $2', [res.body.id, r.id]);
      expect(still.status).toBe('sent');
      await t.http().post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', twilioSignature(stub.authToken, url, params)).send(params).expect(204);
      const [done] = await t.sql<{ status: string }>('SELECT status FROM delivery WHERE message_id = $1 AND resident_id = $2', [res.body.id, r.id]);
      expect(done.status).toBe('delivered');
    });

    it('retries a transient SMTP failure, then sends once', async () => {
      await makeResident(t, { ward: 'BE01', channels: ['email'], email: 'flaky@example.org', interests: ['farmer'] });
      smtp.failNext([451]);
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE01'], interestGroups: ['farmer'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, res.body.id, 'sent', 30_000);
      const [d] = await t.sql<{ status: string; attempts: number }>('SELECT status, attempts FROM delivery WHERE message_id = $1', [res.body.id]);
      expect(d).toEqual({ status: 'sent', attempts: 2 });
      expect(smtp.messages.filter((m) => m.to.includes('flaky@example.org'))).toHaveLength(1);
    });

    it('records a permanent failure, suspends the dead address and does not retry', async () => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'], email: 'nobody@example.org', interests: ['student'] });
      smtp.rejectAddress('nobody@example.org', 550);
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE01'], interestGroups: ['student'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, res.body.id, 'sent');
      const [d] = await t.sql<{ status: string; attempts: number; last_error: string }>('SELECT status, attempts, last_error FROM delivery WHERE message_id = $1', [res.body.id]);
      expect(d.status).toBe('bounced');
      expect(d.attempts).toBe(1);
      expect(d.last_error).toContain('550');
      const [ch] = await t.sql<{ suspended_at: Date | null }>(`SELECT suspended_at FROM resident_channel WHERE resident_id = $1 AND channel = 'email'`, [r.id]);
      expect(ch.suspended_at).not.toBeNull();
      const next = await compose(t, ecoBE, { audience: { wardCodes: ['BE01'], interestGroups: ['student'] } }).expect(201);
      const preview = await t.http().get(`/api/v1/messages/${next.body.id}/audience`).set(...ecoBE).expect(200);
      expect(preview.body.total).toBe(0);
    });

    it('a 21610 (recipient sent STOP) disables SMS for that resident', async () => {
      const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900610', interests: ['parent'] });
      stub.rejectNumber('+447700900610', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
      const res = await compose(t, ecoBE, { channels: ['sms'], audience: { wardCodes: ['BE02'], interestGroups: ['parent'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...ecoBE).expect(202);
      await waitStatus(t, res.body.id, 'sent');
      const [d] = await t.sql<{ status: string }>('SELECT status FROM delivery WHERE message_id = $1', [res.body.id]);
      expect(d.status).toBe('failed');
      const [ch] = await t.sql<{ suspended_reason: string }>(`SELECT suspended_reason FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`, [r.id]);
      expect(ch.suspended_reason).toContain('21610');
    });
  });

  describe('nothing lost', () => {
    it('rows claimed by a worker that died are re-queued and each recipient gets exactly one sent delivery', async () => {
      const residents = [];
      for (let i = 0; i < 12; i++) residents.push(await makeResident(t, { ward: 'BE03', channels: ['email'], interests: ['business_owner'] }));
      // A worker-less API enqueues the broadcast; a "dead worker" then claims part of it and vanishes.
      const api = await createTestApp({ RUN_WORKER: 'false', SMTP_URL: smtp.url });
      await api.close();
      const res = await compose(t, ecoBE, { audience: { wardCodes: ['BE03'], interestGroups: ['business_owner'] } }).expect(201);
      await t.sql(`UPDATE message SET status = 'sending' WHERE id = $1`, [res.body.id]);
      await t.app.get(FanOutRepository).insertForAudience(
        res.body.id,
        { wardCodes: ['BE03'], topics: null, interestGroups: ['business_owner'], schemeIds: null, channels: ['email'], priority: 'standard' },
        new Date(),
      );
      await t.sql(`UPDATE message SET recipient_count = 12 WHERE id = $1`, [res.body.id]); // the fan-out's last step
      await t.sql(
        `UPDATE delivery SET status = 'sending', claimed_at = now() - interval '1 hour', attempts = 1
          WHERE id IN (SELECT id FROM delivery WHERE message_id = $1 ORDER BY id LIMIT 5)`,
        [res.body.id],
      );
      await t.app.get(SweepJob).sweep();
      await waitStatus(t, res.body.id, 'sent');
      const rows = await t.sql<{ resident_id: string; n: number }>(
        `SELECT resident_id, count(*) FILTER (WHERE status = 'sent')::int AS n FROM delivery WHERE message_id = $1 GROUP BY resident_id`,
        [res.body.id],
      );
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      for (const r of residents) expect(smtp.messages.filter((m) => m.to.includes(r.email!))).toHaveLength(1);
    });
  });
});
