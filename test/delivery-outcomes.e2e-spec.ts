// Outcomes the sender cannot know, and cancels that must stop a send already under way:
// - a relay (or Twilio) that takes the whole message but answers after our wait: the outcome is
//   unknown, recorded as such, the attempt spent, and the message never sent again;
// - a cancel in the middle of a send: rows claimed but not sent are cancelled, and only the sends
//   in flight when the senders notice (a bounded number) still arrive.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { makeResidents } from './utils/factories';
import { compose, requestSend } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

const log = (line: string) => process.stdout.write(`[delivery-outcomes] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sendTo(t: TestApp, eco: Auth, channels: string[], interestGroups: string[]): Promise<string> {
  const res = await compose(t, eco, { title: 'Outcome test', channels, audience: { interestGroups } }).expect(201);
  await requestSend(t, eco, res.body.id);
  return res.body.id as string;
}

const rowsOf = (t: TestApp, id: string) =>
  t.sql<{ status: string; attempts: number; lastError: string | null; to: string }>(
    `SELECT d.status, d.attempts, d.last_error AS "lastError", COALESCE(r.email, r.phone_e164) AS to
       FROM delivery d JOIN resident r ON r.id = d.resident_id WHERE d.message_id = $1 ORDER BY 4`,
    [id],
  );
const unfinished = async (t: TestApp, id: string) =>
  (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1 AND status IN ('queued', 'sending')`, [id]))[0].n;
// No job of the message (fan-out, send) still waiting or running: with every row final, nothing can send it again.
const messageJobsSettled = (t: TestApp, id: string) =>
  waitUntil(
    async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'messageId' = $1 AND state IN ('created', 'retry', 'active')`, [id]))[0].n === 0,
    20_000,
    'the message\'s jobs to settle',
  );

describe('unknown outcome: the provider took the message but answered after our wait', () => {
  // The relay answers the end of each message after 2.5 s; we wait 1 s for any reply.
  const { t, smtp, stub } = useSuite({
    smtp: { delayMs: 2500 },
    twilio: true,
    geography: true,
    env: { SMTP_REPLY_TIMEOUT_SECONDS: '1', TWILIO_TIMEOUT_SECONDS: '1', DELIVERY_RETRY_BASE_SECONDS: '1' },
  });
  let eco: Auth;

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });

  it('e-mail: a reply timeout after the final dot is recorded as unknown, the attempt spent, never resent', async () => {
    const { emails } = await makeResidents(t, { count: 4, ward: 'BE01', prefix: 'slowdata', interest: 'student' });
    const id = await sendTo(t, eco, ['email'], ['student']);
    // Bounded window: 20 s is 20 retry periods of DELIVERY_RETRY_BASE_SECONDS, in which a resend would show.
    await waitUntil(async () => (await unfinished(t, id)) === 0 && (await rowsOf(t, id)).length === emails.length, 20_000, 'every delivery final').catch(() => undefined);
    await messageJobsSettled(t, id);
    // The relay counts an e-mail when it answers (2.5 s after its end): wait for each one's first arrival.
    await waitUntil(() => emails.every((e) => smtp.counts.has(e)), 20_000, 'every e-mail counted by the relay').catch(() => undefined);
    expect(emails.length).toBe(4);
    for (const e of emails) expect([e, smtp.counts.get(e) ?? 0]).toEqual([e, 1]);
    const rows = await rowsOf(t, id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(emails.map(() => ['unknown', 1]));
    for (const r of rows) expect(r.lastError).toMatch(/^Unknown outcome/);
    const detail = await t.http().get(`/api/v1/messages/${id}`).set(...eco).expect(200);
    expect(detail.body.status).toBe('sent');
    expect(detail.body.progress).toMatchObject({ total: emails.length, queued: 0, sent: 0, unknown: emails.length, byChannel: { email: { unknown: emails.length } } });
  }, 60_000);

  it('SMS: a Twilio request that times out after it was sent is recorded as unknown, the attempt spent, never resent', async () => {
    const { phones } = await makeResidents(t, { count: 3, ward: 'BE02', prefix: 'slowsms', channels: ['sms'], interest: 'farmer' });
    stub.holdReplies(2500);
    const before = stub.log.length;
    const id = await sendTo(t, eco, ['sms'], ['farmer']);
    await waitUntil(async () => (await unfinished(t, id)) === 0 && (await rowsOf(t, id)).length === phones.length, 20_000, 'every delivery final').catch(() => undefined);
    await messageJobsSettled(t, id);
    stub.holdReplies(0);
    const requests = stub.log.slice(before);
    expect(phones.length).toBe(3);
    for (const p of phones) expect([p, requests.filter((r) => r.to === p).length]).toEqual([p, 1]);
    const rows = await rowsOf(t, id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(phones.map(() => ['unknown', 1]));
    for (const r of rows) expect(r.lastError).toMatch(/^Unknown outcome/);
    const detail = await t.http().get(`/api/v1/messages/${id}`).set(...eco).expect(200);
    expect(detail.body.progress).toMatchObject({ total: phones.length, unknown: phones.length });
  }, 60_000);
});

describe('cancel during a send: claimed rows are released as cancelled, only in-flight sends still arrive', () => {
  const CONCURRENCY = 10;
  // A slow relay (5 ms per message); batches of 1,000: at the cancel both send jobs hold far more claimed rows than the bound.
  const { t, smtp } = useSuite({ smtp: { delayMs: 5, parse: false }, geography: true, env: { EMAIL_CONCURRENCY: String(CONCURRENCY), SEND_BATCH_SIZE: '1000' } });
  let eco: Auth;

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });

  it('3,000 recipients, cancelled after ~400 e-mails: the rest are cancelled, a bounded few arrive after the cancel answers', async () => {
    const N = 3000;
    const { emails } = await makeResidents(t, { count: N, ward: 'BE01', prefix: 'cancelmid', interest: 'student' });
    const id = await sendTo(t, eco, ['email'], ['student']);
    await waitUntil(() => smtp.accepted >= 100, 60_000, '100 e-mails before the cancel');
    const rateStart = { at: Date.now(), n: smtp.accepted };
    await sleep(300);
    const rate = (smtp.accepted - rateStart.n) / ((Date.now() - rateStart.at) / 1000); // e-mails per second, measured
    await t.http().post(`/api/v1/messages/${id}/cancel`).set(...eco).expect(200);
    const atCancel = smtp.accepted;
    // Nothing claimed any more: every send that started has been answered and recorded.
    await waitUntil(async () => (await unfinished(t, id)) === 0, 30_000, 'no delivery queued or claimed');
    const after = smtp.accepted - atCancel;

    const states = Object.fromEntries(
      (await t.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status', [id])).map((r) => [r.status, r.n]),
    );
    expect(Object.keys(states).sort()).toEqual(['cancelled', 'sent']);
    expect(states.sent + states.cancelled).toBe(N);
    expect(states.sent).toBe(smtp.accepted); // every e-mail that arrived is recorded as sent, no other
    expect(Math.max(...emails.map((e) => smtp.counts.get(e) ?? 0))).toBe(1);
    // The bound: sends in flight when the senders notice (2 send jobs per process × EMAIL_CONCURRENCY
    // lanes), plus what starts within one look at the message row (every 100 ms), with room for a
    // loaded machine (0.3 s at the measured rate).
    const bound = 2 * CONCURRENCY + Math.ceil(rate * 0.3);
    log(`cancel: ${atCancel} e-mails before the cancel answered, ${after} after (bound ${bound}, ${rate.toFixed(0)}/s), ${states.cancelled} cancelled`);
    expect(after).toBeLessThanOrEqual(bound);
    expect(states.cancelled).toBeGreaterThanOrEqual(N - atCancel - bound);
  }, 120_000);
});
