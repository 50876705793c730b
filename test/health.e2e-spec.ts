// Liveness and readiness (@nestjs/terminus): readiness is 503 while PostgreSQL is unreachable and
// 200 again once it is back, without a restart; liveness never depends on it. The queue, the SMTP
// relay and Twilio are reported, `degraded` when unreachable, without failing readiness.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { startOpsServer } from '@beacon/core';
import { databaseBehindProxy, type CuttableProxy } from './utils/cuttable-proxy';
import { freePort } from './utils/free-port';
import { createTestApp, type TestApp } from './utils/test-app';
import { startTwilioStub, type TwilioStub } from './utils/twilio-stub';

describe('health: /health/live and /health/ready', () => {
  let t: TestApp;
  let proxy: CuttableProxy;
  let stub: TwilioStub;
  let ops: Server;
  let opsUrl: string;

  beforeAll(async () => {
    const db = await databaseBehindProxy();
    proxy = db.proxy;
    stub = await startTwilioStub();
    // An SMTP relay nobody listens on: reported, not failing readiness.
    t = await createTestApp({ DATABASE_URL: db.url, RUN_WORKER: 'false', SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, METRICS_TOKEN: 'ops-token-0123456789abcdef', ...stub.env() });
    // What the separate worker serves on WORKER_HTTP_PORT.
    const port = await freePort();
    ops = await startOpsServer(t.app, t.config, port);
    opsUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise((r) => ops?.close(r));
    await proxy.open();
    await t?.close();
    await proxy.cut();
    await stub?.close();
  });

  it('with the database up: ready 200; an unreachable relay is degraded, Twilio up', async () => {
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.details.database.status).toBe('up');
    expect(ready.body.details.queue.status).toBe('up');
    expect(ready.body.details.smtp.status).toBe('degraded');
    expect(ready.body.details.twilio.status).toBe('up');
    await t.http().get('/health/live').expect(200, { status: 'ok', info: {}, error: {}, details: {} });
    await t.http().get('/health').expect(200, { status: 'ok', db: 'up', queue: 'up' });
    expect((await fetch(`${opsUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${opsUrl}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${opsUrl}/metrics`, { headers: { authorization: 'Bearer ops-token-0123456789abcdef' } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('beacon_queue_depth');
  });

  it('database unreachable: ready 503 naming the database, live still 200; back: ready 200 without a restart', async () => {
    await proxy.cut();
    const down = await t.http().get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.database.status).toBe('down');
    expect(JSON.stringify(down.body)).not.toMatch(/password|beacon:|stack/i);
    await t.http().get('/health/live').expect(200);
    expect((await t.http().get('/health')).status).toBe(503);
    expect((await fetch(`${opsUrl}/health/ready`)).status).toBe(503);
    expect((await fetch(`${opsUrl}/health/live`)).status).toBe(200);

    await proxy.open();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await t.http().get('/health/ready')).status) !== 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
    const up = await t.http().get('/health/ready').expect(200);
    expect(up.body.details.database.status).toBe('up');
  }, 60_000);
});
