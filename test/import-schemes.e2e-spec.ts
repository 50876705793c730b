import { describe, expect, it, beforeAll } from '@jest/globals';
import { JobName } from '@beacon/core';
import { ImportCommitJob } from '@beacon/imports';
import { makeResident } from './utils/factories';
import { goodRow, importSettled as settled, toBeaconCsv } from './utils/import-fixture';
import { useSuite } from './utils/suite';
import { loginAs, type TestApp } from './utils/test-app';

type Auth = [string, string];
const SCHEME_HEADER = ['scheme_type', 'scheme_name', 'ward_code', 'email', 'phone', 'role', 'joined_at', 'consent_at', 'source'] as const;
type SchemeCells = Partial<Record<(typeof SCHEME_HEADER)[number], string>>;
const schemeCsv = (rows: SchemeCells[]) => [SCHEME_HEADER.join(','), ...rows.map((r) => SCHEME_HEADER.map((h) => r[h] ?? '').join(','))].join('\n') + '\n';

const notifyJobs = async (t: TestApp) =>
  t.sql<{ name: string; data: { template: string; ref: Record<string, string> } }>(`SELECT name, data FROM pgboss.job WHERE name IN ('notify-email', 'notify-sms') ORDER BY created_on, id`);

const schemeState = async (t: TestApp) => ({
  schemes: await t.sql('SELECT * FROM scheme ORDER BY id'),
  members: await t.sql('SELECT * FROM scheme_member ORDER BY scheme_id, resident_id'),
  invitations: await t.sql('SELECT * FROM scheme_invitation ORDER BY scheme_id, resident_id'),
});

describe('imports: residents with a welcome message, then schemes and their members', () => {
  const { t, smtp } = useSuite({ geography: true, smtp: true });
  const RESIDENTS = 150;
  let admin: Auth;
  let adminBE: Auth;
  let residentImportId = '';
  let existing: { id: string };
  let coordinator: { id: string };
  let member0: { id: string };
  let pending: { id: string };
  let sw: { id: string };
  let split: [{ id: string }, { id: string }];
  const rows: SchemeCells[] = [];
  const expectedErrors: { line: number; reason: string }[] = [];
  const add = (cells: SchemeCells, reason?: string) => {
    rows.push({ joined_at: '2018-04-01', consent_at: '2018-03-30', source: 'wmnow', role: 'member', ...cells });
    if (reason) expectedErrors.push({ line: rows.length + 1, reason });
    return rows.length + 1;
  };
  const sm = (i: number) => `sm${i}@example.org`;
  const alpha = { scheme_type: 'street_watch', scheme_name: 'Alpha Street Watch', ward_code: 'BE01' };
  const beta = { scheme_type: 'neighbourhood_watch', scheme_name: 'Beta Neighbourhood Watch', ward_code: 'BE02' };
  const hodge = { scheme_type: 'neighbourhood_watch', scheme_name: 'hodge hill nw', ward_code: 'BE01' };
  let secondCoordinatorLine = 0;
  let alphaCoordinatorLine = 0;

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth;
    adminBE = (await loginAs(t, 'admin', 'BE')).auth;
    coordinator = await makeResident(t, { ward: 'BE01', email: 'coord@example.org' });
    member0 = await makeResident(t, { ward: 'BE02', email: 'member0@example.org' });
    pending = await makeResident(t, { ward: 'BE01', email: 'pending@example.org', status: 'pending', emailVerified: false });
    sw = await makeResident(t, { ward: 'SW01', email: 'sw.member@example.org' });
    split = [await makeResident(t, { ward: 'BE01', email: 'split.a@example.org' }), await makeResident(t, { ward: 'BE01', email: null, phone: '+447911140002', channels: ['sms'] })];
    const [ex] = await t.sql<{ id: string }>(
      `INSERT INTO scheme (type, name, ward_code, coordinator_resident_id) VALUES ('neighbourhood_watch', 'Hodge Hill NW', 'BE01', $1) RETURNING id`,
      [coordinator.id],
    );
    existing = ex;
    await t.sql(`INSERT INTO scheme_member (scheme_id, resident_id, consent, consent_recorded_by) VALUES ($1, $2, 'in_person', 'staff:x'), ($1, $3, 'in_person', 'staff:x')`, [
      ex.id,
      coordinator.id,
      member0.id,
    ]);
    await t.sql(`INSERT INTO scheme (type, name, ward_code, status, opened_on, closed_on) VALUES ('neighbourhood_watch', 'Old Closed NW', 'BE02', 'closed', current_date - 30, current_date)`);

    // The scheme file (one row per member).
    alphaCoordinatorLine = add({ ...alpha, email: sm(1), role: 'coordinator' });
    for (let i = 2; i <= 40; i++) add({ ...alpha, email: sm(i), joined_at: i === 7 ? '' : '2018-04-01' });
    for (let i = 41; i <= 100; i++) add({ ...beta, email: sm(i) });
    add({ ...beta, email: sm(2) }); // the same resident in another scheme: fine
    add({ ...hodge, email: 'member0@example.org' }); // already a member: matched
    for (let i = 101; i <= 110; i++) add({ ...hodge, email: sm(i) });
    add({ ...hodge, email: sm(111), role: 'coordinator' }); // Beacon's coordinator is kept; a member
    // Every kind of bad line.
    add({ ...alpha, scheme_type: 'moon_watch', email: sm(112) }, 'unknown scheme type moon_watch');
    add({ ...alpha, ward_code: 'ZZ01', email: sm(112) }, 'unknown ward ZZ01');
    add({ ...alpha, ward_code: 'SW01', email: sm(112) }, 'ward SW01 is outside your NPU (BE)');
    add({ ...alpha, email: 'not-an-email' }, 'bad e-mail address');
    add({ ...alpha, email: '', phone: '+33 6 12 34 56 78' }, 'not a UK mobile number');
    add({ ...alpha, email: '' }, 'no e-mail or phone');
    add({ ...alpha, email: sm(113), role: 'boss' }, 'role must be member or coordinator');
    add({ ...alpha, scheme_name: '', email: sm(113) }, 'no scheme_name');
    add({ ...alpha, email: sm(113), joined_at: '', consent_at: '' }, 'missing consent');
    add({ ...alpha, email: 'nobody@example.org' }, 'no resident with this e-mail or phone (import the residents first)');
    add({ ...alpha, email: 'pending@example.org' }, 'the resident is not active');
    add({ ...alpha, email: 'sw.member@example.org' }, 'the resident lives outside the scheme’s NPU');
    add({ ...alpha, email: 'split.a@example.org', phone: '07911 140002' }, 'e-mail and phone belong to two different residents');
    add({ scheme_type: 'neighbourhood_watch', scheme_name: 'Old Closed NW', ward_code: 'BE02', email: sm(114) }, 'the scheme is closed in Beacon');
    secondCoordinatorLine = add({ ...alpha, email: sm(115), role: 'coordinator' }, `the scheme already has a coordinator on line ${alphaCoordinatorLine}`);
    // Duplicates: the same member of the same scheme (the name in any case).
    add({ ...alpha, email: sm(2) }, `duplicate of line ${alphaCoordinatorLine + 1} (the same member of the same scheme)`);
    add({ ...beta, scheme_name: 'BETA NEIGHBOURHOOD WATCH', email: sm(41).toUpperCase() }, `duplicate of line ${alphaCoordinatorLine + 40} (the same member of the same scheme)`);
  }, 60_000);

  const newMembers = 39 + 1 + 60 + 1 + 10 + 1; // Alpha, Beta (+ sm2), Hodge Hill (+ sm111)

  it('a resident import with the welcome option: one welcome (template and id only) to each new resident with a verified address, none to the rest', async () => {
    const residentRows = Array.from({ length: RESIDENTS }, (_, i) => ({ ...goodRow(i + 1, 'sm', ['BE01', 'BE02']), phone: '', channels: 'email', email_verified: i + 1 === RESIDENTS ? 'false' : 'true', phone_verified: 'no' }));
    const dry = await t.http().post('/api/v1/imports/residents').set(...adminBE).set('Content-Type', 'text/csv').send(toBeaconCsv(residentRows)).expect(201);
    expect(dry.body).toMatchObject({ accepted: RESIDENTS, rejected: 0, new: RESIDENTS });
    residentImportId = dry.body.id;
    const before = (await notifyJobs(t)).length;
    await t.http().post(`/api/v1/imports/${residentImportId}/commit`).set(...adminBE).send({ welcome: 'yes' }).expect(400);
    await t.http().post(`/api/v1/imports/${residentImportId}/commit`).set(...adminBE).send({ welcome: true }).expect(202);
    const done = await settled(t, adminBE, residentImportId);
    expect(done).toMatchObject({ status: 'committed', result: { created: RESIDENTS, updated: 0, verificationsSent: 1, welcomesSent: RESIDENTS - 1 } });
    const jobs = (await notifyJobs(t)).slice(before);
    const welcomes = jobs.filter((j) => j.data.template === 'resident.import-welcome');
    expect(welcomes).toHaveLength(RESIDENTS - 1);
    for (const j of welcomes) {
      expect(j.name).toBe(JobName.NotifyEmail);
      expect(Object.keys(j.data).sort()).toEqual(['ref', 'template']);
      expect(Object.keys(j.data.ref)).toEqual(['residentId']);
    }
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM resident WHERE id = ANY($1::uuid[]) AND email_verified_at IS NOT NULL AND status = 'active'`,
      [welcomes.map((j) => j.data.ref.residentId)],
    );
    expect(n).toBe(RESIDENTS - 1);
    // The message explains the move and links to their preferences.
    // 150 messages go out through the in-process worker first: slow on a loaded machine.
    const mail = await (async () => {
      const until = Date.now() + 120_000;
      for (;;) {
        const m = smtp.messages.find((x) => x.to.includes(sm(3)));
        if (m) return m;
        if (Date.now() > until) throw new Error('no welcome e-mail');
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(mail.parsed.subject).toBe('Your community messages now come from Beacon');
    expect(mail.parsed.text).toContain('Hello First3,');
    expect(mail.parsed.text).toMatch(/\/me\?token=\S+/);
    expect(mail.parsed.text).toMatch(/\/u\/\S+/);
  }, 180_000);

  it('the welcome is off by default: a commit without it queues none', async () => {
    const dry = await t.http().post('/api/v1/imports/residents').set(...adminBE).set('Content-Type', 'text/csv').send(toBeaconCsv([{ ...goodRow(900, 'nowelcome'), email_verified: 'true' }])).expect(201);
    await t.http().post(`/api/v1/imports/${dry.body.id}/commit`).set(...adminBE).expect(202);
    const done = await settled(t, adminBE, dry.body.id);
    expect(done).toMatchObject({ status: 'committed', result: { created: 1, welcomesSent: 0 } });
    expect((await notifyJobs(t)).filter((j) => j.data.template === 'resident.import-welcome')).toHaveLength(RESIDENTS - 1);
  });

  let dryId = '';
  let before: Awaited<ReturnType<typeof schemeState>>;

  it('scheme dry run: exact counts, every bad line with its reason, duplicates; writes nothing to the scheme tables', async () => {
    before = await schemeState(t);
    const res = await t.http().post('/api/v1/imports/schemes').set(...adminBE).set('Content-Type', 'text/csv').send(schemeCsv(rows)).expect(201);
    expect(res.body).toMatchObject({
      status: 'dry_run', kind: 'schemes', mapping: 'beacon-schemes', rows: rows.length,
      accepted: newMembers + 1, rejected: expectedErrors.length - 2, duplicates: 2, matched: 1, new: newMembers,
      schemes: { new: 2, existing: 1 },
    });
    expect(res.body.errors).toEqual(expectedErrors);
    expect(await schemeState(t)).toEqual(before);
    dryId = res.body.id;
    expect(secondCoordinatorLine).toBeGreaterThan(0);
  });

  it('only admins import schemes; a malformed scheme file is a 400 and leaves nothing', async () => {
    const eco = (await loginAs(t, 'eco', 'BE')).auth;
    await t.http().post('/api/v1/imports/schemes').set(...eco).set('Content-Type', 'text/csv').send(schemeCsv(rows.slice(0, 2))).expect(403);
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM data_import');
    await t.http().post('/api/v1/imports/schemes').set(...adminBE).set('Content-Type', 'text/csv').send('scheme_type,scheme_name\nx,y\n').expect(400);
    await t.http().post('/api/v1/imports/schemes').set(...adminBE).set('Content-Type', 'text/csv').send(`${schemeCsv(rows.slice(0, 2))}"open,quote\n`).expect(400);
    await t.http().post('/api/v1/imports/schemes?mapping=beacon').set(...adminBE).set('Content-Type', 'text/csv').send(schemeCsv(rows.slice(0, 2))).expect(400);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM data_import'))[0].n).toBe(n);
  });

  it('a commit that fails half-way leaves nothing (one transaction); run again, it commits everything', async () => {
    // A member insert that fails after the schemes were created.
    await t.sql(`CREATE FUNCTION h06_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`);
    await t.sql(`CREATE TRIGGER h06_fail BEFORE INSERT ON scheme_member FOR EACH STATEMENT EXECUTE FUNCTION h06_fail()`);
    await t.sql(`UPDATE data_import SET status = 'committing', committed_by = created_by WHERE id = $1`, [dryId]);
    await expect(t.app.get(ImportCommitJob).commit(dryId)).rejects.toThrow(/disk on fire/);
    expect(await schemeState(t)).toEqual(before);
    expect((await t.sql('SELECT status FROM data_import WHERE id = $1', [dryId]))[0]).toEqual({ status: 'committing' });
    await t.sql('DROP TRIGGER h06_fail ON scheme_member');
    await t.sql('DROP FUNCTION h06_fail()');
    await t.app.get(ImportCommitJob).commit(dryId);
  });

  it('commit: schemes created with their coordinator, members added with the old platform’s consent recorded (no invitation), Beacon’s coordinator kept; audited', async () => {
    const done = await settled(t, adminBE, dryId);
    expect(done).toMatchObject({ status: 'committed', accepted: newMembers + 1, matched: 1, result: { schemesCreated: 2, membersAdded: newMembers, coordinatorsSet: 1 } });
    expect(done.errors).toEqual(expectedErrors);
    const schemes = await t.sql<{ name: string; type: string; ward_code: string; status: string; coordinator: string | null; members: number }>(
      `SELECT s.name, s.type, s.ward_code, s.status, r.email AS coordinator, (SELECT count(*)::int FROM scheme_member m WHERE m.scheme_id = s.id) AS members
         FROM scheme s LEFT JOIN resident r ON r.id = s.coordinator_resident_id ORDER BY s.name`,
    );
    expect(schemes).toEqual([
      { name: 'Alpha Street Watch', type: 'street_watch', ward_code: 'BE01', status: 'active', coordinator: sm(1), members: 40 },
      { name: 'Beta Neighbourhood Watch', type: 'neighbourhood_watch', ward_code: 'BE02', status: 'active', coordinator: null, members: 61 },
      { name: 'Hodge Hill NW', type: 'neighbourhood_watch', ward_code: 'BE01', status: 'active', coordinator: 'coord@example.org', members: 2 + 11 },
      { name: 'Old Closed NW', type: 'neighbourhood_watch', ward_code: 'BE02', status: 'closed', coordinator: null, members: 0 },
    ]);
    const provenance = await t.sql<Record<string, unknown>>(
      `SELECT m.consent, m.consent_recorded_by AS "recordedBy", m.consent_source AS source, m.consent_at AS "consentAt", m.joined_at AS "joinedAt"
         FROM scheme_member m JOIN resident r ON r.id = m.resident_id JOIN scheme s ON s.id = m.scheme_id
        WHERE s.name = 'Alpha Street Watch' AND r.email = ANY($1) ORDER BY r.email`,
      [[sm(2), sm(7)]],
    );
    expect(provenance).toEqual([
      { consent: 'imported', recordedBy: `import:${dryId}`, source: 'wmnow', consentAt: new Date('2018-03-30T00:00:00Z'), joinedAt: new Date('2018-04-01T00:00:00Z') },
      { consent: 'imported', recordedBy: `import:${dryId}`, source: 'wmnow', consentAt: new Date('2018-03-30T00:00:00Z'), joinedAt: new Date('2018-03-30T00:00:00Z') },
    ]);
    // The existing member is untouched.
    expect(await t.sql('SELECT consent, consent_source FROM scheme_member WHERE resident_id = $1', [member0.id])).toEqual([{ consent: 'in_person', consent_source: null }]);
    expect(await t.sql('SELECT * FROM scheme_invitation')).toEqual([]);
    expect(await t.sql('SELECT 1 FROM import_scheme_row WHERE import_id = $1', [dryId])).toEqual([]);
    const [audit] = await t.sql<{ data: Record<string, unknown> }>(`SELECT data FROM audit_event WHERE action = 'import.commit' AND subject = $1`, [`import:${dryId}`]);
    expect(audit.data).toMatchObject({ kind: 'schemes', accepted: newMembers + 1, schemesCreated: 2, membersAdded: newMembers, coordinatorsSet: 1 });
    void existing; void pending; void sw; void split;
  });

  it('re-running the same scheme file changes nothing', async () => {
    const after = await schemeState(t);
    const jobs = (await notifyJobs(t)).length;
    const again = await t.http().post('/api/v1/imports/schemes').set(...admin).set('Content-Type', 'text/csv').send(schemeCsv(rows)).expect(201);
    // Force-wide: the SW01 line is now "the resident lives outside" rather than outside the uploader's NPU.
    expect(again.body).toMatchObject({ accepted: newMembers + 1, matched: newMembers + 1, new: 0, duplicates: 2, schemes: { new: 0, existing: 3 } });
    await t.http().post(`/api/v1/imports/${again.body.id}/commit`).set(...admin).expect(202);
    const done = await settled(t, admin, again.body.id);
    expect(done).toMatchObject({ status: 'committed', result: { schemesCreated: 0, membersAdded: 0, coordinatorsSet: 0 } });
    expect(await schemeState(t)).toEqual(after);
    expect((await notifyJobs(t)).length).toBe(jobs);
  });
});
