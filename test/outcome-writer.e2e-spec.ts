// The batch's outcome writer (libs/messaging/src/sending/outcome-writer.ts) against the real
// OutcomeRepository on real PostgreSQL, reached through a TCP proxy the test can cut: group
// commit, a write that fails (a row lock held past lock_timeout) and the last try in finish(),
// a database that goes away and comes back, and how long an unreachable database is waited for.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import pg from 'pg';
import { OutcomeRepository, type RecordedOutcome } from '../libs/messaging/src/sending/outcome.repository';
import { OUTCOME_CHUNK, OUTCOME_LINGER_MS, OutcomeWriter } from '../libs/messaging/src/sending/outcome-writer';
import type { CuttableProxy } from './utils/cuttable-proxy';
import { deliveryDatabase, type DeliveryDatabase } from './utils/delivery-rows';

interface LogLine {
  level: 'warn' | 'error';
  fields: Record<string, unknown>;
  text: string;
}

function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: Record<string, unknown>, text: string) => void lines.push({ level, fields, text });
  return { logger: { warn: at('warn'), error: at('error'), log: () => undefined, debug: () => undefined } as unknown as Logger, lines };
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outcome writer on real PostgreSQL', () => {
  let db: DeliveryDatabase;
  let proxy: CuttableProxy;
  let repo: OutcomeRepository;
  let messageId: string;
  /** Each row's partition key as the claim gives it (outcomes name rows by id and created_at). */
  const createdAt = new Map<string, string>();
  const claimed = async (count: number) => {
    const ids = await db.deliveries(count);
    for (const r of await db.sql<{ id: string; created_at: string }>(`SELECT id::text AS id, created_at::text AS created_at FROM delivery WHERE id = ANY($1::bigint[])`, [ids])) createdAt.set(r.id, r.created_at);
    return ids;
  };

  beforeAll(async () => {
    // lock_timeout: a write that meets a held row lock fails (55P03: not an outage) instead of waiting.
    db = await deliveryDatabase({ options: '-c lock_timeout=300' });
    proxy = db.proxy;
    repo = new OutcomeRepository(db.ds);
    messageId = db.messageId;
  });
  afterAll(() => db?.close());

  const statuses = async (ids: string[]) =>
    db.sql<{ id: string; status: string; provider_id: string | null; last_error: string | null }>(
      `SELECT id::text AS id, status, provider_id, last_error FROM delivery WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
  /** A transaction holding a row lock on `id` until `release()`. */
  async function rowLock(id: string): Promise<{ release(): Promise<void> }> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('SELECT 1 FROM delivery WHERE id = $1 FOR UPDATE', [id]);
    return {
      release: async () => {
        await c.query('ROLLBACK');
        await c.end();
      },
    };
  }
  const sent = (id: string, n: number): RecordedOutcome => ({ id, createdAt: createdAt.get(id)!, status: 'sent', providerId: `<m${n}@beacon.test>` });

  it('group commit: outcomes that finish within the linger share one write; each outcome is committed once', async () => {
    const ids = await claimed(5);
    const chunks: string[][] = [];
    const { logger, lines } = recordingLogger();
    const w = new OutcomeWriter(repo, logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
    ids.forEach((id, i) => w.add(sent(id, i)));
    await w.flush();
    expect(chunks).toEqual([ids]);
    expect(await statuses(ids)).toEqual(ids.map((id, i) => ({ id, status: 'sent', provider_id: `<m${i}@beacon.test>`, last_error: null })));
    expect({ troubled: w.troubled, failure: w.failure, lines }).toEqual({ troubled: false, failure: undefined, lines: [] });
  });

  describe('when a write starts (the clock stopped: only a full chunk or finish() starts one)', () => {
    afterEach(() => void jest.useRealTimers());
    /** Whether `check` holds within `ms` of real time (the real database answers while the fake clock stands still). */
    const within = async (check: () => boolean, ms = 2_000) => {
      const end = performance.now() + ms;
      while (!check() && performance.now() < end) await new Promise((r) => setImmediate(r));
      return check();
    };
    const settles = async (p: Promise<void>, ms = 2_000) => {
      let done = false;
      void p.then(() => (done = true));
      return within(() => done, ms);
    };

    it('fewer than a chunk wait for the linger; a full chunk is written at once; what comes after it waits for the linger again', async () => {
      jest.useRealTimers();
      const ids = await claimed(OUTCOME_CHUNK + 3);
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
      const chunks: string[][] = [];
      const w = new OutcomeWriter(repo, recordingLogger().logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
      w.add(sent(ids[0], 0));
      expect(await settles(w.flush(), 300)).toBe(false); // lingering: nothing written while the clock stands
      expect(chunks).toEqual([]);
      ids.slice(1, OUTCOME_CHUNK).forEach((id, i) => w.add(sent(id, i + 1))); // the chunk is full
      expect(await within(() => chunks.length === 1)).toBe(true);
      expect(chunks).toEqual([ids.slice(0, OUTCOME_CHUNK)]);
      ids.slice(OUTCOME_CHUNK).forEach((id, i) => w.add(sent(id, OUTCOME_CHUNK + i)));
      expect(await settles(w.flush(), 300)).toBe(false); // the 3 after it linger
      expect(chunks).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(OUTCOME_LINGER_MS);
      expect(await settles(w.flush())).toBe(true);
      expect(chunks).toEqual([ids.slice(0, OUTCOME_CHUNK), ids.slice(OUTCOME_CHUNK)]);
      expect((await statuses(ids)).every((r) => r.status === 'sent')).toBe(true);
    });

    it('finish() writes at once what is pending, without the linger', async () => {
      jest.useRealTimers();
      const [a, b] = await claimed(2);
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
      const chunks: string[][] = [];
      const w = new OutcomeWriter(repo, recordingLogger().logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
      w.add(sent(a, 1));
      w.add(sent(b, 2));
      expect(await settles(w.finish())).toBe(true);
      expect(chunks).toEqual([[a, b]]);
    });
  });

  it('an outcome added after the writer went idle starts a new write; flush with nothing to write resolves at once', async () => {
    const [a, b] = await claimed(2);
    const chunks: string[][] = [];
    const w = new OutcomeWriter(repo, recordingLogger().logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
    await w.flush();
    w.add(sent(a, 1));
    await w.flush();
    w.add({ id: b, createdAt: createdAt.get(b)!, status: 'failed', error: '550 No such user' });
    await w.flush();
    expect(chunks).toEqual([[a], [b]]);
    expect((await statuses([a, b])).map((r) => r.status)).toEqual(['sent', 'failed']);
    await w.finish();
    expect(chunks).toEqual([[a], [b]]);
  });

  it('a write that fails (not an outage): troubled, nothing more written, finish() writes everything once in one last try', async () => {
    const ids = await claimed(3);
    const chunks: string[][] = [];
    const { logger, lines } = recordingLogger();
    const w = new OutcomeWriter(repo, logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
    const lock = await rowLock(ids[0]);
    try {
      w.add(sent(ids[0], 0));
      w.add(sent(ids[1], 1));
      await w.flush();
      expect(w.troubled).toBe(true);
      expect(String((w.failure?.err as Error).message)).toMatch(/lock timeout/);
      w.add(sent(ids[2], 2));
      await w.flush(); // the writer has failed: no new write
      expect(chunks).toEqual([]);
      expect((await statuses(ids)).map((r) => r.status)).toEqual(['sending', 'sending', 'sending']);
      expect(lines).toEqual([]); // a lock timeout is not an outage: no retry
    } finally {
      await lock.release();
    }
    await w.finish();
    expect(chunks).toEqual([ids]);
    expect((await statuses(ids)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(lines).toEqual([]);
  });

  it('when the last try fails too: one error line with the count, the rows left claimed for the sweeper', async () => {
    const ids = await claimed(2);
    const chunks: string[][] = [];
    const { logger, lines } = recordingLogger();
    const w = new OutcomeWriter(repo, logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
    const lock = await rowLock(ids[1]);
    try {
      w.add(sent(ids[0], 0));
      await w.flush();
      w.add(sent(ids[1], 1));
      await w.finish();
    } finally {
      await lock.release();
    }
    expect(chunks).toEqual([[ids[0]]]); // the first write went through; the second and the last try failed
    expect((await statuses(ids)).map((r) => r.status)).toEqual(['sent', 'sending']);
    expect(lines).toEqual([
      {
        level: 'error',
        fields: { messageId, outcomes: 1, err: expect.stringMatching(/lock timeout/) },
        text: 'Delivery outcomes not written: their rows go back to the queue when their claim goes stale',
      },
    ]);
    expect(w.troubled).toBe(true);
  });

  it('the database goes away and comes back: the write waits (250 ms, then 500 ms …), then lands; troubled meanwhile', async () => {
    const ids = await claimed(2);
    const chunks: string[][] = [];
    const { logger, lines } = recordingLogger();
    const w = new OutcomeWriter(repo, logger, messageId, (chunk) => chunks.push(chunk.map((o) => o.id)));
    await proxy.cut();
    try {
      w.add(sent(ids[0], 0));
      w.add(sent(ids[1], 1));
      await until('two retries', () => lines.length >= 2);
      expect(w.troubled).toBe(true);
      expect(chunks).toEqual([]);
    } finally {
      await proxy.open();
    }
    await w.flush();
    expect(lines.slice(0, 2)).toEqual([
      { level: 'warn', fields: { what: 'delivery outcomes', err: expect.any(String), retryInMs: 250 }, text: 'Database unreachable: write retried' },
      { level: 'warn', fields: { what: 'delivery outcomes', err: expect.any(String), retryInMs: 500 }, text: 'Database unreachable: write retried' },
    ]);
    expect(lines.every((l) => l.level === 'warn')).toBe(true);
    expect(chunks).toEqual([ids]); // added within the linger: one write
    expect(w.failure).toBeUndefined();
    expect((await statuses(ids)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  describe('persist: how long an unreachable database is waited for', () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    beforeEach(() => void jest.useFakeTimers({ now: new Date('2026-03-10T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => void jest.useRealTimers());

    it('retries every 250, 500, then 1,000 ms for 60 s, then gives up with the last error', async () => {
      const { logger, lines } = recordingLogger();
      const w = new OutcomeWriter(repo, logger, messageId);
      const calls: number[] = [];
      const start = Date.now();
      const result = w.persist('x', () => (calls.push(Date.now() - start), Promise.reject(refused())));
      let settled: unknown = 'pending';
      result.then(
        () => (settled = 'resolved'),
        (err: Error) => (settled = err),
      );
      await jest.advanceTimersByTimeAsync(59_749);
      expect(settled).toBe('pending');
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toEqual(expect.objectContaining({ code: 'ECONNREFUSED' }));
      // at 0, 250, 750, then every second: 1,750 … 59,750 (the next wait would end after 60 s)
      expect(calls).toEqual([0, 250, ...Array.from({ length: 60 }, (_, k) => 750 + 1000 * k)]);
      expect(lines.map((l) => l.fields.retryInMs)).toEqual([250, 500, ...Array.from({ length: 59 }, () => 1000)]);
      expect(lines.every((l) => l.fields.what === 'x')).toBe(true);
      expect(w.troubled).toBe(true);
    });

    it('returns what the write returned once the database answers', async () => {
      const w = new OutcomeWriter(repo, recordingLogger().logger, messageId);
      let n = 0;
      const result = w.persist('x', () => (++n < 3 ? Promise.reject(refused()) : Promise.resolve('written')));
      await jest.advanceTimersByTimeAsync(750);
      await expect(result).resolves.toBe('written');
      expect(n).toBe(3);
    });

    it('an error that is not an outage is thrown at once: no retry, not troubled', async () => {
      const { logger, lines } = recordingLogger();
      const w = new OutcomeWriter(repo, logger, messageId);
      let n = 0;
      const dup = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
      await expect(w.persist('x', () => (n++, Promise.reject(dup)))).rejects.toBe(dup);
      expect({ n, troubled: w.troubled, lines }).toEqual({ n: 1, troubled: false, lines: [] });
    });
  });
});
