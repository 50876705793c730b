// The read replica (REPORTS_DATABASE_URL, docs/replica.md) against a real second PostgreSQL kept
// in step by PostgreSQL's logical replication: two embedded clusters of this file's own, the
// primary with wal_level=logical publishing every table of the schema, the replica migrated to the
// same schema (emptied) and subscribed. Replication is paused (ALTER SUBSCRIPTION … DISABLE) to
// tell the two apart without any timing: what the primary has and the replica lacks shows where a
// read went. Every wait is on a condition, with generous timeouts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { StaffService } from '@beacon/auth';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@beacon/core';
import { ReportAggregatesService } from '@beacon/reports';
import { migrate } from '../migrations/data-source';
import { consoleAgent } from './utils/console-browser';
import { makeResidents } from './utils/factories';
import { freePort } from './utils/free-port';
import { waitUntil } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';

type Auth = [string, string];
const WAIT = 90_000;
// Two small clusters beside the shared test server.
const SMALL = { shared_buffers: '64MB', max_connections: '60' };

describe('read replica: reports, previews and exports read a logical replica; writes stay on the primary', () => {
  let primary: EmbeddedDatabase;
  let replica: EmbeddedDatabase;
  let primaryPort: number;
  let onReplica: pg.Pool;
  let t: TestApp;
  let ecoBE: Auth;

  const replicaSql = async <T>(text: string, values?: unknown[]) => (await onReplica.query(text, values)).rows as T[];
  const pause = () => replicaSql(`ALTER SUBSCRIPTION beacon_reports DISABLE`);
  const resume = () => replicaSql(`ALTER SUBSCRIPTION beacon_reports ENABLE`);
  /**
   * The replica has applied everything the primary has committed so far (the residents written
   * here, and the report aggregates refreshed from them, are enough to compare).
   */
  const caughtUp = async () => {
    const COUNTS = `SELECT (SELECT count(*) FROM resident) || '/' || (SELECT coalesce(sum(subscribers), 0) FROM resident_profile_stats) AS n`;
    const [{ n: want }] = await t.sql<{ n: string }>(COUNTS);
    await waitUntil(async () => (await replicaSql<{ n: string }>(COUNTS))[0].n === want, WAIT, `replica has ${want} residents / profile subscribers`);
  };
  /** The 5-minute job that refreshes what today's reach reads (on the primary, like every write). */
  const refresh = () => t.app.get(ReportAggregatesService).refresh();
  const reachBE01 = async () => {
    const res = await t.http().get('/api/v1/reports/reach?npu=BE').set(...ecoBE).expect(200);
    return { subscribers: (res.body as { wardCode: string; subscribers: number }[]).find((r) => r.wardCode === 'BE01')!.subscribers, res };
  };
  const preview = async () =>
    (await t.http().post('/api/v1/messages/audience-preview').set(...ecoBE).send({ channels: ['email'], audience: { wardCodes: ['BE01'] } }).expect(200)).body as { total: number };

  beforeAll(async () => {
    primaryPort = await freePort();
    // As root, PostgreSQL runs as `postgres`: each data directory straight under tmp.
    primary = await startEmbeddedPostgres({
      dataDir: mkdtempSync(join(tmpdir(), 'beacon-primary-pg-')),
      port: primaryPort,
      database: 'beacon_primary',
      persistent: false,
      settings: { ...SMALL, wal_level: 'logical', max_replication_slots: '4', max_wal_senders: '4' },
    });
    replica = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'beacon-replica-pg-')), port: await freePort(), database: 'beacon_replica', persistent: false, settings: SMALL });
    // The replica gets the schema from the migrations and its rows from the publication: the rows
    // the migrations wrote (their own bookkeeping included) are emptied, or the first copy would clash.
    await Promise.all([migrate(primary.url), migrate(replica.url)]);
    onReplica = new pg.Pool({ connectionString: replica.url, max: 2 });
    onReplica.on('error', () => undefined);
    const tables = await replicaSql<{ name: string }>(`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`);
    await replicaSql(`TRUNCATE ${tables.map((x) => x.name).join(', ')} CASCADE`);
    const onPrimary = new pg.Client({ connectionString: primary.url });
    await onPrimary.connect();
    try {
      // The application's schema only: pg-boss's queue tables are the primary's business.
      await onPrimary.query(`CREATE PUBLICATION beacon_reports FOR TABLES IN SCHEMA public WITH (publish_via_partition_root = true)`);
    } finally {
      await onPrimary.end();
    }
    await replicaSql(`CREATE SUBSCRIPTION beacon_reports CONNECTION 'host=localhost port=${primaryPort} user=postgres password=beacon dbname=beacon_primary' PUBLICATION beacon_reports`);
    // Every table's first copy done ('r' = ready: streaming changes from here on).
    await waitUntil(async () => (await replicaSql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_subscription_rel WHERE srsubstate <> 'r'`))[0].n === 0, WAIT, 'initial copy of every table');

    t = await createTestApp({ DATABASE_URL: primary.url, REPORTS_DATABASE_URL: replica.url, REPLICA_HEARTBEAT_SECONDS: '1', RUN_WORKER: 'false' });
    await seedGeography(t);
    ({ auth: ecoBE } = await loginAs(t, 'eco', 'BE'));
    // The first heartbeat, then rows after it: once they have arrived, so has the beat.
    await waitUntil(async () => (await t.sql('SELECT 1 FROM replica_heartbeat')).length === 1, WAIT, 'the first heartbeat');
    await makeResidents(t, { count: 5, ward: 'BE01', prefix: 'before' });
    await refresh();
    await caughtUp();
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    // The subscription holds a slot on the primary: drop it while both still run.
    await onReplica?.query('DROP SUBSCRIPTION IF EXISTS beacon_reports').catch(() => undefined);
    await onReplica?.end();
    await replica?.stop();
    await primary?.stop();
  }, 120_000);

  it('every published table has a replica identity (else the primary would refuse its UPDATEs and DELETEs)', async () => {
    const missing = await t.sql<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relreplident = 'd'
          AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
        ORDER BY 1`,
    );
    expect(missing).toEqual([]);
  });

  it('a report and an audience preview read the replica: a write on the primary shows only once it has been replicated', async () => {
    const before = await reachBE01();
    expect(before.subscribers).toBe(5);
    expect((await preview()).total).toBe(5);

    await pause();
    await makeResidents(t, { count: 3, ward: 'BE01', prefix: 'paused' });
    await refresh();
    // The primary has them; the report and the preview, read from the paused replica, do not.
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE ward_code = 'BE01' AND status = 'active'`))[0].n).toBe(8);
    expect((await reachBE01()).subscribers).toBe(5);
    expect((await preview()).total).toBe(5);
    // The CSV export of the same report too.
    const csv = await t.http().get('/api/v1/reports/reach?npu=BE&format=csv&columns=keys').set(...ecoBE).expect(200);
    expect(csv.text.split(/\r?\n/).find((l) => l.startsWith('BE01,'))).toMatch(/^BE01,Hodge Hill,BE,Hodge Hill,27000,5,/);

    await resume();
    await caughtUp();
    expect((await reachBE01()).subscribers).toBe(8);
    expect((await preview()).total).toBe(8);
  }, 180_000);

  it('the report JSON, headers and page show how stale the replica is; the age grows while replication is paused', async () => {
    await caughtUp();
    const live = await t.http().get('/api/v1/reports/sim?npu=BE').set(...ecoBE).expect(200);
    expect(live.body.staleness).toEqual({ asOf: expect.any(String), seconds: expect.any(Number) });
    expect(live.headers['beacon-figures-as-of']).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    await pause();
    try {
      const [{ at: frozen }] = await replicaSql<{ at: Date }>('SELECT beat_at AS at FROM replica_heartbeat WHERE id = 1');
      // The primary keeps beating (each second); the replica's copy of the beat stands still.
      await waitUntil(async () => (await t.sql<{ at: Date }>('SELECT beat_at AS at FROM replica_heartbeat WHERE id = 1'))[0].at > frozen, WAIT, 'a newer heartbeat on the primary');
      await waitUntil(async () => Number((await reachBE01()).res.headers['beacon-figures-age-seconds']) >= 3, WAIT, 'the figures 3 s old');
      const res = await t.http().get('/api/v1/reports/sim?npu=BE').set(...ecoBE).expect(200);
      expect(new Date(res.body.staleness.asOf as string).getTime()).toBe(frozen.getTime());
      expect(res.body.staleness.seconds).toBeGreaterThanOrEqual(3);
      expect(res.headers['beacon-figures-as-of']).toBe(frozen.toISOString());

      // Signing in writes the session on the primary and reads it back from there, replica paused.
      await t.app.get(StaffService).create({ email: 'replica.analyst@replica.test', name: 'Replica Analyst', password: 'replica-password-123', role: 'analyst', npuCode: null });
      const { agent } = await consoleAgent(t, 'replica.analyst@replica.test', 'replica-password-123');
      const page = await agent.get('/console/reports?area=BE').expect(200);
      expect(page.text).toMatch(/id="figures-as-of">Figures as of (\d+) seconds ago \(read from the reporting copy of the database\)\./);
      expect(Number(/Figures as of (\d+) seconds ago/.exec(page.text)![1])).toBeGreaterThanOrEqual(3);
    } finally {
      await resume();
    }
    // Caught up again: the replica's beat moves past the frozen one.
    await waitUntil(async () => {
      const res = await t.http().get('/api/v1/reports/sim?npu=BE').set(...ecoBE).expect(200);
      return new Date(res.body.staleness.asOf as string).getTime() > new Date(live.body.staleness.asOf as string).getTime() + 3000;
    }, WAIT, 'the replica past the pause');
  }, 180_000);

  it('write paths and read-your-own-write stay on the primary while the replica lags', async () => {
    await pause();
    try {
      const created = await t.http().post('/api/v1/messages').set(...ecoBE).send({ title: 'Replica test', body: 'Hello', category: 'crime_alert', channels: ['email'], audience: { wardCodes: ['BE01'] } }).expect(201);
      const id = created.body.id as string;
      // On the primary only: writes do not go to the replica (a subscriber's tables would take them).
      expect(await t.sql('SELECT id FROM message WHERE id = $1', [id])).toHaveLength(1);
      expect(await replicaSql('SELECT id FROM message WHERE id = $1', [id])).toHaveLength(0);
      // Read straight back from the primary (no 404 from the lagging copy): the detail, and the saved
      // draft's audience, whose message is looked up on the primary and whose count reads the replica.
      await t.http().get(`/api/v1/messages/${id}`).set(...ecoBE).expect(200);
      expect((await t.http().get(`/api/v1/messages/${id}/audience`).set(...ecoBE).expect(200)).body).toEqual({ total: 8, byChannel: { email: 8, sms: 0 } });
      // The reports' connection to the replica is Beacon's own pool (application_name beacon), and it wrote nothing there.
      const onReplicaNow = await replicaSql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'beacon' AND datname = 'beacon_replica'`);
      expect(onReplicaNow[0].n).toBeGreaterThan(0);
    } finally {
      await resume();
    }
    await waitUntil(async () => (await replicaSql('SELECT 1 FROM message WHERE title = $1', ['Replica test'])).length === 1, WAIT, 'the message replicated');
  }, 180_000);
});
