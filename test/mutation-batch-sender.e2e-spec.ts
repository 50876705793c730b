// One claimed batch on its way to the providers (BatchSender), on real PostgreSQL, the SMTP sink
// and the Twilio stub (issue 27: the rules Stryker found untested in
// libs/messaging/src/sending/batch-sender.ts). No worker runs here (RUN_WORKER false): each test
// fans out a message, claims its rows and runs one batch itself, as a send job does, then reads
// what the batch returned, wrote and sent. Rules: every row sent once and recorded with the
// provider's id; an ineligible resident never sent to; a cancel mid-batch stops the remaining
// rows (they become cancelled); a throttling or unreachable provider hands rows back unspent;
// transient failures wake a retry; N provider errors in a row pause, a success resets the run;
// a permanent failure suspends the address; the claim's lease renewed while the batch runs;
// the channel's concurrency and rate cap; nothing of a finished batch keeps running; a write
// that fails for good stops the batch and hands back what never started; the log lines name what
// went wrong. Database faults are real where one statement can be made to fail (a table renamed
// for the moment); a dropped connection is an error with pg's SQLSTATE given to one call.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { MetricsService } from '../libs/core/src/metrics/metrics.service';
import { FanOutRepository } from '../libs/messaging/src/fan-out/fan-out.repository';
import { MessageContextService } from '../libs/messaging/src/message-context';
import { MessageRepository } from '../libs/messaging/src/message.repository';
import { BatchSender, BatchSenderDeps } from '../libs/messaging/src/sending/batch-sender';
import { ClaimRepository } from '../libs/messaging/src/sending/claim.repository';
import { makeResidents } from './utils/factories';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, type TestApp } from './utils/test-app';
import { startTwilioStub, type TwilioStub } from './utils/twilio-stub';

const PAUSE_AFTER = 3;
const EMAIL_CONCURRENCY = 4;
const SMS_RATE = 5;

describe('one batch to the providers (batch-sender)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let stub: TwilioStub;
  let authorId: string;
  let seq = 0;
  /** The SMTP sink answers no message before this settles (set per test; settled by default). */
  let relayGate: Promise<unknown> = Promise.resolve();
  const smtpHold = { then: (f: () => void) => relayGate.then(f) } as unknown as Promise<unknown>;
  const logLines: string[] = [];
  const logTo = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  /** The app's log lines (pino JSON, as in production) of the Delivery logger since `from`. */
  const deliveryLog = (from = 0) =>
    logLines
      .slice(from)
      .map((l) => JSON.parse(l) as { context?: string; msg?: string; messageId?: string; what?: string; err?: string })
      .filter((l) => l.context === 'Delivery');

  beforeAll(async () => {
    smtp = await startSmtpSink({ holdUntil: smtpHold });
    stub = await startTwilioStub();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      ...stub.env(),
      RUN_WORKER: 'false',
      DELIVERY_RETRY_BASE_SECONDS: '1',
      DELIVERY_MAX_ATTEMPTS: '4',
      MESSAGE_PAUSE_AFTER_ERRORS: String(PAUSE_AFTER),
      STALE_SENDING_SECONDS: '1', // the lease is renewed every 500 ms
      EMAIL_CONCURRENCY: String(EMAIL_CONCURRENCY),
      SMS_CONCURRENCY: '1',
      SMS_RATE_PER_SECOND: String(SMS_RATE),
    }, { logTo, logLevel: 'info' });
    // A ward and an author of its own, in SQL (the geography import and a sign-in would cost each Stryker run seconds).
    await t.sql(`INSERT INTO npu (code, name) VALUES ('BS', 'Batches')`);
    const [{ id: hood }] = await t.sql<{ id: string }>(`INSERT INTO neighbourhood (npu_code, name) VALUES ('BS', 'Batches') RETURNING id`);
    await t.sql(`INSERT INTO ward (code, name, npu_code, neighbourhood_id) VALUES ('BS01', 'Batches', 'BS', $1)`, [hood]);
    [{ id: authorId }] = await t.sql<{ id: string }>(`INSERT INTO staff (email, name, role) VALUES ('batches@example.org', 'Batches', 'eco') RETURNING id`);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await stub?.close();
  });

  const gate = () => {
    let open!: () => void;
    const p = new Promise<void>((ok) => (open = ok));
    return { p, open };
  };
  /** Runs a batch while the stub holds its SMS: `during` runs once the first is at the stub, then the stub answers. */
  const whileHeld = async (batch: BatchSender, during: () => Promise<void>) => {
    const held = gate();
    stub.holdUntil(held.p);
    const before = stub.requests;
    const run = batch.run();
    try {
      await waitUntil(() => stub.requests > before, 20_000, 'the first SMS at the stub');
      await during();
    } finally {
      held.open();
    }
    try {
      return await run;
    } finally {
      stub.holdUntil(Promise.resolve());
    }
  };
  /** A message being sent on `channel` to `count` new residents of BS01, its rows claimed (`limit` of them), and a batch ready to run. */
  const prepare = async (channel: 'email' | 'sms', count: number, opts: { limit?: number; before?: (rows: { id: string; resident_id: string }[]) => Promise<void> } = {}) => {
    await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE status = 'active'`); // earlier residents leave the audience
    await makeResidents(t, { count, ward: 'BS01', prefix: `batch${++seq}-`, channels: [channel] });
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, title, body, category, channels, audience, status, send_requested_at) VALUES ($1, 'Batch', 'Hello', 'crime_alert', $2, '{}', 'sending', now()) RETURNING id`,
      [authorId, [channel]],
    );
    const audience = { wardCodes: ['BS01'], topics: null, interestGroups: null, schemeIds: null, channels: [channel], priority: 'standard' as const };
    await t.app.get(FanOutRepository).insertForAudience(id, audience, new Date());
    const rows = await t.sql<{ id: string; resident_id: string }>(`SELECT id::text AS id, resident_id FROM delivery WHERE message_id = $1 ORDER BY resident_id`, [id]);
    await opts.before?.(rows);
    const batch = await t.app.get(ClaimRepository).claim(id, channel, opts.limit ?? 100);
    return { id, rows, batch, sender: async (b = batch) => batchFor(id, channel, b) };
  };
  const batchFor = async (id: string, channel: 'email' | 'sms', batch: Awaited<ReturnType<ClaimRepository['claim']>>, deps = t.app.get(BatchSenderDeps)) => {
    const message = (await t.app.get(MessageRepository).findById(id))!;
    const context = { ...(await t.app.get(MessageContextService).forMessage(message)), attachments: null };
    return new BatchSender(deps, message, context, channel, batch);
  };
  const rowsOf = (id: string) =>
    t.sql<{ id: string; phone: string | null; email: string | null; status: string; attempts: number; last_error: string | null; provider_id: string | null; not_before: Date | null; claimed: boolean }>(
      `SELECT d.id::text AS id, r.phone_e164 AS phone, r.email, d.status, d.attempts, d.last_error, d.provider_id, d.not_before, d.claimed_at IS NOT NULL AS claimed
         FROM delivery d JOIN resident r ON r.id = d.resident_id WHERE d.message_id = $1 ORDER BY d.resident_id`,
      [id],
    );
  const messageOf = async (id: string) => (await t.sql<{ status: string; paused_reason: string | null }>('SELECT status, paused_reason FROM message WHERE id = $1', [id]))[0];
  const metric = async (line: string) => {
    const text = await t.app.get(MetricsService).render();
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found ? Number(found.split(' ')[1]) : 0;
  };
  const smsTo = (phone: string | null) => stub.messages.filter((m) => m.to === phone);
  const retryJobs = (id: string) =>
    t.sql<{ start_after: Date }>(`SELECT start_after FROM pgboss.job WHERE name = 'send-sms' AND singleton_key = $1 AND state = 'created'`, [`${id}:retry`]);

  it('sends every row once, records it sent with the provider\'s id, and counts the outcomes', async () => {
    const { id, sender } = await prepare('sms', 3);
    const [delivered, sendSeconds] = [await metric('beacon_deliveries_total{channel="sms",outcome="sent"}'), await metric('beacon_provider_send_duration_seconds_count{channel="sms",result="sent"}')];
    const sendSum = await metric('beacon_provider_send_duration_seconds_sum{channel="sms",result="sent"}');
    const started = performance.now();
    expect(await (await sender()).run()).toBeUndefined();
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.status, r.attempts, r.last_error])).toEqual(rows.map(() => ['sent', 1, null]));
    for (const r of rows) expect(smsTo(r.phone).map((m) => m.sid)).toEqual([r.provider_id]);
    expect(await metric('beacon_deliveries_total{channel="sms",outcome="sent"}')).toBe(delivered + 3);
    expect(await metric('beacon_provider_send_duration_seconds_count{channel="sms",result="sent"}')).toBe(sendSeconds + 3);
    // The observed durations are real seconds: more than nothing, less than the whole batch took.
    const took = (await metric('beacon_provider_send_duration_seconds_sum{channel="sms",result="sent"}')) - sendSum;
    expect(took).toBeGreaterThan(0);
    expect(took).toBeLessThan((performance.now() - started) / 1000);
    expect(await retryJobs(id)).toEqual([]);
    expect(await messageOf(id)).toEqual({ status: 'sending', paused_reason: null });
  });

  it('a resident who turned the channel off after the fan-out is not sent to: the row is cancelled with the reason', async () => {
    let off = '';
    const { id, sender } = await prepare('email', 2, {
      before: async (rows) => {
        off = rows[0].resident_id;
        await t.sql(`UPDATE resident_channel SET enabled = false WHERE resident_id = $1`, [off]);
      },
    });
    expect(await (await sender()).run()).toBeUndefined();
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.status, r.last_error])).toEqual([
      ['cancelled', 'Resident unsubscribed or channel disabled before sending'],
      ['sent', null],
    ]);
    expect(smtp.messages.filter((m) => m.to.includes(rows[0].email!))).toHaveLength(0);
    expect(smtp.messages.filter((m) => m.to.includes(rows[1].email!))).toHaveLength(1);
  });

  it('a cancel during the batch: the send in flight completes, no further send starts, the remaining rows become cancelled', async () => {
    const { id, sender } = await prepare('sms', 4);
    const held = gate();
    stub.holdUntil(held.p);
    const before = stub.requests;
    const run = (await sender()).run();
    try {
      await waitUntil(() => stub.requests > before, 20_000, 'the first SMS at the stub');
      await t.sql(`UPDATE message SET status = 'cancelled' WHERE id = $1`, [id]);
      const view = t.app.get(BatchSenderDeps).statuses.watch(id, 'sending');
      try {
        await waitUntil(() => view.current() === 'cancelled', 20_000, 'the batch seeing the cancel');
      } finally {
        view.release();
      }
    } finally {
      held.open();
    }
    expect(await run).toEqual({ kind: 'halted' });
    stub.holdUntil(Promise.resolve());
    expect(stub.requests - before).toBe(1);
    const rows = await rowsOf(id);
    expect(rows.map((r) => r.status).sort()).toEqual(['cancelled', 'cancelled', 'cancelled', 'sent']);
    expect(rows.filter((r) => r.status === 'cancelled').map((r) => [r.attempts, r.claimed])).toEqual([[0, false], [0, false], [0, false]]);
  });

  it('Twilio throttling (429): the channel stops, every row goes back unspent, due when the 5 s pause ends', async () => {
    const { id, sender } = await prepare('sms', 3);
    const before = stub.requests;
    stub.failNext([{ status: 429, code: 20429, message: 'Too Many Requests' }]);
    const startedAt = Date.now();
    const stop = await (await sender()).run();
    expect(stop).toEqual({ kind: 'rate_limited', resumeAt: expect.any(Date) });
    const resumeAt = (stop as { resumeAt: Date }).resumeAt.getTime();
    expect(resumeAt).toBeGreaterThanOrEqual(startedAt + 5000);
    expect(resumeAt).toBeLessThanOrEqual(Date.now() + 5000);
    expect(stub.requests - before).toBe(1);
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.status, r.attempts, r.claimed, r.not_before?.getTime()])).toEqual(rows.map(() => ['queued', 0, false, resumeAt]));
    expect(await messageOf(id)).toEqual({ status: 'sending', paused_reason: null });
  });

  it('an unreachable relay: the channel stops, rows go back unspent, due after DELIVERY_RETRY_BASE_SECONDS; it is no provider error', async () => {
    const { id, sender } = await prepare('email', 2);
    const port = smtp.port;
    await smtp.close();
    let stop;
    const startedAt = Date.now();
    try {
      stop = await (await sender()).run();
    } finally {
      smtp = await startSmtpSink({ port, holdUntil: smtpHold });
    }
    expect(stop).toEqual({ kind: 'unavailable', resumeAt: expect.any(Date) });
    const resumeAt = (stop as { resumeAt: Date }).resumeAt.getTime();
    expect(resumeAt).toBeGreaterThanOrEqual(startedAt + 1000);
    expect(resumeAt).toBeLessThan(startedAt + 5000);
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.status, r.attempts, r.not_before?.getTime()])).toEqual(rows.map(() => ['queued', 0, resumeAt]));
    const [health] = await t.sql<{ n: number }>(`SELECT consecutive_errors AS n FROM message_channel_health WHERE message_id = $1 AND channel = 'email'`, [id]);
    expect(health).toEqual({ n: 0 });
  });

  it('a transient failure is retried later: the row waits with its attempt spent, and a retry job is due just after it', async () => {
    const { id, sender } = await prepare('sms', 2);
    stub.failNext([{ status: 500, code: 20500, message: 'Internal Server Error' }]);
    expect(await (await sender()).run()).toBeUndefined();
    const rows = await rowsOf(id);
    const waiting = rows.filter((r) => r.status === 'queued');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ attempts: 1, last_error: '20500 Internal Server Error' });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect((await retryJobs(id)).map((j) => j.start_after.getTime())).toEqual([waiting[0].not_before!.getTime() + 250]);
  });

  it('two rows due again at different times: the retry job is due just after the earlier one', async () => {
    // The second row has spent an attempt already: its backoff is twice the first's.
    const { id, sender } = await prepare('sms', 2, { before: async (rows) => void (await t.sql('UPDATE delivery SET attempts = 1 WHERE id = $1', [rows[1].id])) });
    stub.failNext([500, 500].map((status) => ({ status, code: 20500, message: 'Internal Server Error' })));
    expect(await (await sender()).run()).toBeUndefined();
    const waiting = (await rowsOf(id)).filter((r) => r.status === 'queued');
    expect(waiting.map((r) => r.attempts)).toEqual([1, 2]);
    const [first, second] = waiting.map((r) => r.not_before!.getTime());
    expect(second - first).toBeGreaterThan(500); // 1 s and 2 s of backoff (DELIVERY_RETRY_BASE_SECONDS 1)
    expect((await retryJobs(id)).map((j) => j.start_after.getTime())).toEqual([first + 250]);
  });

  it(`${PAUSE_AFTER} provider errors in a row pause the message with the reason; a success in a later batch resets the run`, async () => {
    // Exactly PAUSE_AFTER errors: paused.
    const a = await prepare('sms', PAUSE_AFTER, { before: async () => stub.failNext(Array.from({ length: PAUSE_AFTER }, () => ({ status: 500, code: 20500, message: 'Internal Server Error' }))) });
    expect(await (await a.sender()).run()).toEqual({ kind: 'paused' });
    expect(await messageOf(a.id)).toEqual({ status: 'paused', paused_reason: `Paused after ${PAUSE_AFTER} consecutive sms provider errors` });

    // Two errors, then a batch with a success and an error: the run is 1, not 3.
    const b = await prepare('sms', 4, { limit: 2 });
    stub.failNext([{ status: 500, code: 20500, message: 'Internal Server Error' }, { status: 500, code: 20500, message: 'Internal Server Error' }]);
    expect(await (await b.sender()).run()).toBeUndefined();
    expect(await messageOf(b.id)).toEqual({ status: 'sending', paused_reason: null });
    const next = await t.app.get(ClaimRepository).claim(b.id, 'sms', 2);
    expect(next).toHaveLength(2);
    stub.failNext([{ status: 500, code: 20500, message: 'Internal Server Error' }]);
    expect(await (await batchFor(b.id, 'sms', next)).run()).toBeUndefined();
    expect(await messageOf(b.id)).toEqual({ status: 'sending', paused_reason: null });
    const [health] = await t.sql<{ n: number }>(`SELECT consecutive_errors AS n FROM message_channel_health WHERE message_id = $1 AND channel = 'sms'`, [b.id]);
    expect(health).toEqual({ n: 1 });
  });

  it('a permanent failure (550) is recorded bounced with the reason and suspends that address; it is not retried', async () => {
    let bad = '';
    const { id, sender } = await prepare('email', 2, {
      before: async (rows) => {
        bad = rows[0].resident_id;
        const [{ email }] = await t.sql<{ email: string }>('SELECT email FROM resident WHERE id = $1', [bad]);
        smtp.rejectAddress(email, 550);
      },
    });
    expect(await (await sender()).run()).toBeUndefined();
    const rows = await rowsOf(id);
    expect(rows[0]).toMatchObject({ status: 'bounced', attempts: 1, last_error: expect.stringMatching(/^550 /) });
    expect(rows[1]).toMatchObject({ status: 'sent' });
    const [channel] = await t.sql<{ suspended: boolean; reason: string | null }>(
      `SELECT suspended_at IS NOT NULL AS suspended, suspended_reason AS reason FROM resident_channel WHERE resident_id = $1 AND channel = 'email'`,
      [bad],
    );
    expect(channel).toMatchObject({ suspended: true, reason: expect.any(String) });
    expect(await t.sql(`SELECT 1 FROM pgboss.job WHERE name = 'send-email' AND singleton_key = $1`, [`${id}:retry`])).toEqual([]);
  });

  it('the claim is a lease: renewed while a slow provider holds the batch, so the sweeper takes none of it', async () => {
    const { id, sender } = await prepare('sms', 2);
    await t.sql(`UPDATE delivery SET claimed_at = now() - interval '1 hour' WHERE message_id = $1`, [id]);
    const held = gate();
    stub.holdUntil(held.p);
    const before = stub.requests;
    const run = (await sender()).run();
    try {
      await waitUntil(() => stub.requests > before, 20_000, 'the first SMS at the stub');
      await waitUntil(
        async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1 AND claimed_at > now() - interval '1 minute'`, [id]))[0].n === 2,
        20_000,
        'both claims renewed',
      );
      expect(await t.app.get(ClaimRepository).requeueStale(60)).not.toContain(id);
      // Renewed every max(500 ms, STALE_SENDING_SECONDS / 3) = 500 ms here: two renewals in a row
      // are that far apart (setInterval never fires early; the upper bound leaves room for load).
      const claimedAt = async () => (await t.sql<{ at: string }>(`SELECT max(claimed_at)::text AS at FROM delivery WHERE message_id = $1`, [id]))[0].at;
      const renewedAt = async (after: string) => {
        let at = after;
        await waitUntil(async () => (at = await claimedAt()) !== after, 10_000, 'the next renewal');
        return at;
      };
      const one = await renewedAt(await claimedAt());
      const two = await renewedAt(one);
      const [{ gap }] = await t.sql<{ gap: number }>('SELECT extract(epoch FROM $2::timestamptz - $1::timestamptz) * 1000 AS gap', [one, two]);
      expect(Number(gap)).toBeGreaterThan(450);
      expect(Number(gap)).toBeLessThan(2500);
      expect(await t.app.get(ClaimRepository).requeueStale(1)).not.toContain(id); // within STALE_SENDING_SECONDS: nothing for the sweeper
    } finally {
      held.open();
    }
    expect(await run).toBeUndefined();
    stub.holdUntil(Promise.resolve());
    expect((await rowsOf(id)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it(`e-mail goes ${EMAIL_CONCURRENCY} at a time (EMAIL_CONCURRENCY), SMS one at a time (SMS_CONCURRENCY 1) and at most ${SMS_RATE} a second`, async () => {
    const mail = await prepare('email', EMAIL_CONCURRENCY + 1);
    const held = gate();
    relayGate = held.p;
    const received = smtp.received;
    const run = (await mail.sender()).run();
    try {
      await waitUntil(() => smtp.received - received === EMAIL_CONCURRENCY, 20_000, `${EMAIL_CONCURRENCY} e-mails in flight at once`);
    } finally {
      relayGate = Promise.resolve();
      held.open();
    }
    expect(await run).toBeUndefined();
    expect((await rowsOf(mail.id)).map((r) => r.status)).toEqual(Array.from({ length: EMAIL_CONCURRENCY + 1 }, () => 'sent'));

    const n = 2 * SMS_RATE;
    const sms = await prepare('sms', n);
    stub.holdReplies(50);
    const from = stub.log.length;
    try {
      expect(await (await sms.sender()).run()).toBeUndefined();
    } finally {
      stub.holdReplies(0);
    }
    const at = stub.log.slice(from).map((l) => l.at);
    expect(at).toHaveLength(n);
    // One at a time: each request after the previous answer (held 50 ms).
    at.slice(1).forEach((v, i) => expect(v - at[i]).toBeGreaterThanOrEqual(45));
    // The cap: a bucket of SMS_RATE, refilled at SMS_RATE a second, so n sends take at least (n − SMS_RATE) / SMS_RATE s.
    expect(at[n - 1] - at[0]).toBeGreaterThanOrEqual(((n - SMS_RATE) / SMS_RATE) * 1000 - 50);
  }, 60_000);
  /** What a dropped connection gives pg's caller (SQLSTATE 57P01, admin shutdown): retried by the outcome writer. */
  const connectionLost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

  it('a finished batch leaves nothing running: no lease renewal and no status read after it returns', async () => {
    const { id, sender } = await prepare('sms', 2);
    const deps = t.app.get(BatchSenderDeps);
    const renewals = jest.spyOn(deps.claims, 'renewClaims');
    const reads = jest.spyOn(deps.messages, 'findStatus');
    const ofThis = () => [renewals.mock.calls.length, reads.mock.calls.filter(([m]) => m === id).length];
    try {
      // While it runs, both timers fire (lease every 500 ms, status every 100 ms).
      expect(await whileHeld(await sender(), () => waitUntil(() => ofThis().every((n) => n > 0), 10_000, 'a renewal and a status read'))).toBeUndefined();
      const after = ofThis();
      await new Promise((r) => setTimeout(r, 1_200)); // more than two lease periods and ten status periods
      expect(ofThis()).toEqual(after);
    } finally {
      renewals.mockRestore();
      reads.mockRestore();
    }
  });

  it('the lease is renewed every STALE_SENDING_SECONDS / 3 when that is longer than 500 ms (3 s: every second)', async () => {
    const { id, batch } = await prepare('sms', 1);
    const deps = t.app.get(BatchSenderDeps);
    const slow = { ...deps, config: { ...deps.config, messaging: { ...deps.config.messaging, staleSendingSeconds: 3 } } } as BatchSenderDeps;
    const sender = await batchFor(id, 'sms', batch, slow);
    const at: number[] = [];
    const renew = deps.claims.renewClaims.bind(deps.claims);
    const renewals = jest.spyOn(deps.claims, 'renewClaims').mockImplementation((ids) => (at.push(performance.now()), renew(ids)));
    try {
      const started = performance.now();
      expect(await whileHeld(sender, () => waitUntil(() => at.length >= 2, 10_000, 'two renewals'))).toBeUndefined();
      expect(at[0] - started).toBeGreaterThanOrEqual(950);
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(950);
      expect(at[1] - at[0]).toBeLessThan(3_000);
    } finally {
      renewals.mockRestore();
    }
  });

  it('a renewal that fails is logged with the message and the error, and the batch still finishes', async () => {
    const { id, sender } = await prepare('sms', 1);
    const from = logLines.length;
    // Every renewal fails while the table is away (the send itself is held at the stub).
    const stop = await whileHeld(await sender(), async () => {
      await t.sql('ALTER TABLE delivery RENAME TO delivery_away');
      try {
        await waitUntil(() => deliveryLog(from).some((l) => l.msg === 'Could not renew claimed deliveries'), 10_000, 'the warning');
      } finally {
        await t.sql('ALTER TABLE delivery_away RENAME TO delivery');
      }
    });
    expect(stop).toBeUndefined();
    expect(deliveryLog(from).find((l) => l.msg === 'Could not renew claimed deliveries')).toMatchObject({ messageId: id, err: expect.stringMatching(/"delivery" does not exist/) });
    expect((await rowsOf(id)).map((r) => r.status)).toEqual(['sent']);
  });

  it('a write that fails for good mid-batch (a STOP suspension): no further send starts, the rows never started go back unspent, the error is thrown', async () => {
    const { id, sender } = await prepare('sms', 3);
    const before = stub.requests;
    stub.failNext([{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }]);
    // The suspension cannot be written: not a dropped connection, so it is not retried.
    await t.sql('ALTER TABLE resident_channel RENAME TO resident_channel_away');
    let thrown: unknown;
    try {
      await (await sender()).run().catch((err: unknown) => (thrown = err));
    } finally {
      await t.sql('ALTER TABLE resident_channel_away RENAME TO resident_channel');
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/"resident_channel" does not exist/);
    expect(stub.requests - before).toBe(1); // SMS_CONCURRENCY 1: nothing else had started
    const rows = await rowsOf(id);
    const first = rows.filter((r) => r.status === 'sending');
    // The one in hand when the write failed stays claimed for the sweeper (its outcome is unknown to the database).
    expect(first.map((r) => [r.attempts, r.claimed])).toEqual([[1, true]]);
    expect(rows.filter((r) => r.status === 'queued').map((r) => [r.attempts, r.claimed])).toEqual([[0, false], [0, false]]);
  });

  it('writes hit by a dropped connection are retried, and the log says which: the suspension and the released rows', async () => {
    const deps = t.app.get(BatchSenderDeps);
    // A STOP reply (21610) suspends the number; the first try of the suspension loses its connection.
    const a = await prepare('sms', 1);
    const suspend = jest.spyOn(deps.residentChannels, 'suspend').mockRejectedValueOnce(connectionLost());
    let from = logLines.length;
    stub.failNext([{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }]);
    try {
      expect(await (await a.sender()).run()).toBeUndefined();
    } finally {
      suspend.mockRestore();
    }
    expect(deliveryLog(from).filter((l) => l.msg === 'Database unreachable: write retried').map((l) => l.what)).toEqual(['channel suspension']);
    const [channel] = await t.sql<{ suspended: boolean }>(`SELECT suspended_at IS NOT NULL AS suspended FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`, [a.rows[0].resident_id]);
    expect(channel).toEqual({ suspended: true });

    // Throttled (429): the rows go back; the first try of that release loses its connection.
    const b = await prepare('sms', 2);
    const release = jest.spyOn(deps.claims, 'release').mockRejectedValueOnce(connectionLost());
    from = logLines.length;
    stub.failNext([{ status: 429, code: 20429, message: 'Too Many Requests' }]);
    try {
      expect(await (await b.sender()).run()).toEqual({ kind: 'rate_limited', resumeAt: expect.any(Date) });
    } finally {
      release.mockRestore();
    }
    expect(deliveryLog(from).filter((l) => l.msg === 'Database unreachable: write retried').map((l) => l.what)).toEqual(['released deliveries']);
    expect((await rowsOf(b.id)).map((r) => [r.status, r.claimed])).toEqual([['queued', false], ['queued', false]]);
  });

  it("the pause is logged at error level by the Delivery logger, with the message, channel and run", async () => {
    const from = logLines.length;
    const a = await prepare('sms', PAUSE_AFTER, { before: async () => stub.failNext(Array.from({ length: PAUSE_AFTER }, () => ({ status: 500, code: 20500, message: 'Internal Server Error' }))) });
    expect(await (await a.sender()).run()).toEqual({ kind: 'paused' });
    const line = logLines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Message paused after consecutive provider errors');
    expect(line).toMatchObject({ context: 'Delivery', level: 50, messageId: a.id, channel: 'sms', run: PAUSE_AFTER });
  });
});
