// Delivery rules end to end (real PostgreSQL, SMTP sink, Twilio stub), each written to fail when
// its rule is broken: the attempt cap, the auto-pause, doubling retry gaps, revival of stranded
// rows, and SMS quiet hours that wrap midnight (also across the clock changes).
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ResolvedAudience } from '../libs/messaging/src/audience/audience-spec';
import { FanOutRepository } from '../libs/messaging/src/fan-out/fan-out.repository';
import { SendJob } from '../libs/messaging/src/sending/send.job';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const MAX_ATTEMPTS = 4;
const PAUSE_AFTER = 5;

describe('delivery rules', () => {
  const { t, smtp, stub } = useSuite({
    smtp: true,
    twilio: true,
    geography: true,
    env: { DELIVERY_RETRY_BASE_SECONDS: '1', DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS), MESSAGE_PAUSE_AFTER_ERRORS: String(PAUSE_AFTER) },
  });
  let eco: Auth;
  let repo: FanOutRepository;
  let interest = 0;
  // Each test reaches only its own residents: an interest group of its own.
  const GROUPS = ['dog_walker', 'horse_rider', 'cctv_owner', 'business_owner', 'student', 'parent', 'farmer'];
  const nextGroup = () => GROUPS[interest++];

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    repo = t.app.get(FanOutRepository);
  });

  const draft = async (channels: string[], group: string, extra: Record<string, unknown> = {}) =>
    (await compose(t, eco, { title: 'Rule', channels, audience: { interestGroups: [group] }, ...extra }).expect(201)).body.id as string;
  const send = async (channels: string[], group: string, extra: Record<string, unknown> = {}) => {
    const id = await draft(channels, group, extra);
    await requestSend(t, eco, id);
    return id;
  };
  const messageOf = async (id: string) => (await t.sql<{ status: string; paused_reason: string | null }>('SELECT status, paused_reason FROM message WHERE id = $1', [id]))[0];
  const waitFor = (id: string, statuses: string[]) => waitStatus(t, id, statuses, 30_000);
  const deliveries = (id: string) =>
    t.sql<{ resident_id: string; channel: string; status: string; attempts: number; last_error: string | null }>(
      'SELECT resident_id, channel, status, attempts, last_error FROM delivery WHERE message_id = $1 ORDER BY channel, resident_id',
      [id],
    );

  it(`DELIVERY_MAX_ATTEMPTS: a recipient the provider keeps answering 4xx/5xx is failed after ${MAX_ATTEMPTS} attempts, with the reason`, async () => {
    const group = nextGroup();
    const mail = await makeResident(t, { ward: 'BE01', channels: ['email'], interests: [group] });
    const phone = await makeResident(t, { ward: 'BE01', channels: ['sms'], interests: [group] });
    smtp.rejectAddress(mail.email!, 451); // SMTP 4xx: transient
    stub.rejectNumber(phone.phone!, { status: 500, code: 20500, message: 'Internal Server Error' }); // Twilio 5xx: transient
    const id = await send(['email', 'sms'], group);
    await waitFor(id, ['sent']);
    expect(await deliveries(id)).toEqual([
      { resident_id: mail.id, channel: 'email', status: 'failed', attempts: MAX_ATTEMPTS, last_error: expect.stringMatching(new RegExp(`^Gave up after ${MAX_ATTEMPTS} attempts: 451 `)) },
      { resident_id: phone.id, channel: 'sms', status: 'failed', attempts: MAX_ATTEMPTS, last_error: `Gave up after ${MAX_ATTEMPTS} attempts: 20500 Internal Server Error` },
    ]);
    expect(stub.log.filter((r) => r.to === phone.phone)).toHaveLength(MAX_ATTEMPTS);
    expect(await messageOf(id)).toEqual({ status: 'sent', paused_reason: null }); // 4 errors in a row stay under the pause (5)
  }, 60_000);

  it('retry gaps double: 1 s, 2 s, 4 s after DELIVERY_RETRY_BASE_SECONDS = 1, measured at the Twilio stub', async () => {
    const group = nextGroup();
    const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], interests: [group] });
    stub.rejectNumber(r.phone!, { status: 503, code: 20503, message: 'Service Unavailable' });
    const id = await send(['sms'], group);
    await waitFor(id, ['sent']);
    const at = stub.log.filter((l) => l.to === r.phone).map((l) => l.at);
    expect(at).toHaveLength(MAX_ATTEMPTS);
    const gaps = at.slice(1).map((v, i) => v - at[i]);
    expect(gaps).toHaveLength(3);
    // Each gap is its backoff (base × 2^(n-1)) plus the job pick-up latency, never less; a constant
    // 1 s backoff shows as a second gap of ~1.3–1.5 s.
    gaps.forEach((gap, i) => {
      const expected = 1000 * 2 ** i;
      expect(gap).toBeGreaterThanOrEqual(expected - 50);
      expect(gap).toBeLessThan(expected + 1500); // pick-up latency on a loaded machine
    });
  }, 60_000);

  it(`MESSAGE_PAUSE_AFTER_ERRORS: ${PAUSE_AFTER} provider errors in a row pause the message; resumed, everyone is sent once`, async () => {
    const group = nextGroup();
    const rs = [];
    for (let i = 0; i < PAUSE_AFTER; i++) rs.push(await makeResident(t, { ward: 'BE03', channels: ['sms'], interests: [group] }));
    stub.failNext(Array.from({ length: PAUSE_AFTER }, () => ({ status: 500, code: 20500, message: 'Internal Server Error' })));
    const id = await send(['sms'], group);
    await waitFor(id, ['paused', 'sent']);
    expect(await messageOf(id)).toEqual({ status: 'paused', paused_reason: `Paused after ${PAUSE_AFTER} consecutive sms provider errors` });
    expect((await deliveries(id)).map((d) => [d.status, d.attempts])).toEqual(rs.map(() => ['queued', 1]));

    await t.http().post(`/api/v1/messages/${id}/resume`).set(...eco).expect(202, { status: 'sending' });
    await waitFor(id, ['sent']);
    expect((await deliveries(id)).map((d) => [d.status, d.attempts])).toEqual(rs.map(() => ['sent', 2]));
    for (const r of rs) expect(stub.messages.filter((m) => m.to === r.phone)).toHaveLength(1);
  }, 60_000);

  it('queued rows no claim path reaches (no not_before, range already walked) are revived before the message is marked sent', async () => {
    const group = nextGroup();
    const rs = [];
    for (let i = 0; i < 3; i++) rs.push(await makeResident(t, { ward: 'BE01', channels: ['email'], interests: [group] }));
    // The message as a worker of the previous release left it: rows written, every cursor range
    // walked (exhausted), the rows still queued without a not_before.
    const id = await draft(['email'], group);
    await t.sql(`UPDATE message SET status = 'sending', send_requested_at = now() WHERE id = $1`, [id]);
    const audience: ResolvedAudience = { wardCodes: null, topics: null, interestGroups: [group], schemeIds: null, channels: ['email'], priority: 'standard' };
    expect((await repo.insertForAudience(id, audience, new Date())).inserted).toEqual({ email: 3 });
    await t.sql('UPDATE message SET recipient_count = 3 WHERE id = $1', [id]);
    await t.sql('UPDATE delivery_cursor SET exhausted = true WHERE message_id = $1', [id]);
    expect(await t.sql(`SELECT status, not_before FROM delivery WHERE message_id = $1`, [id])).toEqual(rs.map(() => ({ status: 'queued', not_before: null })));

    // A send job finds nothing to claim and would mark the message sent.
    await t.app.get(SendJob).sendEmail({ messageId: id });
    await waitFor(id, ['sent']);
    expect((await deliveries(id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    for (const r of rs) expect(smtp.messages.filter((m) => m.to.includes(r.email!))).toHaveLength(1);
  }, 60_000);

  describe('SMS quiet hours', () => {
    it('a window that wraps midnight whatever the clock: a standard SMS waits until it ends, an urgent one goes at once', async () => {
      const group = nextGroup();
      // London time now, to the second. The window [start, end) has start > end (wraps midnight)
      // and holds now: from 02:00 on it is [now − 1 h, now − 2 h); before 02:00, now − 2 h would
      // land on the previous evening (not a wrap), so it is [23:00, now + 1 h).
      const [{ now }] = await t.sql<{ now: string }>(`SELECT to_char(now() AT TIME ZONE 'Europe/London', 'HH24:MI:SS') AS now`);
      const [h, m, s] = now.split(':').map(Number);
      const secs = h * 3600 + m * 60 + s;
      const hhmmss = (x: number) => [Math.floor(x / 3600), Math.floor((x % 3600) / 60), x % 60].map((v) => String(v).padStart(2, '0')).join(':');
      const [start, end] = secs >= 7200 ? [hhmmss(secs - 3600), hhmmss(secs - 7200)] : ['23:00:00', hhmmss(secs + 3600)];
      expect(start > end).toBe(true);
      const sleeper = await makeResident(t, { ward: 'BE02', channels: ['sms'], interests: [group], quiet: [start, end] });
      const awake = await makeResident(t, { ward: 'BE02', channels: ['sms'], interests: [group] });
      const sentTo = (phone: string | null) => stub.messages.filter((x) => x.to === phone).length;

      const standard = await send(['sms'], group);
      await waitUntil(() => sentTo(awake.phone) === 1, 20_000, 'SMS to the resident without quiet hours');
      // Senders start on the fan-out's first committed slice: the sleeper's row may come in a later one.
      await waitUntil(async () => (await t.sql<{ done: boolean }>('SELECT recipient_count IS NOT NULL AS done FROM message WHERE id = $1', [standard]))[0].done, 20_000, 'fan-out finished');
      // The sleeper's row waits, due when the window ends (the next `end` on the London clock).
      const [row] = await t.sql<{ status: string; attempts: number; due: string }>(
        `SELECT status, attempts, to_char(not_before AT TIME ZONE 'Europe/London', 'HH24:MI:SS') AS due FROM delivery WHERE message_id = $1 AND resident_id = $2`,
        [standard, sleeper.id],
      );
      expect(row).toEqual({ status: 'queued', attempts: 0, due: end });
      const [{ waitsMinutes }] = await t.sql<{ waitsMinutes: number }>(
        `SELECT floor(extract(epoch FROM not_before - now()) / 60)::int AS "waitsMinutes" FROM delivery WHERE message_id = $1 AND resident_id = $2`,
        [standard, sleeper.id],
      );
      // Tomorrow at now − 2 h (22 h; 21 or 23 when tonight the clocks change), or in an hour.
      const [lo, hi] = secs >= 7200 ? [21 * 60 - 2, 23 * 60] : [58, 60];
      expect(waitsMinutes).toBeGreaterThanOrEqual(lo);
      expect(waitsMinutes).toBeLessThanOrEqual(hi);
      expect(sentTo(sleeper.phone)).toBe(0);
      expect((await messageOf(standard)).status).toBe('sending');

      const urgent = await send(['sms'], group, { priority: 'urgent' });
      await waitFor(urgent, ['sent']);
      expect(sentTo(sleeper.phone)).toBe(1);
    }, 60_000);

    // The next allowed time is computed by the fan-out's SQL from the `now` it is given: the
    // same expression, at chosen instants around the 2026 clock changes (29 March, 25 October).
    it.each([
      // 00:30 GMT on the spring-forward day → 07:00 BST = 06:00 UTC (six and a half hours, not seven and a half).
      ['2026-03-29T00:30:00Z', '2026-03-29T06:00:00.000Z'],
      // 22:30 GMT the evening before → 07:00 BST next morning.
      ['2026-03-28T22:30:00Z', '2026-03-29T06:00:00.000Z'],
      // 03:30 BST, after the change → 07:00 BST.
      ['2026-03-29T02:30:00Z', '2026-03-29T06:00:00.000Z'],
      // 00:30 BST on the fall-back day → 07:00 GMT = 07:00 UTC.
      ['2026-10-24T23:30:00Z', '2026-10-25T07:00:00.000Z'],
      // 01:30 GMT (the second 01:30 of the night) → 07:00 GMT.
      ['2026-10-25T01:30:00Z', '2026-10-25T07:00:00.000Z'],
      // 22:30 BST the evening before → 07:00 GMT next morning.
      ['2026-10-24T21:30:00Z', '2026-10-25T07:00:00.000Z'],
      // Outside the window (12:00 BST): no wait.
      ['2026-03-29T11:00:00Z', null],
      // 07:00 BST exactly: the window has ended.
      ['2026-03-29T06:00:00Z', null],
    ])('quiet hours 22:00–07:00 London, fan-out at %s: not before %s', async (at, expected) => {
      const r = await makeResident(t, { ward: 'SW01', channels: ['sms'], quiet: ['22:00', '07:00'] });
      const id = await draft(['sms'], GROUPS[0]); // a draft: only its id is used
      const audience: ResolvedAudience = { wardCodes: ['SW01'], topics: null, interestGroups: null, schemeIds: null, channels: ['sms'], priority: 'standard' };
      await repo.insertForAudience(id, audience, new Date(at));
      const [row] = await t.sql<{ not_before: Date | null }>('SELECT not_before FROM delivery WHERE message_id = $1 AND resident_id = $2', [id, r.id]);
      expect(row.not_before?.toISOString() ?? null).toBe(expected);
      await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE id = $1`, [r.id]); // out of the next case's audience
    });
  });
});
