import { beforeAll, describe, expect, it } from '@jest/globals';
import { AccessTokenService } from '@beacon/auth';
import { MessageLinksService } from '@beacon/messaging';
import { makeResident } from './utils/factories';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { createTestApp, loginAs } from './utils/test-app';

// RATE_LIMIT_MULTIPLIER lets `npm run bench` load public endpoints from one address; the
// limits still apply, scaled (the 1× limits are covered in residents.e2e-spec.ts).

describe('core: RATE_LIMIT_MULTIPLIER scales public rate limits', () => {
  const { t } = useSuite({ geography: true, env: { RATE_LIMIT_MULTIPLIER: '2' } });

  it('allows twice the sign-ups naming one address (5 → 10), then 429', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'scaled.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.http().post('/api/v1/residents').send(body)).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email = 'scaled.limit@example.org'`);
    expect(n).toBe(1);
  });

  // Concurrent requests share one counting statement: each must still get the count it would
  // have got alone, so exactly the limit passes and every attempt is counted.
  it('a concurrent burst naming one address: exactly 10 accepted, all 25 counted', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'burst.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const statuses = await Promise.all(Array.from({ length: 25 }, () => t.http().post('/api/v1/residents').send(body).then((r) => r.status)));
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email = 'burst.limit@example.org'`);
    expect(n).toBe(1);
    const [{ hits }] = await t.sql<{ hits: number }>(`SELECT sum(hits)::int AS hits FROM rate_limit_bucket WHERE key LIKE 'resident-signup:email:%' AND window_start > now() - interval '1 hour'`);
    expect(hits).toBe(11 + 25);
  });

  it('a concurrent burst of rating posts from one IP: exactly 120 (60 × 2) get past the limit, then 429', async () => {
    await awayFromWindowEdge(60);
    // A link that is not valid: past the limiter it is a 400, so the burst stores nothing.
    const statuses = await Promise.all(Array.from({ length: 130 }, () => t.http().post('/r/abc.def.ghijklmnopqrstuv').send({ score: 3 }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 400)).toHaveLength(120);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const [{ hits }] = await t.sql<{ hits: number }>(`SELECT sum(hits)::int AS hits FROM rate_limit_bucket WHERE key LIKE 'rating-link:ip:%'`);
    expect(hits).toBe(130);
  });

  // Sliding window: crossing into a new fixed window does not reset a count. The previous
  // window's hits carry over, weighted by how much of it lies within the last window-length.
  it('a window boundary does not reset a limit: the previous window carries over', async () => {
    await awayFromWindowEdge(3600);
    const body = { email: 'boundary.limit@example.org', firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true };
    const before = new Set((await t.sql<{ key: string }>('SELECT key FROM rate_limit_bucket')).map((r) => r.key));
    await t.http().post('/api/v1/residents').send(body).expect(202);
    const added = (await t.sql<{ key: string; window_start: Date }>('SELECT key, window_start FROM rate_limit_bucket')).filter((r) => !before.has(r.key));
    expect(added).toHaveLength(1); // the address's key (the IP's key existed already)
    // The address was used a million times in the previous hour-long window: however far into the
    // current window we are (at most 3,595 s of 3,600), that carries ≥ 1,388 hits, over the limit of 10.
    await t.sql(`INSERT INTO rate_limit_bucket (key, window_start, hits) VALUES ($1, $2::timestamptz - interval '3600 seconds', 1000000)`, [added[0].key, added[0].window_start]);
    await t.http().post('/api/v1/residents').send(body).expect(429);
    // Another address from the same IP is not affected.
    await t.http().post('/api/v1/residents').send({ ...body, email: 'boundary.other@example.org' }).expect(202);
  });

  it('rejects a multiplier below 1 at boot', async () => {
    await expect(createTestApp({ RATE_LIMIT_MULTIPLIER: '0' })).rejects.toThrow(/RATE_LIMIT_MULTIPLIER/);
  });
});

// Replies are written by a signed-in resident (API) or by whoever holds a rating link: limited
// per resident and per resident and message, whichever way they come in (5 an hour to one
// message, 20 an hour in all), so a token cannot flood an NPU inbox.
describe('engagement: replies are rate-limited per resident and per message', () => {
  const PER_MESSAGE = 5;
  const PER_RESIDENT = 20;
  const { t } = useSuite({ geography: true });
  let eco: [string, string];
  let topicSeq = 0;
  const TOPICS = ['events', 'appeals', 'meetings', 'road_safety', 'fraud_scams', 'crime_prevention'];

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as [string, string];
  });

  /** A message sent to just this resident (their own ward and topic); returns its id and their rating-link token. */
  async function sentTo(resident: { id: string }, ward: string, topic: string): Promise<{ messageId: string; token: string }> {
    const res = await t.http().post('/api/v1/messages').set(...eco).send({ title: 'Limit', body: 'Hello', category: 'crime_alert', channels: ['email'], audience: { wardCodes: [ward], topics: [topic] } }).expect(201);
    await t.http().post(`/api/v1/messages/${res.body.id}/send`).set(...eco).expect(202);
    await waitUntil(async () => (await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [res.body.id]))[0]?.status === 'sent', 20_000, 'message sent');
    const [d] = await t.sql<{ id: string }>('SELECT id::text AS id FROM delivery WHERE message_id = $1 AND resident_id = $2', [res.body.id, resident.id]);
    return { messageId: res.body.id, token: t.app.get(MessageLinksService).ratingUrl(d.id).split('/r/')[1] };
  }
  const residentAuth = (id: string): [string, string] => ['Authorization', `Bearer ${t.app.get(AccessTokenService).signResident(id)}`];
  const repliesOf = async (residentId: string) => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM reply WHERE resident_id = $1', [residentId]))[0].n;
  const newResident = async (ward: string) => {
    const topic = TOPICS[topicSeq++ % TOPICS.length];
    return { ...(await makeResident(t, { ward, channels: ['email'], topics: [topic] })), ward, topic };
  };

  it(`API: reply ${PER_MESSAGE + 1} to one message within the hour is 429 with Retry-After, and writes nothing`, async () => {
    const r = await newResident('BE01');
    const { messageId } = await sentTo(r, r.ward, r.topic);
    await awayFromWindowEdge(3600);
    const post = () => t.http().post(`/api/v1/messages/${messageId}/replies`).set(...residentAuth(r.id)).send({ body: 'Hello again' });
    for (let i = 0; i < PER_MESSAGE; i++) await post().expect(201);
    const refused = await post().expect(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many replies/i), code: 'RATE_LIMITED' });
    expect(await repliesOf(r.id)).toBe(PER_MESSAGE);
  });

  it(`API: across messages, reply ${PER_RESIDENT + 1} of one resident within the hour is 429, and writes nothing`, async () => {
    const r = await newResident('BE02');
    const messages: string[] = [];
    for (let i = 0; i < PER_RESIDENT / PER_MESSAGE + 1; i++) messages.push((await sentTo(r, r.ward, r.topic)).messageId);
    await awayFromWindowEdge(3600);
    for (const id of messages.slice(0, -1)) {
      for (let i = 0; i < PER_MESSAGE; i++) await t.http().post(`/api/v1/messages/${id}/replies`).set(...residentAuth(r.id)).send({ body: 'More' }).expect(201);
    }
    const refused = await t.http().post(`/api/v1/messages/${messages.at(-1)}/replies`).set(...residentAuth(r.id)).send({ body: 'One too many' }).expect(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(await repliesOf(r.id)).toBe(PER_RESIDENT);
  }, 120_000);

  it(`rating link: reply ${PER_MESSAGE + 1} is refused with the form and an error summary (429, Retry-After), nothing written; the API and the link share the count`, async () => {
    const r = await newResident('BE03');
    const { messageId, token } = await sentTo(r, r.ward, r.topic);
    await awayFromWindowEdge(3600);
    // Two through the API, three through the link: five to this message.
    for (let i = 0; i < 2; i++) await t.http().post(`/api/v1/messages/${messageId}/replies`).set(...residentAuth(r.id)).send({ body: 'Via the app' }).expect(201);
    for (let i = 0; i < PER_MESSAGE - 2; i++) await t.http().post(`/r/${token}/reply`).type('form').send({ body: 'Via the link' }).expect(303).expect('Location', `/r/${token}/replied`);
    const page = await t.http().post(`/r/${token}/reply`).type('form').send({ body: 'Kept <b>text</b>' }).expect(429);
    expect(page.headers['retry-after']).toBe('60');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // The GOV.UK error summary (an alert) linking to the reply box.
    expect(page.text).toMatch(/<div class="govuk-error-summary" data-module="govuk-error-summary">\s*<div role="alert">/);
    expect(page.text).toMatch(/<li>\s*<a href="#reply-body">[^<]*too many replies[^<]*<\/a>\s*<\/li>/i);
    // The form again, with what they typed (escaped), so nothing is lost.
    expect(page.text).toContain(`<form method="post" action="/r/${token}/reply" class="reply-form">`);
    expect(page.text).toContain('>Kept &lt;b&gt;text&lt;/b&gt;</textarea>');
    const json = await t.http().post(`/r/${token}/reply`).send({ body: 'JSON client' }).expect(429);
    expect(json.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
    expect(await repliesOf(r.id)).toBe(PER_MESSAGE);
  });
});

// Finding 4 (issue 14): the limiter hashed the raw body value before the DTO normalised it, so
// 15 spellings of one mobile got 15 SMS codes. Every per-value limit must count the value the
// DTO stores (E.164; trimmed, lower-cased e-mail), whatever its spelling.
describe('core: per-value rate limits count the normalised value', () => {
  const { t } = useSuite({ geography: true });
  let residentToken: string;
  beforeAll(async () => {
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO resident (email, first_name, ward_code, status, email_verified_at, activated_at, consent_at)
       VALUES ('spellings.owner@example.org', 'Jo', 'BE01', 'active', now(), now(), now()) RETURNING id`,
    );
    await t.sql(`INSERT INTO resident_channel (resident_id, channel) VALUES ($1, 'email')`, [r.id]);
    residentToken = t.app.get(AccessTokenService).signResident(r.id);
  });

  /** n distinct spellings of one e-mail address: case and surrounding spaces. */
  const emailSpellings = (local: string, n: number): string[] =>
    Array.from({ length: n }, (_, i) => {
      const cased = [...`${local}@example.org`].map((c, j) => ((i >> j % 10) & 1 ? c.toUpperCase() : c)).join('');
      return `${' '.repeat(i % 3)}${cased}${' '.repeat(Math.floor(i / 3) % 3)}`;
    });
  /** n distinct spellings of +447911 131311: national and international, spaces anywhere, dashes. */
  const phoneSpellings = (n: number): string[] => {
    const out = new Set<string>();
    for (const base of ['07911131311', '+447911131311', '447911131311', '00447911131311']) {
      out.add(base);
      for (let i = 1; i < base.length; i++) out.add(`${base.slice(0, i)} ${base.slice(i)}`);
      for (let i = 2; i < base.length; i++) out.add(`${base.slice(0, i)}-${base.slice(i)}`);
    }
    return [...out].slice(0, n);
  };

  type Case = { route: string; method: 'post' | 'patch'; field: string; limit: number; window: number; spellings: (n: number) => string[]; auth?: boolean; extra?: Record<string, unknown> };
  const cases: Case[] = [
    { route: '/api/v1/residents', method: 'post', field: 'email', limit: 5, window: 3600, spellings: (n) => emailSpellings('signup.spell', n) },
    { route: '/api/v1/residents', method: 'post', field: 'phone', limit: 5, window: 3600, spellings: phoneSpellings },
    { route: '/api/v1/residents/verify/resend', method: 'post', field: 'email', limit: 5, window: 3600, spellings: (n) => emailSpellings('resend.spell', n) },
    { route: '/api/v1/residents/verify/resend', method: 'post', field: 'phone', limit: 5, window: 3600, spellings: phoneSpellings },
    { route: '/api/v1/residents/verify', method: 'post', field: 'phone', limit: 20, window: 3600, spellings: phoneSpellings, extra: { code: '123456' } },
    { route: '/api/v1/me', method: 'patch', field: 'email', limit: 10, window: 3600, spellings: (n) => emailSpellings('me.spell', n), auth: true },
    { route: '/api/v1/me', method: 'patch', field: 'phone', limit: 10, window: 3600, spellings: phoneSpellings, auth: true },
    { route: '/api/v1/auth/resident/magic-link', method: 'post', field: 'email', limit: 5, window: 3600, spellings: (n) => emailSpellings('magic.spell', n) },
    { route: '/api/v1/auth/staff/login', method: 'post', field: 'email', limit: 10, window: 300, spellings: (n) => emailSpellings('staff.spell', n), extra: { password: 'not-the-password' } },
    { route: '/api/v1/bids', method: 'post', field: 'contactEmail', limit: 10, window: 3600, spellings: (n) => emailSpellings('bid.spell', n) },
  ];

  it.each(cases.map((c) => [`${c.method.toUpperCase()} ${c.route} ${c.field}`, c] as const))('%s: limit+1 spellings of one value → the last is 429', async (_name, c) => {
    await awayFromWindowEdge(c.window);
    await t.sql('DELETE FROM rate_limit_bucket');
    const spellings = c.spellings(c.limit + 1);
    expect(new Set(spellings).size).toBe(c.limit + 1);
    const statuses: number[] = [];
    for (const v of spellings) {
      let req = t.http()[c.method](c.route);
      if (c.auth) req = req.set('Authorization', `Bearer ${residentToken}`);
      statuses.push((await req.send({ ...c.extra, [c.field]: v })).status);
    }
    expect(statuses.slice(0, c.limit).filter((s) => s === 429)).toEqual([]);
    expect(statuses[c.limit]).toBe(429);
  });
});
