// Provider faults during a broadcast: the SMTP relay goes away and comes back, Twilio throttles
// and errors. Each test proves exactly-once delivery per recipient at the provider's end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeResidents } from './utils/factories';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import { startTwilioStub, type TwilioStub } from './utils/twilio-stub';

type Auth = [string, string];
const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);

describe('faults: providers down, throttling and failing during a send', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let stub: TwilioStub;
  let eco: Auth;
  const counts = new Map<string, number>();

  beforeAll(async () => {
    smtp = await startSmtpSink({ parse: false, counts });
    stub = await startTwilioStub();
    t = await createTestApp({ SMTP_URL: smtp.url, ...stub.env(), DELIVERY_RETRY_BASE_SECONDS: '1' });
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await stub.close();
  });

  const send = async (channels: string[], interestGroups: string[]) => {
    const res = await t.http().post('/api/v1/messages').set(...eco).send({ title: 'Fault test', body: 'Hello', category: 'crime_alert', channels, audience: { interestGroups } }).expect(201);
    await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...eco).expect(202);
    return res.body.id as string;
  };
  const messageStatus = async (id: string) => (await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [id]))[0].status;
  const deliveryStates = (id: string) =>
    t.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status ORDER BY status', [id]);

  it('SMTP relay down mid-send for 5,000 recipients, then back: every recipient gets exactly one e-mail', async () => {
    const N = 5000;
    const { emails } = await makeResidents(t, { count: N, ward: 'BE01', prefix: 'smtpdown', interest: 'student' });
    const started = Date.now();
    const id = await send(['email'], ['student']);

    await waitUntil(() => smtp.accepted >= 1000, 60_000, '1,000 e-mails before the outage');
    await smtp.close(); // stops listening now; open connections get 421 to their next command
    const downAt = Date.now();
    const acceptedBeforeOutage = smtp.accepted;
    await new Promise((r) => setTimeout(r, 4000));
    // While it is down nothing is spent: no delivery failed, the message was not auto-paused.
    expect(await messageStatus(id)).toBe('sending');
    expect((await deliveryStates(id)).filter((s) => !['queued', 'sending', 'sent'].includes(s.status))).toEqual([]);
    const [{ maxAttempts }] = await t.sql<{ maxAttempts: number }>('SELECT max(attempts)::int AS "maxAttempts" FROM delivery WHERE message_id = $1', [id]);
    expect(maxAttempts).toBe(1);

    smtp = await startSmtpSink({ port: smtp.port, parse: false, counts });
    const upAt = Date.now();
    await waitUntil(async () => (await messageStatus(id)) === 'sent', 120_000, 'message sent after the relay came back');
    const doneAt = Date.now();

    expect(await deliveryStates(id)).toEqual([{ status: 'sent', n: N }]);
    const perRecipient = emails.map((e) => counts.get(e) ?? 0);
    expect(perRecipient.filter((c) => c === 0)).toHaveLength(0);
    expect(perRecipient.filter((c) => c > 1)).toHaveLength(0);
    log(
      `SMTP down: ${N} recipients, ${acceptedBeforeOutage} accepted before the outage, down ${((upAt - downAt) / 1000).toFixed(1)} s, ` +
        `all sent ${((doneAt - upAt) / 1000).toFixed(1)} s after the relay came back (${((doneAt - started) / 1000).toFixed(1)} s in all); duplicates 0, lost 0`,
    );
  }, 170_000);

  it('Twilio answers 429, then 500, then OK: the channel waits, the failed SMS is retried with backoff, one SMS per recipient', async () => {
    const N = 30;
    const { phones } = await makeResidents(t, { count: N, ward: 'BE02', prefix: 'twilio', channels: ['sms'], interest: 'farmer' });
    const before = stub.requests;
    stub.failNext([
      { status: 429, code: 20429, message: 'Too Many Requests' },
      { status: 500, code: 20500, message: 'Internal Server Error' },
    ]);
    const id = await send(['sms'], ['farmer']);
    await waitUntil(async () => (await messageStatus(id)) === 'sent', 60_000, 'message sent');

    expect(await deliveryStates(id)).toEqual([{ status: 'sent', n: N }]);
    for (const p of phones) expect(stub.messages.filter((m) => m.to === p)).toHaveLength(1);
    expect(stub.requests - before).toBe(N + 2); // no hidden client retries

    const requests = stub.log.slice(-(N + 2));
    const throttled = requests.find((r) => r.status === 429)!;
    const failed = requests.find((r) => r.status === 500)!;
    const okAfter = (to: string) => requests.find((r) => r.to === to && r.status === 201)!;
    // 429: the recipient waits out the channel pause (5 s) without spending an attempt.
    expect(okAfter(throttled.to).at - throttled.at).toBeGreaterThanOrEqual(5000 - 50);
    // 500: a transient failure, retried after DELIVERY_RETRY_BASE_SECONDS (1 s).
    expect(okAfter(failed.to).at - failed.at).toBeGreaterThanOrEqual(1000 - 50);
    const attempts = await t.sql<{ phone: string; attempts: number }>(
      `SELECT r.phone_e164 AS phone, d.attempts FROM delivery d JOIN resident r ON r.id = d.resident_id WHERE d.message_id = $1 AND d.attempts <> 1`,
      [id],
    );
    expect(attempts).toEqual([{ phone: failed.to, attempts: 2 }]);
    log(`Twilio 429 → waited ${((okAfter(throttled.to).at - throttled.at) / 1000).toFixed(1)} s; 500 → retried after ${((okAfter(failed.to).at - failed.at) / 1000).toFixed(1)} s; ${N} SMS, one each`);
  }, 90_000);
});
