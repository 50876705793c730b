// Process and database faults, for real: the production build of the worker runs as a child
// process (`node dist/apps/worker/src/main.js`), is killed with SIGKILL mid-send and replaced;
// and a PostgreSQL of its own is stopped and started again under a running API and worker.
// The test's own API (RUN_WORKER=false) composes and sends through HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotificationService } from '@beacon/channels';
import { JobName, QUEUE_POLICIES, startEmbeddedPostgres, type EmbeddedDatabase } from '@beacon/core';
import { OUTCOME_CHUNK } from '../libs/messaging/src/sending/outcome-writer';
import { migrate } from '../migrations/data-source';
import { ensureBuilt, startChild, WORKER_MAIN, type ChildApp } from './utils/built-app';
import { makeResidents } from './utils/factories';
import { freePort } from './utils/free-port';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, TEST_SECRETS, type TestApp } from './utils/test-app';

type Auth = [string, string];
const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// A worker writes outcomes in chunks (OutcomeWriter: OUTCOME_CHUNK outcomes, or what finished within
// OUTCOME_LINGER_MS), one write at a time per send job; when it dies, what the relay accepted but
// the worker had not yet written (the chunk being written and the one filling, plus the e-mails in
// flight on its EMAIL_CONCURRENCY connections) is sent again by its replacement. Two chunks per
// send job bound the duplicates of one SIGKILL; a worker that wrote outcomes only at the end of
// each claimed batch (1,000 rows here) would break it.
const UNWRITTEN_PER_JOB = 2 * OUTCOME_CHUNK;
const EMAIL_CONCURRENCY = 20;
const SEND_JOBS_PER_WORKER = QUEUE_POLICIES[JobName.SendEmail].concurrency;
const DUPLICATE_BOUND = (UNWRITTEN_PER_JOB + EMAIL_CONCURRENCY) * SEND_JOBS_PER_WORKER;

describe('faults: worker killed, PostgreSQL restarted', () => {
  const children: ChildApp[] = [];
  const apps: TestApp[] = [];
  const sinks: SmtpSink[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-faults-'));

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterEach(async () => {
    for (const c of children.splice(0)) await c.stop();
    for (const a of apps.splice(0)) await a.close();
    for (const s of sinks.splice(0)) await s.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const workerEnv = (databaseUrl: string, smtpUrl: string): Record<string, string> => ({
    ...TEST_SECRETS,
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://beacon.test',
    DATA_DIR: dataDir,
    STALE_SENDING_SECONDS: '3',
    DELIVERY_RETRY_BASE_SECONDS: '1',
  });
  const startWorker = async (env: Record<string, string>) => {
    const w = await startChild(WORKER_MAIN, env, /Worker started/);
    children.push(w);
    return w;
  };
  const startApi = async (env: Record<string, string>) => {
    const t = await createTestApp({ RUN_WORKER: 'false', ...env });
    apps.push(t);
    await seedGeography(t);
    return { t, eco: (await loginAs(t, 'eco', 'BE')).auth as Auth };
  };
  const send = async (t: TestApp, eco: Auth, interest: string) => {
    const res = await t.http().post('/api/v1/messages').set(...eco).send({ title: 'Fault test', body: 'Hello', category: 'crime_alert', channels: ['email'], audience: { interestGroups: [interest] } }).expect(201);
    await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...eco).expect(202);
    return res.body.id as string;
  };
  const status = async (t: TestApp, id: string) => (await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [id]))[0]?.status;
  const deliveryStates = (t: TestApp, id: string) =>
    t.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM delivery WHERE message_id = $1 GROUP BY status ORDER BY status', [id]);
  const tally = (sink: SmtpSink, emails: string[]) => {
    const per = emails.map((e) => sink.counts.get(e) ?? 0);
    return { lost: per.filter((c) => c === 0).length, duplicates: per.filter((c) => c > 1).length, extra: per.reduce((a, c) => a + Math.max(0, c - 1), 0) };
  };

  it('worker killed with SIGKILL mid-send and replaced: nothing lost, duplicates within the unflushed window', async () => {
    const N = 3000;
    const sink = await startSmtpSink({ parse: false, delayMs: 5 }); // a slow-ish relay, so the kill lands mid-batch
    sinks.push(sink);
    const { t, eco } = await startApi({ SMTP_URL: sink.url });
    const { emails } = await makeResidents(t, { count: N, ward: 'BE01', prefix: 'sigkill', interest: 'student' });
    const env = workerEnv(t.config.db.url!, sink.url);
    const first = await startWorker(env);

    const started = Date.now();
    const id = await send(t, eco, 'student');
    await waitUntil(() => sink.accepted >= 600, 60_000, '600 e-mails accepted');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await first.exited).toBe('SIGKILL');
    const [atKill] = await t.sql<{ sending: number; sent: number }>(
      `SELECT count(*) FILTER (WHERE status = 'sending')::int AS sending, count(*) FILTER (WHERE status = 'sent')::int AS sent FROM delivery WHERE message_id = $1`,
      [id],
    );
    const acceptedAtKill = sink.accepted;

    await startWorker(env); // the replacement (stopped with the other children after the test)
    const bootedAt = Date.now();
    await waitUntil(async () => (await status(t, id)) === 'sent', 90_000, 'message sent by the replacement worker');
    const doneAt = Date.now();

    // Every recipient: exactly one delivery row, and it is 'sent'.
    expect(await deliveryStates(t, id)).toEqual([{ status: 'sent', n: N }]);
    const { lost, duplicates, extra } = tally(sink, emails);
    expect(lost).toBe(0);
    // The at-least-once window: e-mails the relay accepted whose outcome the dead worker had not
    // yet written. Only rows it held 'sending' can be sent twice (target zero; bound above).
    log(
      `SIGKILL: ${N} recipients; killed after ${acceptedAtKill} accepted (${atKill.sent} recorded sent, ${atKill.sending} claimed 'sending'); ` +
        `replacement booted in ${seconds(bootedAt - killedAt)}, all sent ${seconds(doneAt - killedAt)} after the kill (${seconds(doneAt - started)} in all); ` +
        `lost ${lost}, recipients e-mailed twice ${duplicates} (extra e-mails ${extra}); bound ${DUPLICATE_BOUND}`,
    );
    expect(extra).toBe(duplicates); // nobody three times
    expect(duplicates).toBeLessThanOrEqual(atKill.sending);
    expect(duplicates).toBeLessThanOrEqual(DUPLICATE_BOUND);
  }, 150_000);

  it('PostgreSQL stopped and started again mid-send: API and worker reconnect, the send resumes, everyone gets the e-mail', async () => {
    const N = 2000;
    // Its own directory straight under tmp: as root, PostgreSQL runs as the `postgres` user, who cannot enter dataDir (0700).
    const pgDir = mkdtempSync(join(tmpdir(), 'beacon-faults-pg-'));
    const port = await freePort();
    const startPg = () => startEmbeddedPostgres({ dataDir: pgDir, port, database: 'beacon_faults', persistent: true, fsync: false });
    let pg: EmbeddedDatabase = await startPg();
    try {
      await migrate(pg.url);
      const sink = await startSmtpSink({ parse: false, delayMs: 5 });
      sinks.push(sink);
      const { t, eco } = await startApi({ DATABASE_URL: pg.url, SMTP_URL: sink.url });
      const { emails } = await makeResidents(t, { count: N, ward: 'BE01', prefix: 'pgrestart', interest: 'student' });
      // Claims older than STALE_SENDING_SECONDS look like a dead worker's; keep that above the
      // outage (as the 120 s default is) so the restart alone never re-queues live work.
      const worker = await startWorker({ ...workerEnv(pg.url, sink.url), STALE_SENDING_SECONDS: '30' });

      const id = await send(t, eco, 'student');
      await waitUntil(() => sink.accepted >= 400, 60_000, '400 e-mails accepted');
      // Keep the worker's one-off queue busy too, so jobs finish while PostgreSQL is down: pg-boss
      // then fails to mark them done (a rejection nobody awaits), which must not end the process.
      const notify = t.app.get(NotificationService);
      await makeResidents(t, { count: 200, ward: 'BE01', prefix: 'notify' }); // not in the broadcast's audience
      const notifyIds = await t.sql<{ id: string }>(`SELECT id FROM resident WHERE email LIKE 'notify%@example.org'`);
      for (const { id: residentId } of notifyIds) await notify.enqueueEmail('resident.sign-in', { residentId });
      await pg.stop();
      const downAt = Date.now();
      const acceptedAtStop = sink.accepted;
      await new Promise((r) => setTimeout(r, 3000));
      // While the database is down the API answers 503 from /health, and nothing crashes.
      await t.http().get('/health').expect(503);
      pg = await startPg();
      const upAt = Date.now();

      const workerAlive = () => {
        if (worker.child.exitCode !== null) throw new Error(`The worker process ended (${worker.child.exitCode}):\n${worker.output()}`);
      };
      await waitUntil(async () => (workerAlive(), (await status(t, id).catch(() => undefined)) === 'sent'), 120_000, 'message sent after PostgreSQL came back');
      const doneAt = Date.now();
      workerAlive(); // the same worker process carried on
      await t.http().get(`/api/v1/messages/${id}`).set(...eco).expect(200); // and the API's pool reconnected
      await t.http().get('/health').expect(200);

      expect(await deliveryStates(t, id)).toEqual([{ status: 'sent', n: N }]);
      const { lost, duplicates } = tally(sink, emails);
      expect(lost).toBe(0);
      log(
        `PostgreSQL restart: ${N} recipients; stopped after ${acceptedAtStop} accepted, down ${seconds(upAt - downAt)}; ` +
          `all sent ${seconds(doneAt - upAt)} after it came back; lost ${lost}, recipients e-mailed twice ${duplicates}`,
      );
      expect(duplicates).toBe(0); // outcomes were held and written once PostgreSQL was back
    } finally {
      for (const c of children.splice(0)) await c.stop();
      for (const a of apps.splice(0)) await a.close().catch(() => undefined);
      await pg.stop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  }, 180_000);
});
