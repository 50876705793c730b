// Any number of worker replicas on one database (issue 24): two production workers (`node
// dist/apps/worker/src/main.js`, real child processes) share one broadcast to 2,000 residents by
// e-mail and SMS. Each worker has its own SMTP sink and its own Twilio stub, so what each sent is
// counted apart: every recipient gets each channel exactly once across the two (no duplicate, none
// lost), and both workers sent some. No timing decides that: each sink and stub holds its replies
// until BOTH workers have a message in hand, so neither can finish the broadcast alone (a worker
// runs at most QUEUE_POLICIES[send].concurrency of a channel's send jobs, the fan-out starts more).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobName, QUEUE_POLICIES } from '@beacon/core';
import { ensureBuilt, startChild, WORKER_MAIN, type ChildApp } from './utils/built-app';
import { makeResidents } from './utils/factories';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, TEST_SECRETS, type TestApp } from './utils/test-app';
import { startTwilioStub, type TwilioStub } from './utils/twilio-stub';

type Auth = [string, string];
const N = 2000;
const WAIT = 240_000;
const log = (line: string) => process.stdout.write(`[two-workers] ${line}\n`);

/** A promise and the function that settles it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('two worker processes on one broadcast: zero duplicates, zero lost, both sending', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-two-workers-'));
  const emailGate = gate();
  const smsGate = gate();
  const workers: ChildApp[] = [];
  let sinks: SmtpSink[] = [];
  let stubs: TwilioStub[] = [];
  let t: TestApp;
  let eco: Auth;

  beforeAll(async () => {
    await ensureBuilt();
    sinks = await Promise.all([0, 1].map(() => startSmtpSink({ parse: false, holdUntil: emailGate.opened })));
    stubs = await Promise.all([0, 1].map(() => startTwilioStub()));
    for (const s of stubs) s.holdUntil(smsGate.opened);
    // This file's API composes and sends; it runs no queue consumer.
    t = await createTestApp({ RUN_WORKER: 'false' });
    await seedGeography(t);
    ({ auth: eco } = await loginAs(t, 'eco', 'BE'));
    for (const i of [0, 1]) {
      workers.push(
        await startChild(
          WORKER_MAIN,
          {
            ...TEST_SECRETS,
            ...stubs[i].env(),
            DATABASE_URL: t.config.db.url!,
            SMTP_URL: sinks[i].url,
            NODE_ENV: 'test',
            LOG_LEVEL: 'info',
            PUBLIC_URL: 'http://beacon.test',
            DATA_DIR: dataDir,
            // The held replies must not time out into "unknown outcome" under load.
            TWILIO_TIMEOUT_SECONDS: '300',
          },
          /Worker started/,
          120_000,
        ),
      );
    }
  }, 300_000);

  afterAll(async () => {
    emailGate.open();
    smsGate.open();
    for (const w of workers) await w.stop();
    await t?.close();
    for (const s of sinks) await s.close();
    for (const s of stubs) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(`a broadcast to ${N} residents by e-mail and SMS: each recipient gets one of each, from one worker or the other`, async () => {
    // More send jobs per channel than one worker runs at once, or the test proves nothing.
    expect(QUEUE_POLICIES[JobName.SendEmail].concurrency).toBeLessThan(Math.ceil(N / 500));
    const { emails, phones } = await makeResidents(t, { count: N, ward: 'BE01', prefix: 'twoworkers', channels: ['email', 'sms'], interest: 'student' });
    const created = await t
      .http()
      .post('/api/v1/messages')
      .set(...eco)
      .send({ title: 'Two workers', body: 'Hello from two workers', category: 'crime_alert', channels: ['email', 'sms'], audience: { interestGroups: ['student'] } })
      .expect(201);
    const id = created.body.id as string;
    await t.http().post(`/api/v1/messages/${id}/send`).set(...eco).expect(202);

    // Both workers have an e-mail (and an SMS) in hand before any is answered.
    await waitUntil(() => sinks.every((s) => s.received > 0), WAIT, 'an e-mail at each worker\'s sink');
    emailGate.open();
    await waitUntil(() => stubs.every((s) => s.messages.length > 0), WAIT, 'an SMS at each worker\'s stub');
    smsGate.open();

    await waitUntil(async () => (await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [id]))[0].status === 'sent', WAIT, 'the message sent');
    expect(await t.sql('SELECT channel, status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY 1, 2 ORDER BY 1, 2', [id])).toEqual([
      { channel: 'email', status: 'sent', n: N },
      { channel: 'sms', status: 'sent', n: N },
    ]);

    // E-mail: once per address across both sinks; nothing else was accepted.
    const emailTimes = emails.map((e) => sinks.reduce((sum, s) => sum + (s.counts.get(e) ?? 0), 0));
    expect({ lost: emailTimes.filter((c) => c === 0).length, duplicated: emailTimes.filter((c) => c > 1).length }).toEqual({ lost: 0, duplicated: 0 });
    expect(sinks[0].accepted + sinks[1].accepted).toBe(N);
    // SMS: once per number across both stubs.
    const smsCount = new Map<string, number>();
    for (const s of stubs) for (const m of s.messages) smsCount.set(m.to, (smsCount.get(m.to) ?? 0) + 1);
    const smsTimes = phones.map((p) => smsCount.get(p) ?? 0);
    expect({ lost: smsTimes.filter((c) => c === 0).length, duplicated: smsTimes.filter((c) => c > 1).length }).toEqual({ lost: 0, duplicated: 0 });
    expect(stubs[0].messages.length + stubs[1].messages.length).toBe(N);
    // Each worker sent its share.
    log(`e-mail ${sinks[0].accepted} + ${sinks[1].accepted}; SMS ${stubs[0].messages.length} + ${stubs[1].messages.length}`);
    for (const s of sinks) expect(s.accepted).toBeGreaterThan(0);
    for (const s of stubs) expect(s.messages.length).toBeGreaterThan(0);
  }, 300_000);
});
