// Ctrl-C on `npm start`: the terminal sends SIGINT to the whole foreground process group. The
// built API (embedded PostgreSQL, worker in-process) must stop HTTP, let the send in flight
// finish, stop pg-boss, then PostgreSQL, print a couple of lines with no error, and exit 0.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '@beacon/core';
import { API_MAIN, ensureBuilt, isAlive, startChild, type ChildApp } from './utils/built-app';
import { makeResidents } from './utils/factories';
import { freePort } from './utils/free-port';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';


/** Lines that are pino JSON at error level or above, or look like a stack or an error dump. */
const errorLines = (output: string) =>
  output.split('\n').filter((l) => {
    if (/^\s+at |Error:|ECONNRESET|Connection terminated/.test(l)) return true;
    try {
      return (JSON.parse(l) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });

const ADMIN = { ADMIN_EMAIL: 'admin.stop@test.local', ADMIN_PASSWORD: 'admin-password-123' };

describe('Ctrl-C on npm start', () => {
  let dir: string;
  let smtp: SmtpSink;
  const children: ChildApp[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'beacon-shutdown-'));
    chmodSync(dir, 0o755);
    // Each e-mail takes 1.5 s to be accepted: the batch is in flight when the signal comes.
    smtp = await startSmtpSink({ delayMs: 1500 });
  }, 180_000);
  afterAll(async () => {
    for (const c of children) await c.stop();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGINT to the process group: HTTP, sends in flight, queue and PostgreSQL stop in order; exit 0, a few lines, no error', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const env = { ...ADMIN, DATA_DIR: dir, EMBEDDED_PG_PORT: String(pgPort), PORT: String(port), SEED_DEMO: 'false', LOG_LEVEL: 'info', LOG_FORMAT: 'json', SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_SECONDS: '20', STAFF_MFA_REQUIRED_ROLES: 'none', FANOUT_PARALLELISM: '1' }; // API sign-in by password (MFA is tested in staff-identity); one fan-out range, so the three e-mails are one batch in flight
    const app = await startChild(API_MAIN, env, /Beacon is running/, 120_000, { detached: true });
    children.push(app);
    const postmaster = Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

    // A send in flight: three residents, each e-mail taking 1.5 s at the relay.
    const base = `http://127.0.0.1:${port}`;
    const call = async (path: string, init: { method?: string; token?: string; json?: unknown; csv?: string } = {}) => {
      const res = await fetch(base + path, {
        method: init.method ?? 'POST',
        headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), 'content-type': init.csv !== undefined ? 'text/csv' : 'application/json' },
        body: init.csv ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
      });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const admin = (await call('/api/v1/auth/staff/login', { json: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD } })).accessToken;
    await call('/api/v1/geography/import', { token: admin, csv: 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\nBE,Birmingham East,Hodge Hill,BE01,Hodge Hill,27000\n' });
    await call('/api/v1/staff', { token: admin, json: { email: 'eco.stop@test.local', name: 'Eco', password: 'eco-password-123', role: 'eco', npuCode: 'BE' } });
    const eco = (await call('/api/v1/auth/staff/login', { json: { email: 'eco.stop@test.local', password: 'eco-password-123' } })).accessToken;
    const db = new pg.Pool({ connectionString: `postgres://postgres:beacon@localhost:${pgPort}/beacon`, max: 1 });
    try {
      await makeResidents({ sql: async (text, values) => (await db.query(text, values)).rows }, { count: 3, ward: 'BE01', prefix: 'shutdown', interest: 'student' });
    } finally {
      await db.end();
    }
    const { id: messageId } = await call('/api/v1/messages', { token: eco, json: { title: 'Stop test', body: 'Hello', category: 'crime_alert', channels: ['email'], audience: { interestGroups: ['student'] } } });
    await call(`/api/v1/messages/${messageId}/send`, { token: eco });
    await waitUntil(() => smtp.messages.length >= 1, 30_000, 'the first e-mail reached the relay');

    const before = app.output().split('\n').length;
    process.kill(-app.pid, 'SIGINT');
    const code = await app.exited;
    const after = app.output().split('\n').slice(before);
    expect(code).toBe(0);
    expect(errorLines(app.output())).toEqual([]);
    expect(after.length).toBeLessThanOrEqual(3);
    expect(after.join('\n')).toMatch(/SIGINT: stopping/);
    expect(after.join('\n')).toMatch(/Stopped in \d+ ms \(PostgreSQL too\)/);
    expect(isAlive(postmaster)).toBe(false);
    // The batch in flight was drained, not cut off: every e-mail the relay was sending was accepted.
    expect(smtp.messages.length).toBe(3);
    // …and their outcomes were written before the database stopped: no row left claimed (a resend).
    const again = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, database: 'beacon', persistent: true });
    const check = new pg.Client({ connectionString: again.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ status: string }>(`SELECT status FROM delivery WHERE message_id = $1`, [messageId]);
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    } finally {
      await check.end();
      await again.stop();
    }
  }, 180_000);
});
