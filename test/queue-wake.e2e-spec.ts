// Send → the worker starts at once (issue 24: first e-mail in a second). The API that sends runs
// no queue consumer; the worker polls only every 30 s here, so a message that reaches its reader
// within 10 s was woken through PostgreSQL LISTEN/NOTIFY, not found by a poll. The wake-up
// connection is then killed: the worker reconnects and the next send is as quick.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeResidents } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

const POLL_SECONDS = 30;
/** Well under one poll: only a wake-up gets the message out this fast. */
const WOKEN_WITHIN_MS = 10_000;

describe('queue wake-ups across processes (LISTEN/NOTIFY)', () => {
  let api: TestApp;
  let worker: TestApp;
  let sink: SmtpSink;
  let eco: Auth;

  beforeAll(async () => {
    sink = await startSmtpSink({ parse: false });
    api = await createTestApp({ RUN_WORKER: 'false' });
    await seedGeography(api);
    ({ auth: eco } = await loginAs(api, 'eco', 'BE'));
    await makeResidents(api, { count: 3, ward: 'BE01', prefix: 'wake' });
    worker = await createTestApp({ DATABASE_URL: api.config.db.url!, SMTP_URL: sink.url, QUEUE_POLL_SECONDS: String(POLL_SECONDS) });
    // Its workers polled once as they started; the next poll is POLL_SECONDS away.
    await waitUntil(async () => (await listeners()).length === 1, 10_000, 'the worker LISTENing');
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.close();
  });

  const listeners = () => api.sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'beacon-queue-wake' AND query ILIKE 'LISTEN%'`);

  /** Sends a message from the API and returns how long its first e-mail took to reach the sink. */
  async function sendAndTime(): Promise<number> {
    const before = sink.accepted;
    const res = await compose(api, eco, { audience: { wardCodes: ['BE01'] } }).expect(201);
    const t0 = Date.now();
    await requestSend(api, eco, res.body.id);
    await waitUntil(() => sink.accepted > before, POLL_SECONDS * 2_000, 'the first e-mail');
    const ms = Date.now() - t0;
    await waitStatus(api, res.body.id, 'sent');
    return ms;
  }

  it('a message sent by a process without consumers is fanned out and sent by the worker at once', async () => {
    expect(await sendAndTime()).toBeLessThan(WOKEN_WITHIN_MS);
  }, 120_000);

  it('after its wake-up connection is lost, the worker listens again and is woken as before', async () => {
    const [{ pid }] = await listeners();
    await api.sql('SELECT pg_terminate_backend($1)', [pid]);
    await waitUntil(async () => (await listeners()).some((l) => l.pid !== pid), 15_000, 'a new LISTEN connection');
    expect(await sendAndTime()).toBeLessThan(WOKEN_WITHIN_MS);
  }, 120_000);
});
