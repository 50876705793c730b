// PostgreSQL unreachable: API routes and pages answer 503 with Retry-After (the client should
// come back), not a 500 (which says the request itself broke something), and recover on their
// own when the database is back. The app reaches its database through a TCP proxy on loopback
// that the test closes (every connection cut, the port refusing) and opens again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MessageLinksService } from '@beacon/messaging';
import { databaseBehindProxy, type CuttableProxy } from './utils/cuttable-proxy';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';

describe('database outage: 503 with Retry-After on API routes and pages, then recovery', () => {
  let t: TestApp;
  let proxy: CuttableProxy;
  let eco: [string, string];
  let ratingPath: string;

  beforeAll(async () => {
    const db = await databaseBehindProxy();
    proxy = db.proxy;
    t = await createTestApp({ DATABASE_URL: db.url, RUN_WORKER: 'false' });
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as [string, string];
    // A correctly signed rating link: it needs the database to say which message it is.
    ratingPath = new URL(t.app.get(MessageLinksService).ratingUrl('12345')).pathname;
  });
  afterAll(async () => {
    await proxy.open();
    await t?.close();
    await proxy.cut();
  });

  const calls = () => ({
    api: () => t.http().get('/api/v1/messages').set(...eco),
    publicApi: () => t.http().post('/api/v1/residents').send({ email: `outage.${Date.now()}@example.org`, firstName: 'Jo', wardCode: 'BE01', channels: ['email'], consent: true }),
    signupPage: () => t.http().get('/signup').set('Accept', 'text/html'),
    ratingPage: () => t.http().get(ratingPath).set('Accept', 'text/html'),
  });

  it('before: the routes answer normally', async () => {
    const c = calls();
    await c.api().expect(200);
    await c.signupPage().expect(200);
    await c.ratingPage().expect(410); // a link to no delivery
  });

  it('while PostgreSQL is unreachable: 503, Retry-After, the standard body on the API and an error page on pages', async () => {
    await proxy.cut();
    const c = calls();
    for (const [name, call] of Object.entries({ api: c.api, publicApi: c.publicApi })) {
      const res = await call();
      expect([name, res.status]).toEqual([name, 503]);
      expect(res.headers['retry-after']).toBe('5'); // libs/core README
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const { requestId: _id, ...body } = res.body as Record<string, unknown>; // only with a logger (production)
      expect(body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/try again/i) });
    }
    for (const [name, call] of Object.entries({ signupPage: c.signupPage, ratingPage: c.ratingPage })) {
      const res = await call();
      expect([name, res.status]).toEqual([name, 503]);
      expect(res.headers['retry-after']).toBe('5'); // libs/core README
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/try again/i);
      expect(res.text).not.toMatch(/ECONNREFUSED|Connection terminated|stack/i);
    }
  }, 60_000);

  it('when PostgreSQL is back: the same routes answer normally again, without a restart', async () => {
    await proxy.open();
    const c = calls();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await c.api()).status) !== 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
    await c.signupPage().expect(200);
    await c.ratingPage().expect(410);
    await c.publicApi().expect(202);
  }, 60_000);
});
