import { beforeAll, describe, expect, it } from '@jest/globals';
import { CadetsService } from '@beacon/cadets';
import { londonDay } from '@beacon/core';
import { useSuite } from './utils/suite';
import { loginAll, type Login, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

/** A date of birth `years` years and a month ago: the person is exactly `years` old today. */
function yearsAgo(years: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 30);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

const child = (first: string, role = 'cadet', extra: Record<string, unknown> = {}) => ({
  firstName: first,
  lastName: 'Smith',
  dateOfBirth: yearsAgo(14),
  guardianName: 'Pat Smith',
  guardianPhone: '0121 496 0123',
  role,
  ...extra,
});
const leader = (first: string) => ({ firstName: first, lastName: 'Leader', dateOfBirth: yearsAgo(35), role: 'leader' });

async function count(t: TestApp, table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
  return n;
}

const SENSITIVE = ['dateOfBirth', 'guardianName', 'guardianPhone'];

describe('cadets', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login, leadBE: Login, cadetLeaderBE: Login, cadetLeaderSW: Login, ecoBE: Login, officerBE: Login, analyst: Login;
  let unit: string; // BE cadets
  let jpUnit: string; // BE junior PCSOs

  beforeAll(async () => {
    ({ admin, leadBE, cadetLeaderBE, cadetLeaderSW, ecoBE, officerBE, analyst } = await loginAll(t, {
      admin: ['admin'],
      leadBE: ['npu_lead', 'BE'],
      cadetLeaderBE: ['cadet_leader', 'BE'],
      cadetLeaderSW: ['cadet_leader', 'SW'],
      ecoBE: ['eco', 'BE'],
      officerBE: ['officer', 'BE'],
      analyst: ['analyst'],
    }));
  });

  const addMember = (unitId: string, body: Record<string, unknown>, auth: Auth = cadetLeaderBE.auth) =>
    t.http().post(`/api/v1/cadet-units/${unitId}/members`).set(...auth).send(body);

  describe('units', () => {
    it('creates units in the caller’s NPU', async () => {
      const res = await t.http().post('/api/v1/cadet-units').set(...cadetLeaderBE.auth).send({ npuCode: 'BE', name: 'Birmingham East VPC', kind: 'cadets' }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        npuCode: 'BE',
        name: 'Birmingham East VPC',
        kind: 'cadets',
        activeMembers: 0,
        cadets: 0,
        juniorPcsos: 0,
        leaders: 0,
        createdAt: expect.any(String),
      });
      unit = res.body.id;
      jpUnit = (await t.http().post('/api/v1/cadet-units').set(...leadBE.auth).send({ npuCode: 'BE', name: 'Hodge Hill Junior PCSOs', kind: 'junior_pcso' }).expect(201)).body.id;
      await t.http().post('/api/v1/cadet-units').set(...cadetLeaderBE.auth).send({ npuCode: 'BE', name: 'Birmingham East VPC', kind: 'cadets' }).expect(409);
    });

    it('refuses another NPU, other roles and bad input; nothing written', async () => {
      const before = await count(t, 'cadet_unit');
      await t.http().post('/api/v1/cadet-units').set(...cadetLeaderSW.auth).send({ npuCode: 'BE', name: 'X', kind: 'cadets' }).expect(403);
      await t.http().post('/api/v1/cadet-units').set(...ecoBE.auth).send({ npuCode: 'BE', name: 'X', kind: 'cadets' }).expect(403);
      await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'BE', name: 'X', kind: 'scouts' }).expect(400);
      await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'ZZ', name: 'X', kind: 'cadets' }).expect(400);
      await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'BE', name: 'x'.repeat(121), kind: 'cadets' }).expect(400);
      await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'BE', name: 'X', kind: 'cadets', secret: 1 }).expect(400);
      expect(await count(t, 'cadet_unit')).toBe(before);
    });
  });

  describe('members', () => {
    it('a cadet leader of the NPU adds a child; the guardian phone is stored in E.164', async () => {
      const res = await addMember(unit, child('Amy')).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        unitId: unit,
        firstName: 'Amy',
        lastName: 'Smith',
        role: 'cadet',
        joinedAt: expect.any(String),
        leftAt: null,
        dateOfBirth: yearsAgo(14),
        guardianName: 'Pat Smith',
        guardianPhone: '+441214960123',
      });
      await addMember(unit, child('Ben', 'cadet', { guardianPhone: '+44 7911 123456' }), admin.auth).expect(201);
      await addMember(unit, child('Cal', 'cadet', { dateOfBirth: yearsAgo(18) })).expect(201);
      await addMember(unit, leader('Lee')).expect(201);
      await addMember(jpUnit, child('Dot', 'junior_pcso', { dateOfBirth: yearsAgo(10) })).expect(201);
      await addMember(jpUnit, child('Eli', 'junior_pcso', { dateOfBirth: yearsAgo(8) })).expect(201);
      await addMember(unit, child('Amy')).expect(409); // the same child twice
    });

    it('only admins and cadet leaders of that NPU write members', async () => {
      const before = await count(t, 'cadet_member');
      await addMember(unit, child('Zed'), cadetLeaderSW.auth).expect(403);
      for (const who of [ecoBE, officerBE, leadBE, analyst]) await addMember(unit, child('Zed'), who.auth).expect(403);
      const [m] = await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Amy'`);
      await t.http().delete(`/api/v1/cadet-units/${unit}/members/${m.id}`).set(...ecoBE.auth).expect(403);
      await t.http().delete(`/api/v1/cadet-units/${unit}/members/${m.id}`).set(...cadetLeaderSW.auth).expect(403);
      expect(await count(t, 'cadet_member')).toBe(before);
      expect(await count(t, 'cadet_member', 'left_at IS NOT NULL')).toBe(0);
    });

    it('validates dates of birth, ages, guardians and UK phone numbers; nothing written', async () => {
      const before = await count(t, 'cadet_member');
      const bad: Record<string, unknown>[] = [
        child('Bad', 'cadet', { dateOfBirth: '2012-02-30' }), // not a real date
        child('Bad', 'cadet', { dateOfBirth: '12/03/2012' }),
        child('Bad', 'cadet', { dateOfBirth: yearsAgo(7) }), // too young
        child('Bad', 'cadet', { dateOfBirth: yearsAgo(19) }), // too old
        child('Bad', 'cadet', { dateOfBirth: '2999-01-01' }),
        { ...leader('Bad'), dateOfBirth: yearsAgo(17) }, // leaders are adults
        { ...leader('Bad'), guardianName: 'Mum' }, // no guardian for adults
        child('Bad', 'cadet', { guardianPhone: '+33 6 12 34 56 78' }), // not a UK number
        child('Bad', 'cadet', { guardianPhone: '12345' }),
        child('Bad', 'cadet', { guardianPhone: '0121 496 0123 ext 4; DROP' }),
        child('Bad', 'cadet', { guardianPhone: undefined }), // children need a guardian phone
        child('Bad', 'cadet', { guardianName: undefined }),
        child('Bad', 'junior_pcso'), // role must fit the unit's kind
        child('Bad', 'captain'),
        child('Bad', 'cadet', { firstName: 'x'.repeat(81) }),
        child('Bad', 'cadet', { firstName: 42 }),
        child('Bad', 'cadet', { nickname: 'B' }),
      ];
      for (const body of bad) {
        const res = await addMember(unit, body);
        expect([res.status, body]).toEqual([400, body]);
      }
      await addMember('not-a-uuid', child('Bad')).expect(400);
      await addMember('5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00', child('Bad')).expect(404);
      expect(await count(t, 'cadet_member')).toBe(before);
    });

    it('eco, officer, npu_lead and analyst see names only; nothing is audited for them', async () => {
      const auditBefore = await count(t, 'audit_event', `action = 'read cadet_member'`);
      for (const who of [ecoBE, officerBE, leadBE, analyst]) {
        const res = await t.http().get(`/api/v1/cadet-units/${unit}/members`).set(...who.auth).expect(200);
        expect(res.body.items.map((m: { firstName: string }) => m.firstName)).toEqual(['Lee', 'Amy', 'Ben', 'Cal']);
        for (const m of res.body.items) {
          expect(Object.keys(m).sort()).toEqual(['firstName', 'id', 'joinedAt', 'lastName', 'leftAt', 'role', 'unitId']);
          for (const key of SENSITIVE) expect(m).not.toHaveProperty(key);
        }
        const one = await t.http().get(`/api/v1/cadet-units/${unit}/members/${res.body.items[1].id}`).set(...who.auth).expect(200);
        for (const key of SENSITIVE) expect(one.body).not.toHaveProperty(key);
      }
      expect(await count(t, 'audit_event', `action = 'read cadet_member'`)).toBe(auditBefore);
    });

    it('admins and the NPU’s cadet leaders see the details; each child read is audited once', async () => {
      const auditBefore = await count(t, 'audit_event', `action = 'read cadet_member'`);
      const res = await t.http().get(`/api/v1/cadet-units/${unit}/members`).set(...cadetLeaderBE.auth).expect(200);
      expect(res.body.items).toHaveLength(4);
      const amy = res.body.items.find((m: { firstName: string }) => m.firstName === 'Amy');
      expect(amy).toMatchObject({ dateOfBirth: yearsAgo(14), guardianName: 'Pat Smith', guardianPhone: '+441214960123' });
      const lee = res.body.items.find((m: { firstName: string }) => m.firstName === 'Lee');
      expect(lee).toMatchObject({ dateOfBirth: yearsAgo(35), guardianName: null, guardianPhone: null });
      // three children read by the cadet leader → three rows, one per child, naming the child
      const rows = await t.sql<{ actor: string; subject: string }>(`SELECT actor, subject FROM audit_event WHERE action = 'read cadet_member' ORDER BY subject`);
      expect(rows).toHaveLength(auditBefore + 3);
      const children = res.body.items.filter((m: { role: string }) => m.role !== 'leader').map((m: { id: string }) => `cadet_member:${m.id}`).sort();
      expect(rows.map((r) => r.subject).sort()).toEqual(children);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([`staff:${cadetLeaderBE.id}`]));

      // a single child read by an admin: one more row; a leader's record: none
      await t.http().get(`/api/v1/cadet-units/${unit}/members/${amy.id}`).set(...admin.auth).expect(200);
      await t.http().get(`/api/v1/cadet-units/${unit}/members/${lee.id}`).set(...admin.auth).expect(200);
      expect(await count(t, 'audit_event', `action = 'read cadet_member'`)).toBe(auditBefore + 4);
      expect(await count(t, 'audit_event', `action = 'read cadet_member' AND subject = $1 AND actor = $2`, [`cadet_member:${amy.id}`, `staff:${admin.id}`])).toBe(1);
    });

    it('a cadet leader of another NPU gets 403 and leaves no read in the log', async () => {
      const auditBefore = await count(t, 'audit_event', `action = 'read cadet_member'`);
      await t.http().get(`/api/v1/cadet-units/${unit}/members`).set(...cadetLeaderSW.auth).expect(403);
      const [m] = await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Amy'`);
      await t.http().get(`/api/v1/cadet-units/${unit}/members/${m.id}`).set(...cadetLeaderSW.auth).expect(403);
      expect(await count(t, 'audit_event', `action = 'read cadet_member'`)).toBe(auditBefore);
    });

    it('the audit log of writes does not copy a child’s date of birth or guardian', async () => {
      const rows = await t.sql<{ data: { body: Record<string, unknown> } }>(`SELECT data FROM audit_event WHERE action = 'POST /api/v1/cadet-units/:id/members'`);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.data.body.dateOfBirth).toBe('***');
        expect(JSON.stringify(r.data)).not.toContain('496 0123');
        expect(JSON.stringify(r.data)).not.toContain('Pat Smith');
      }
    });
  });

  describe('sessions', () => {
    it('records attendance of active members of the unit', async () => {
      const ids = await t.sql<{ id: string; first_name: string }>(`SELECT id, first_name FROM cadet_member WHERE unit_id = $1 ORDER BY first_name`, [unit]);
      const amy = ids.find((m) => m.first_name === 'Amy')!.id;
      const ben = ids.find((m) => m.first_name === 'Ben')!.id;
      const res = await t.http().post(`/api/v1/cadet-units/${unit}/sessions`).set(...cadetLeaderBE.auth).send({ heldOn: yearsAgo(0), attendeeIds: [amy, ben] }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), unitId: unit, heldOn: yearsAgo(0), attendeeIds: [amy, ben].sort(), attendeeCount: 2 });
      expect(await count(t, 'cadet_attendance', 'session_id = $1', [res.body.id])).toBe(2);
      // one session a day
      await t.http().post(`/api/v1/cadet-units/${unit}/sessions`).set(...cadetLeaderBE.auth).send({ heldOn: yearsAgo(0), attendeeIds: [amy] }).expect(409);
      const list = await t.http().get(`/api/v1/cadet-units/${unit}/sessions`).set(...ecoBE.auth).expect(200);
      expect(list.body.items).toEqual([{ id: res.body.id, unitId: unit, heldOn: yearsAgo(0), attendeeCount: 2 }]);
    });

    it('refuses members of another unit, members who left, future dates and other NPUs; nothing written', async () => {
      const sessions = await count(t, 'cadet_session');
      const attendance = await count(t, 'cadet_attendance');
      const [dot] = await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Dot'`);
      const [amy] = await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Amy'`);
      const post = (body: Record<string, unknown>, auth: Auth = cadetLeaderBE.auth) => t.http().post(`/api/v1/cadet-units/${unit}/sessions`).set(...auth).send(body);
      const res = await post({ heldOn: yearsAgo(1), attendeeIds: [amy.id, dot.id] }).expect(400);
      expect(res.body.message).toContain(dot.id);
      await post({ heldOn: '2999-01-01', attendeeIds: [amy.id] }).expect(400);
      await post({ heldOn: yearsAgo(1), attendeeIds: [] }).expect(400);
      await post({ heldOn: yearsAgo(1), attendeeIds: ['nope'] }).expect(400);
      await post({ heldOn: yearsAgo(1), attendeeIds: [amy.id] }, cadetLeaderSW.auth).expect(403);
      await post({ heldOn: yearsAgo(1), attendeeIds: [amy.id] }, ecoBE.auth).expect(403);
      expect(await count(t, 'cadet_session')).toBe(sessions);
      expect(await count(t, 'cadet_attendance')).toBe(attendance);
    });
  });

  describe('leaving', () => {
    it('DELETE sets left_at and keeps the row; the member drops out of lists and counts', async () => {
      const [cal] = await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Cal'`);
      await t.http().delete(`/api/v1/cadet-units/${unit}/members/${cal.id}`).set(...cadetLeaderBE.auth).expect(204);
      const [row] = await t.sql<{ left: boolean }>(`SELECT left_at IS NOT NULL AS left FROM cadet_member WHERE id = $1`, [cal.id]);
      expect(row.left).toBe(true);
      await t.http().delete(`/api/v1/cadet-units/${unit}/members/${cal.id}`).set(...cadetLeaderBE.auth).expect(409);
      await t.http().delete(`/api/v1/cadet-units/${jpUnit}/members/${cal.id}`).set(...cadetLeaderBE.auth).expect(404);
      const list = await t.http().get(`/api/v1/cadet-units/${unit}/members`).set(...ecoBE.auth).expect(200);
      expect(list.body.items.map((m: { firstName: string }) => m.firstName)).toEqual(['Lee', 'Amy', 'Ben']);
      const withLeft = await t.http().get(`/api/v1/cadet-units/${unit}/members?includeLeft=true`).set(...ecoBE.auth).expect(200);
      expect(withLeft.body.items.map((m: { firstName: string }) => m.firstName)).toEqual(['Lee', 'Amy', 'Ben', 'Cal']);
      // a member who left cannot attend
      await t.http().post(`/api/v1/cadet-units/${unit}/sessions`).set(...cadetLeaderBE.auth).send({ heldOn: yearsAgo(2), attendeeIds: [cal.id] }).expect(400);
      // the same child may join again later
      await addMember(unit, child('Cal', 'cadet', { dateOfBirth: yearsAgo(18) })).expect(201);
      await t.http().delete(`/api/v1/cadet-units/${unit}/members/${(await t.sql<{ id: string }>(`SELECT id FROM cadet_member WHERE first_name = 'Cal' AND left_at IS NULL`))[0].id}`).set(...admin.auth).expect(204);
    });

    it('lists units with active member counts, NPU-scoped', async () => {
      await t.http().post('/api/v1/cadet-units').set(...cadetLeaderSW.auth).send({ npuCode: 'SW', name: 'Sandwell VPC', kind: 'cadets' }).expect(201);
      const res = await t.http().get('/api/v1/cadet-units').set(...ecoBE.auth).expect(200);
      expect(res.body).toEqual({
        items: [
          expect.objectContaining({ id: unit, name: 'Birmingham East VPC', activeMembers: 3, cadets: 2, juniorPcsos: 0, leaders: 1 }),
          expect.objectContaining({ id: jpUnit, name: 'Hodge Hill Junior PCSOs', activeMembers: 2, cadets: 0, juniorPcsos: 2, leaders: 0 }),
        ],
        nextCursor: null,
      });
      await t.http().get('/api/v1/cadet-units?npu=SW').set(...ecoBE.auth).expect(403);
      const all = await t.http().get('/api/v1/cadet-units').set(...analyst.auth).expect(200);
      expect(all.body.items).toHaveLength(3);
      const page = await t.http().get('/api/v1/cadet-units?limit=2').set(...analyst.auth).expect(200);
      const next = await t.http().get(`/api/v1/cadet-units?limit=2&cursor=${page.body.nextCursor}`).set(...analyst.auth).expect(200);
      expect([...page.body.items, ...next.body.items].map((u: { id: string }) => u.id)).toEqual(all.body.items.map((u: { id: string }) => u.id));
      await t.http().get(`/api/v1/cadet-units/${unit}`).set(...cadetLeaderSW.auth).expect(403);
    });
  });

  describe('report', () => {
    it('counts active cadets and Junior PCSOs per NPU (leaders and leavers excluded), with totals', async () => {
      const [swUnit] = await t.sql<{ id: string }>(`SELECT id FROM cadet_unit WHERE npu_code = 'SW'`);
      await addMember(swUnit.id, child('Sian'), cadetLeaderSW.auth).expect(201);
      await addMember(swUnit.id, leader('Sam'), cadetLeaderSW.auth).expect(201);
      const res = await t.http().get('/api/v1/reports/cadets').set(...analyst.auth).expect(200);
      expect(res.body).toEqual({
        asAt: londonDay(),
        rows: [
          { npuCode: 'BE', juniorPcsos: 2, cadets: 2, total: 4 },
          { npuCode: 'SW', juniorPcsos: 0, cadets: 1, total: 1 },
        ],
        totals: { juniorPcsos: 2, cadets: 3, total: 5 },
      });
      const be = await t.http().get('/api/v1/reports/cadets').set(...ecoBE.auth).expect(200);
      expect(be.body).toEqual({ asAt: londonDay(), rows: [{ npuCode: 'BE', juniorPcsos: 2, cadets: 2, total: 4 }], totals: { juniorPcsos: 2, cadets: 2, total: 4 } });
      await t.http().get('/api/v1/reports/cadets?npu=SW').set(...ecoBE.auth).expect(403);
      const csv = await t.http().get('/api/v1/reports/cadets?format=csv&columns=keys').set(...admin.auth).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text).toBe(['npuCode,juniorPcsos,cadets,total', 'BE,2,2,4', 'SW,0,1,1', 'TOTAL,2,3,5', ''].join('\r\n'));
      // For people (the default): the shared report vocabulary's headings.
      const forPeople = await t.http().get('/api/v1/reports/cadets?format=csv').set(...admin.auth).expect(200);
      expect(forPeople.text).toBe(['NPU,Junior PCSOs,Cadets,Total', 'BE,2,2,4', 'SW,0,1,1', 'Total,2,3,5', ''].join('\r\n'));
    });
  });

  describe('demo seed', () => {
    it('adds one unit per NPU that has none, once', async () => {
      const svc = t.app.get(CadetsService);
      const before = await count(t, 'cadet_unit');
      // BE and SW already have units
      expect(await svc.seedDemo()).toBe(0);
      await t.sql(`INSERT INTO npu (code, name) VALUES ('CV', 'Coventry')`);
      expect(await svc.seedDemo()).toBe(1);
      expect(await svc.seedDemo()).toBe(0);
      expect(await count(t, 'cadet_unit')).toBe(before + 1);
    });
  });
});
