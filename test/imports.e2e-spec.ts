import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobName } from '@beacon/core';
import { ensureBuilt, startChild, WORKER_MAIN, type ChildApp } from './utils/built-app';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { goodRow, importSettled as settled, toBeaconCsv, type FixtureRow } from './utils/import-fixture';
import { useSuite } from './utils/suite';
import { createTestApp, loginAs, seedGeography, TEST_SECRETS, type TestApp } from './utils/test-app';

type Auth = [string, string];
type Cells = FixtureRow['cells'];
const GOOD = 300;

const upload = (t: TestApp, auth: Auth, csv: string, query = '') =>
  t.http().post(`/api/v1/imports/residents${query}`).set(...auth).set('Content-Type', 'text/csv').send(csv);

/** Every resident-side row, for "nothing changed" comparisons. */
async function residentState(t: TestApp) {
  return {
    residents: await t.sql('SELECT * FROM resident ORDER BY id'),
    channels: await t.sql('SELECT * FROM resident_channel ORDER BY resident_id, channel'),
    topics: await t.sql('SELECT * FROM resident_topic ORDER BY resident_id, topic'),
    interests: await t.sql('SELECT * FROM resident_interest ORDER BY resident_id, interest_group'),
    origins: await t.sql('SELECT * FROM resident_import ORDER BY resident_id'),
    codes: await t.sql('SELECT resident_id, expires_at FROM resident_sms_code ORDER BY resident_id'),
    jobs: (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('notify-email', 'notify-sms')`))[0].n,
  };
}

describe('imports: residents from a force’s previous system', () => {
  const { t } = useSuite({ geography: true });
  let admin: Auth;
  let adminBE: Auth;
  const rows: Cells[] = [];
  const expectedErrors: { line: number; reason: string }[] = [];
  const add = (cells: Cells, reason?: string) => {
    rows.push(cells);
    if (reason) expectedErrors.push({ line: rows.length + 1, reason });
    return rows.length + 1;
  };
  let x1: { id: string }, x2: { id: string };
  let x1Line = 0, x2Line = 0;

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth;
    adminBE = (await loginAs(t, 'admin', 'BE')).auth;
    // Already in Beacon: matched by e-mail, by phone, one in another NPU, two whose addresses a line mixes.
    x1 = await makeResident(t, { ward: 'BE01', email: 'match.email@example.org', firstName: 'Beacon' });
    x2 = await makeResident(t, { ward: 'BE02', email: null, phone: '+447911130002', channels: ['sms'], status: 'pending', phoneVerified: false });
    await makeResident(t, { ward: 'SW01', email: 'sw.resident@example.org' });
    await makeResident(t, { ward: 'BE01', email: 'conflict.a@example.org' });
    await makeResident(t, { ward: 'BE01', email: null, phone: '+447911130005', channels: ['sms'] });

    for (let i = 0; i < GOOD; i++) {
      add(goodRow(i));
      // Every kind of bad line, spread through the file.
      if (i === 10) {
        for (const email of ['not-an-email', 'a@', '@b.org', 'x y@example.org']) add({ ...goodRow(1000 + rows.length), email }, 'bad e-mail address');
      }
      if (i === 50) {
        for (const phone of ['+33 6 12 34 56 78', '0121 496 0123', '12345']) add({ ...goodRow(2000 + rows.length), phone }, 'not a UK mobile number');
      }
      if (i === 90) for (let k = 0; k < 3; k++) add({ ...goodRow(3000 + rows.length), ward_code: 'ZZ01' }, 'unknown ward ZZ01');
      if (i === 120) for (let k = 0; k < 3; k++) add({ ...goodRow(4000 + rows.length), consent_at: '' }, 'missing consent');
      if (i === 150) for (let k = 0; k < 2; k++) add({ ...goodRow(5000 + rows.length), ward_code: 'SW01' }, 'ward SW01 is outside your NPU (BE)');
      if (i === 160) add({ ...goodRow(6000 + rows.length), email: 'nope', consent_at: '' }, 'bad e-mail address; missing consent');
      if (i === 200) {
        add({ ...goodRow(7000), email: 'IMP1@EXAMPLE.ORG' }, 'duplicate of line 3 (same e-mail)');
        add({ ...goodRow(7001), email: ' imp2@example.org ' }, 'duplicate of line 4 (same e-mail)');
        add({ ...goodRow(7002), email: 'dupphone@example.org', phone: '07911120000' }, 'duplicate of line 2 (same phone)');
      }
      if (i === 250) {
        x1Line = add({ ...goodRow(8000), email: 'Match.Email@example.org', phone: '07911 130001', first_name: 'Imported', last_name: 'Tester', postcode: 'B8 1AA', ward_code: 'BE01', consent_at: '2019-05-10', signed_up_at: '2019-05-10', email_verified: 'true', phone_verified: 'false' });
        x2Line = add({ ...goodRow(8001), email: 'x2.new@example.org', phone: '07911130002', first_name: '', last_name: '', consent_at: '2019-06-15', signed_up_at: '2019-06-15', email_verified: 'true', phone_verified: 'false', ward_code: 'BE03' });
        add({ ...goodRow(8002), email: 'sw.resident@example.org', phone: '' , channels: 'email' }, 'matches a resident of another NPU');
        add({ ...goodRow(8003), email: 'conflict.a@example.org', phone: '07911 130005' }, 'e-mail and phone belong to two different residents');
      }
    }
  }, 60_000);

  const goodIndexes = [...Array(GOOD).keys()];
  const verifications = goodIndexes.filter((i) => i % 4 === 0).length + goodIndexes.filter((i) => i % 2 === 0 && i % 3 === 0).length;
  let firstId = '';
  let afterFirst: Awaited<ReturnType<typeof residentState>>;

  it('dry run: exact counts, every rejected line with its reason, matches with which side wins; writes no resident data', async () => {
    const before = await residentState(t);
    const res = await upload(t, adminBE, toBeaconCsv(rows)).expect(201);
    expect(res.body).toMatchObject({ status: 'dry_run', kind: 'residents', mapping: 'beacon', rows: rows.length, accepted: GOOD + 2, rejected: 18, duplicates: 3, matched: 2, new: GOOD });
    expect(rows.length).toBe(GOOD + 23);
    expect(res.body.errors).toEqual(expectedErrors);
    expect(res.body.matches).toEqual([
      { line: x1Line, residentId: x1.id, by: 'email', kept: ['firstName'], filled: ['phone', 'postcode', 'consentAt'] },
      { line: x2Line, residentId: x2.id, by: 'phone', kept: ['wardCode'], filled: ['email', 'consentAt', 'emailVerified'] },
    ]);
    expect(await residentState(t)).toEqual(before);
    firstId = res.body.id;
    const csv = await t.http().get(`/api/v1/imports/${firstId}/rejected.csv`).set(...adminBE).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines).toHaveLength(1 + 21);
    expect(lines[1]).toMatch(/^13,bad e-mail address,"\{""email"":""not-an-email""/);
  });

  it('a broken file is a 400 and leaves nothing, not even the import', async () => {
    const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM data_import');
    const res = await upload(t, adminBE, `${toBeaconCsv(rows.slice(0, 5))}"unclosed,quote\n`).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    await upload(t, adminBE, 'email,phone\nx@example.org,07911120001\n').expect(400);
    await upload(t, adminBE, toBeaconCsv([]), '').expect(400);
    await t.http().post('/api/v1/imports/residents').set(...adminBE).send({ csv: 'x' }).expect(400);
    await upload(t, adminBE, toBeaconCsv(rows.slice(0, 2)), '?mapping=nope').expect(400);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM data_import'))[0].n).toBe(before);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM import_resident_row WHERE import_id <> $1`, [firstId]))[0].n).toBe(0);
  });

  it('only admins import, and NPU admins only see their NPU’s imports', async () => {
    const eco = (await loginAs(t, 'eco', 'BE')).auth;
    await upload(t, eco, toBeaconCsv(rows.slice(0, 2))).expect(403);
    const adminSW = (await loginAs(t, 'admin', 'SW')).auth;
    await t.http().get(`/api/v1/imports/${firstId}`).set(...adminSW).expect(403);
    await t.http().post(`/api/v1/imports/${firstId}/commit`).set(...adminSW).expect(403);
    await t.http().get(`/api/v1/imports/${firstId}`).set(...admin).expect(200);
  });

  it('commit: exact result, original sign-up dates and consent kept, verified addresses verified, the normal verification for the rest; staged lines deleted; audited', async () => {
    const jobsBefore = (await residentState(t)).jobs;
    await t.http().post(`/api/v1/imports/${firstId}/commit`).set(...adminBE).expect(202).expect({ id: firstId, status: 'committing' });
    await t.http().post(`/api/v1/imports/${firstId}/commit`).set(...adminBE).expect(409);
    const done = await settled(t, adminBE, firstId);
    expect(done).toMatchObject({ status: 'committed', rows: rows.length, accepted: GOOD + 2, rejected: 18, duplicates: 3, matched: 2, result: { created: GOOD, updated: 2, verificationsSent: verifications } });
    expect(done.errors).toEqual(expectedErrors);

    const [counts] = await t.sql<Record<string, number>>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'active')::int AS active, count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE email_verified_at IS NOT NULL)::int AS "emailVerified", count(*) FILTER (WHERE phone_verified_at IS NOT NULL)::int AS "phoneVerified"
         FROM resident r JOIN resident_import o ON o.resident_id = r.id WHERE o.created`,
    );
    const verified = (i: number) => i % 4 !== 0 || (i % 2 === 0 && i % 3 !== 0);
    expect(counts).toEqual({
      total: GOOD,
      active: goodIndexes.filter(verified).length,
      pending: goodIndexes.filter((i) => !verified(i)).length,
      emailVerified: goodIndexes.filter((i) => i % 4 !== 0).length,
      phoneVerified: goodIndexes.filter((i) => i % 2 === 0 && i % 3 !== 0).length,
    });
    const [r7] = await t.sql<Record<string, unknown>>(
      `SELECT r.email, r.phone_e164 AS phone, r.postcode, r.source, r.status, r.created_at AS "createdAt", r.activated_at AS "activatedAt", r.consent_at AS "consentAt",
              o.source_system AS "sourceSystem", o.signed_up_at AS "signedUpAt",
              (SELECT array_agg(channel ORDER BY channel) FROM resident_channel c WHERE c.resident_id = r.id) AS channels,
              (SELECT count(*)::int FROM resident_topic x WHERE x.resident_id = r.id) AS topics
         FROM resident r JOIN resident_import o ON o.resident_id = r.id WHERE r.email = 'imp10@example.org'`,
    );
    expect(r7).toEqual({
      email: 'imp10@example.org', phone: '+447911120010', postcode: 'B33 8TH', source: 'import', status: 'active',
      createdAt: new Date('2019-11-15T10:00:00Z'), activatedAt: new Date('2019-11-15T10:00:00Z'), consentAt: new Date('2019-11-15T00:00:00Z'),
      sourceSystem: 'wmnow', signedUpAt: new Date('2019-11-15T10:00:00Z'), channels: ['email', 'sms'], topics: 8,
    });
    // Matched: Beacon's first name kept, phone and postcode filled, consent moved back; x2 verified by the import.
    const [m1] = await t.sql(`SELECT first_name, phone_e164, postcode, consent_at, activated_at, status FROM resident WHERE id = $1`, [x1.id]);
    expect(m1).toEqual({ first_name: 'Beacon', phone_e164: '+447911130001', postcode: 'B8 1AA', consent_at: new Date('2019-05-10T00:00:00Z'), activated_at: new Date('2019-05-10T00:00:00Z'), status: 'active' });
    const [m2] = await t.sql(`SELECT email, ward_code, status, email_verified_at, (SELECT array_agg(channel ORDER BY channel) FROM resident_channel c WHERE c.resident_id = resident.id) AS channels FROM resident WHERE id = $1`, [x2.id]);
    expect(m2).toEqual({ email: 'x2.new@example.org', ward_code: 'BE02', status: 'active', email_verified_at: new Date('2019-06-15T00:00:00Z'), channels: ['email', 'sms'] });

    // Unverified addresses got the normal verification (links and codes), verified ones nothing.
    const jobs = await t.sql<{ name: string; to: string }>(
      // Jobs carry a template and the resident's id (no addresses in the queue): the address is the resident's.
      `SELECT j.name, r.email AS to FROM pgboss.job j LEFT JOIN resident r ON r.id = (j.data->'ref'->>'residentId')::uuid
        WHERE j.name IN ('notify-email', 'notify-sms') ORDER BY j.created_on, j.id OFFSET $1`,
      [jobsBefore],
    );
    expect(jobs.length).toBe(verifications);
    expect(jobs.filter((j) => j.name === JobName.NotifyEmail).map((j) => j.to).sort()).toEqual(goodIndexes.filter((i) => i % 4 === 0).map((i) => `imp${i}@example.org`).sort());
    expect(await t.sql('SELECT 1 FROM import_resident_row WHERE import_id = $1', [firstId])).toEqual([]);
    const [audit] = await t.sql<{ actor: string; data: Record<string, unknown> }>(`SELECT actor, data FROM audit_event WHERE action = 'import.commit' AND subject = $1`, [`import:${firstId}`]);
    expect(audit.data).toMatchObject({ kind: 'residents', rows: rows.length, accepted: GOOD + 2, created: GOOD, updated: 2, rejected: 18, duplicates: 3 });
    expect(audit.actor).toMatch(/^staff:/);
    afterFirst = await residentState(t);
  });

  it('the sign-up report shows the original months', async () => {
    await t.app.get(ReportAggregatesService).refresh();
    const res = await t.http().get('/api/v1/reports/signups?npu=BE&from=2019-01&to=2019-12').set(...admin).expect(200);
    const verified = (i: number) => i % 4 !== 0 || (i % 2 === 0 && i % 3 !== 0);
    const want = Array.from({ length: 12 }, (_, m) => goodIndexes.filter((i) => verified(i) && i % 12 === m).length + (m === 4 ? 1 : 0) + (m === 5 ? 1 : 0));
    expect(res.body.map((r: { newSignups: number }) => r.newSignups)).toEqual(want);
  });

  it('re-running the same file changes nothing', async () => {
    const again = await upload(t, adminBE, toBeaconCsv(rows)).expect(201);
    expect(again.body).toMatchObject({ rows: rows.length, accepted: GOOD + 2, rejected: 18, duplicates: 3, matched: GOOD + 2, new: 0 });
    expect(again.body.errors).toEqual(expectedErrors);
    await t.http().post(`/api/v1/imports/${again.body.id}/commit`).set(...adminBE).expect(202);
    const done = await settled(t, adminBE, again.body.id);
    expect(done).toMatchObject({ status: 'committed', result: { created: 0, updated: 0, verificationsSent: 0 } });
    expect(await residentState(t)).toEqual(afterFirst);
  });

  it('the rejected-rows report is purged after 7 days; a stale dry run cannot be committed', async () => {
    const res = await upload(t, adminBE, toBeaconCsv(rows.slice(0, 20))).expect(201);
    await t.sql(`UPDATE data_import SET created_at = now() - interval '8 days' WHERE id IN ($1, $2)`, [res.body.id, firstId]);
    const { ImportHousekeepingJob } = await import('../libs/imports/src/import-housekeeping.job');
    await t.app.get(ImportHousekeepingJob).run();
    await t.http().get(`/api/v1/imports/${firstId}/rejected.csv`).set(...adminBE).expect(410);
    expect(await t.sql('SELECT 1 FROM import_rejection WHERE import_id = ANY($1::uuid[])', [[firstId, res.body.id]])).toEqual([]);
    expect(await t.sql('SELECT 1 FROM import_resident_row WHERE import_id = $1', [res.body.id])).toEqual([]);
    await t.http().post(`/api/v1/imports/${res.body.id}/commit`).set(...adminBE).expect(410);
  });
});

describe('imports: the worker killed mid-commit', () => {
  const N = 80_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-import-faults-'));
  const children: ChildApp[] = [];
  let t: TestApp;

  beforeAll(async () => {
    await ensureBuilt();
    t = await createTestApp({ RUN_WORKER: 'false' });
    await seedGeography(t);
  }, 240_000);
  afterAll(async () => {
    for (const c of children) await c.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const startWorker = async () => {
    const env = { ...TEST_SECRETS, DATABASE_URL: t.config.db.url!, NODE_ENV: 'test', LOG_LEVEL: 'info', PUBLIC_URL: 'http://beacon.test', DATA_DIR: dataDir };
    const w = await startChild(WORKER_MAIN, env, /Worker started/);
    children.push(w);
    return w;
  };
  const importCounts = async () =>
    (await t.sql<{ residents: number; origins: number; staged: number }>(
      `SELECT (SELECT count(*)::int FROM resident) AS residents, (SELECT count(*)::int FROM resident_import) AS origins, (SELECT count(*)::int FROM import_resident_row) AS staged`,
    ))[0];

  it('leaves nothing, and the next worker commits everything once', async () => {
    const admin = (await loginAs(t, 'admin')).auth;
    const rows = Array.from({ length: N }, (_, i) => ({ ...goodRow(i, 'kill'), email_verified: 'true' }));
    const dry = await upload(t, admin, toBeaconCsv(rows)).expect(201);
    expect(dry.body).toMatchObject({ rows: N, accepted: N, rejected: 0, duplicates: 0 });
    const first = await startWorker();
    await t.http().post(`/api/v1/imports/${dry.body.id}/commit`).set(...admin).expect(202);
    // Mid-commit: the commit's transaction is writing the resident tables (uncommitted) and still going.
    const until = Date.now() + 60_000;
    for (;;) {
      const [busy] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%INSERT INTO resident%'`,
      );
      if (busy.n > 0) break;
      if (Date.now() > until) throw new Error(`the commit did not start\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // Its backend ends once it notices the client is gone; until then its writes are invisible anyway.
    await waitFor(async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%import_resident_row%' AND state <> 'idle'`))[0].n === 0);
    expect(await importCounts()).toEqual({ residents: 0, origins: 0, staged: N });
    expect((await t.sql('SELECT status FROM data_import WHERE id = $1', [dry.body.id]))[0]).toEqual({ status: 'committing' });

    await startWorker();
    const done = await settled(t, admin, dry.body.id, 180_000);
    expect(done).toMatchObject({ status: 'committed', accepted: N, result: { created: N, updated: 0 } });
    expect(await importCounts()).toEqual({ residents: N, origins: N, staged: 0 });
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'import.commit'`)).toEqual([{ n: 1 }]);
  }, 300_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
