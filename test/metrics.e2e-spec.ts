// GET /metrics (Prometheus): closed unless METRICS_TOKEN is set, then only with that bearer
// token; delivery counters move when a message is sent, HTTP requests are labelled by route
// template, queue depth and pool use are read on scrape.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, MetricsService, QueueService } from '@beacon/core';
import { makeResidents } from './utils/factories';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';

type Auth = [string, string];
const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) && Object.keys(labels).length === 0) return Number(line.slice(name.length + 1));
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('GET /metrics', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let eco: Auth;
  const scrape = async () => (await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({ SMTP_URL: smtp.url, METRICS_TOKEN: TOKEN });
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('without a token or with a wrong one: 401 in the standard body, no metrics', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const req = t.http().get('/metrics');
      const res = await (auth ? req.set('Authorization', auth) : req);
      expect([auth, res.status]).toEqual([auth, 401]);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.text).not.toContain('beacon_');
    }
  });

  it('delivery counters move by the e-mails a message sends; HTTP requests are counted by route template and status', async () => {
    const before = await scrape();
    const { emails } = await makeResidents(t, { count: 3, ward: 'BE01', prefix: 'metrics', interest: 'student' });
    const res = await t.http().post('/api/v1/messages').set(...eco).send({ title: 'Metrics', body: 'Hello', category: 'crime_alert', channels: ['email'], audience: { interestGroups: ['student'] } }).expect(201);
    const id = res.body.id as string;
    await t.http().post(`/api/v1/messages/${id}/send`).set(...eco).expect(202);
    await waitUntil(async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1 AND status = 'sent'`, [id]))[0].n === emails.length, 20_000, 'all sent');
    await t.http().get(`/api/v1/messages/${id}`).set(...eco).expect(200);
    const after = await scrape();
    const sent = (text: string) => sample(text, 'beacon_deliveries_total', { channel: 'email', outcome: 'sent' });
    expect(sent(after) - sent(before)).toBe(emails.length);
    // Provider latency per send, and the fan-out's duration, observed once per send / per message.
    const providerSends = (text: string) => sample(text, 'beacon_provider_send_duration_seconds_count', { channel: 'email', result: 'sent' });
    expect(providerSends(after) - providerSends(before)).toBe(emails.length);
    expect(sample(after, 'beacon_provider_send_duration_seconds_sum', { channel: 'email', result: 'sent' })).toBeGreaterThan(0);
    expect(sample(after, 'beacon_fan_out_duration_seconds_count', {}) - sample(before, 'beacon_fan_out_duration_seconds_count', {})).toBe(1);
    // One GET of the message and one send between the two scrapes.
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('beacon_http_requests_total', { method: 'GET', route: '/api/v1/messages/:id', status: '200' })).toBe(1);
    expect(moved('beacon_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/messages/:id/send', status: '202' })).toBe(1);
    // No raw URL (an id, a token) ever becomes a label.
    expect(after).not.toContain(id);
    expect(sample(after, 'beacon_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
  }, 60_000);

  it('rate-limit rejections are counted by bucket', async () => {
    const count = async () => sample(await scrape(), 'beacon_rate_limit_rejections_total', { bucket: 'staff-login' });
    const before = await count();
    let refused = 0;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await t.http().post('/api/v1/auth/staff/login').send({ email: 'nobody@test.local', password: 'wrong-password-1' });
      if (r.status === 429) refused++;
    }
    expect(refused).toBe(1);
    expect((await count()) - before).toBe(1);
  }, 60_000);
});

describe('GET /metrics without METRICS_TOKEN, and queue gauges', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RUN_WORKER: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a 404, with or without a bearer token', async () => {
    await t.http().get('/metrics').expect(404);
    await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });

  it('queue depth and the oldest job age per job name come from pg-boss', async () => {
    await t.app.get(QueueService).send(JobName.ImportCommit, { importId: '00000000-0000-4000-8000-000000000000' });
    await t.app.get(QueueService).send(JobName.ImportCommit, { importId: '00000000-0000-4000-8000-000000000001' });
    await t.sql(`UPDATE pgboss.job SET created_on = now() - interval '90 seconds' WHERE name = $1`, [JobName.ImportCommit]);
    const text = await t.app.get(MetricsService).render();
    expect(sample(text, 'beacon_queue_depth', { name: JobName.ImportCommit })).toBe(2);
    expect(sample(text, 'beacon_queue_oldest_job_age_seconds', { name: JobName.ImportCommit })).toBeGreaterThanOrEqual(90);
  });
});
