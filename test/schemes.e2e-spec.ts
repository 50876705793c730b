import { beforeAll, describe, expect, it } from '@jest/globals';
import { AccessTokenService } from '@beacon/auth';
import { londonDay, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { SchemesService } from '@beacon/schemes';
import { useSuite } from './utils/suite';
import { loginAs, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

let nameSeq = 0;
/** A resident row straight in the table (the residents lib owns sign-up). */
async function makeResident(t: TestApp, wardCode: string, opts: { status?: string; firstName?: string; lastName?: string } = {}): Promise<string> {
  const n = ++nameSeq;
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO resident (first_name, last_name, ward_code, status, consent_at, activated_at)
     VALUES ($1, $2, $3, $4, now(), now()) RETURNING id`,
    [opts.firstName ?? `First${n}`, opts.lastName ?? `Last${n}`, wardCode, opts.status ?? 'active'],
  );
  return row.id;
}

const residentAuth = (t: TestApp, id: string): Auth => ['Authorization', `Bearer ${t.app.get(AccessTokenService).signResident(id)}`];

const HOUR = 3600 * 1000;
// Patrol times: whole hours, a week ahead, so "in the future" holds for the whole run.
const BASE = Math.ceil((Date.now() + 7 * 24 * HOUR) / HOUR) * HOUR;
const at = (hours: number) => new Date(BASE + hours * HOUR).toISOString();

async function count(t: TestApp, table: string, where = 'true', values: unknown[] = []): Promise<number> {
  const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
  return n;
}

describe('schemes', () => {
  const { t } = useSuite({ geography: true });
  let admin: { auth: Auth; id: string };
  let ecoBE: { auth: Auth; id: string };
  let ecoSW: { auth: Auth; id: string };
  let analyst: { auth: Auth; id: string };

  beforeAll(async () => {
    [admin, ecoBE, ecoSW, analyst] = await Promise.all([loginAs(t, 'admin'), loginAs(t, 'eco', 'BE'), loginAs(t, 'eco', 'SW'), loginAs(t, 'analyst')]);
  });

  // Staff record the coordinator's and each member's consent (issue 14).
  function createScheme(auth: Auth, body: Record<string, unknown>) {
    return t.http().post('/api/v1/schemes').set(...auth).send('coordinatorResidentId' in body ? { coordinatorConsent: 'in_person', ...body } : body);
  }

  function addMember(schemeId: string, residentId: string, auth: Auth = ecoBE.auth) {
    return t.http().post(`/api/v1/schemes/${schemeId}/members`).set(...auth).send({ residentId, consent: 'in_person' });
  }

  describe('creating and reading schemes', () => {
    it('lists the scheme types (reference table seeded by the migration)', async () => {
      const res = await t.http().get('/api/v1/scheme-types').set(...ecoBE.auth).expect(200);
      expect(res.body).toEqual([
        { code: 'business_watch', name: 'Business Watch' },
        { code: 'canal_watch', name: 'Canal Watch' },
        { code: 'neighbourhood_watch', name: 'Neighbourhood Watch' },
        { code: 'street_watch', name: 'Street Watch' },
      ]);
    });

    it('creates a scheme in a ward of the caller’s NPU; the coordinator becomes a member', async () => {
      const coordinator = await makeResident(t, 'BE01', { firstName: 'Carol', lastName: 'Coord' });
      const res = await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Hodge Hill Watch', wardCode: 'BE01', coordinatorResidentId: coordinator }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        type: 'neighbourhood_watch',
        name: 'Hodge Hill Watch',
        wardCode: 'BE01',
        wardName: 'Hodge Hill',
        npuCode: 'BE',
        status: 'active',
        coordinator: { residentId: coordinator, firstName: 'Carol', lastName: 'Coord' },
        memberCount: 1,
        openedOn: londonDay(),
        closedOn: null,
        createdAt: expect.any(String),
      });
      expect(await t.sql(`SELECT resident_id FROM scheme_member WHERE scheme_id = $1`, [res.body.id])).toEqual([{ resident_id: coordinator }]);
      const got = await t.http().get(`/api/v1/schemes/${res.body.id}`).set(...ecoBE.auth).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('an ECO of BE gets 403 on an SW ward and on an SW scheme; nothing is written', async () => {
      const before = await count(t, 'scheme');
      await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Oldbury Watch', wardCode: 'SW01' }).expect(403);
      expect(await count(t, 'scheme')).toBe(before);
      const sw = await createScheme(ecoSW.auth, { type: 'canal_watch', name: 'Oldbury Canal Watch', wardCode: 'SW01' }).expect(201);
      await t.http().get(`/api/v1/schemes/${sw.body.id}`).set(...ecoBE.auth).expect(403);
      await t.http().patch(`/api/v1/schemes/${sw.body.id}`).set(...ecoBE.auth).send({ name: 'Mine now' }).expect(403);
      const resident = await makeResident(t, 'SW01');
      await addMember(sw.body.id, resident, ecoBE.auth).expect(403);
      expect(await count(t, 'scheme_member', 'scheme_id = $1', [sw.body.id])).toBe(0);
      // force-wide staff reach any NPU
      await t.http().get(`/api/v1/schemes/${sw.body.id}`).set(...admin.auth).expect(200);
    });

    it('rejects an unknown ward or type, and a coordinator who is not an active resident of the NPU', async () => {
      const before = await count(t, 'scheme');
      await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'X', wardCode: 'ZZ99' }).expect(400);
      await createScheme(ecoBE.auth, { type: 'horse_watch', name: 'X', wardCode: 'BE01' }).expect(400);
      const pending = await makeResident(t, 'BE01', { status: 'pending' });
      await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'X', wardCode: 'BE01', coordinatorResidentId: pending }).expect(400);
      const swResident = await makeResident(t, 'SW02');
      await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'X', wardCode: 'BE01', coordinatorResidentId: swResident }).expect(400);
      expect(await count(t, 'scheme')).toBe(before);
    });

    it('analysts read but do not manage schemes', async () => {
      await createScheme(analyst.auth, { type: 'street_watch', name: 'X', wardCode: 'BE01' }).expect(403);
      await t.http().get('/api/v1/schemes').set(...analyst.auth).expect(200);
    });

    it('lists schemes scoped to the caller’s NPU, with filters, member counts and paging', async () => {
      const a = await createScheme(ecoBE.auth, { type: 'business_watch', name: 'AAA Shard End Business Watch', wardCode: 'BE02' }).expect(201);
      const r1 = await makeResident(t, 'BE02');
      const r2 = await makeResident(t, 'BE03');
      await addMember(a.body.id, r1).expect(201);
      await addMember(a.body.id, r2).expect(201);

      const own = await t.http().get('/api/v1/schemes').set(...ecoBE.auth).expect(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((s: { npuCode: string }) => s.npuCode === 'BE')).toBe(true);
      await t.http().get('/api/v1/schemes?npu=SW').set(...ecoBE.auth).expect(403);
      await t.http().get('/api/v1/schemes?ward=SW01').set(...ecoBE.auth).expect(403);

      const byType = await t.http().get('/api/v1/schemes?type=business_watch&ward=BE02').set(...ecoBE.auth).expect(200);
      expect(byType.body).toEqual({ items: [expect.objectContaining({ id: a.body.id, memberCount: 2, coordinator: null })], nextCursor: null });

      const all = await t.http().get('/api/v1/schemes').set(...admin.auth).expect(200);
      expect(new Set(all.body.items.map((s: { npuCode: string }) => s.npuCode))).toEqual(new Set(['BE', 'SW']));
      const swOnly = await t.http().get('/api/v1/schemes?npu=SW').set(...admin.auth).expect(200);
      expect(swOnly.body.items.length).toBeGreaterThan(0);
      expect(swOnly.body.items.every((s: { npuCode: string }) => s.npuCode === 'SW')).toBe(true);

      // keyset paging walks every scheme exactly once
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(`/api/v1/schemes?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .set(...admin.auth)
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.body.items.map((s) => s.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.body.items.map((s: { id: string }) => s.id));
      expect(new Set(seen).size).toBe(await count(t, 'scheme'));
    });
  });

  describe('membership', () => {
    let schemeId: string;
    let coordinator: string;
    beforeAll(async () => {
      coordinator = await makeResident(t, 'BE01');
      const res = await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Membership Watch', wardCode: 'BE01', coordinatorResidentId: coordinator }).expect(201);
      schemeId = res.body.id;
    });

    it('adds an active resident of the NPU (any ward of it); a duplicate is 409', async () => {
      const r = await makeResident(t, 'BE03', { firstName: 'Dee', lastName: 'Member' });
      const res = await addMember(schemeId, r).expect(201);
      expect(res.body).toEqual({ schemeId, residentId: r, firstName: 'Dee', lastName: 'Member', joinedAt: expect.any(String) });
      await addMember(schemeId, r).expect(409);
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, r])).toBe(1);
      const members = await t.http().get(`/api/v1/schemes/${schemeId}/members`).set(...ecoBE.auth).expect(200);
      expect(members.body.items.map((m: { residentId: string }) => m.residentId).sort()).toEqual([coordinator, r].sort());
    });

    it('refuses residents who are not active, live in another NPU, or do not exist', async () => {
      const before = await count(t, 'scheme_member', 'scheme_id = $1', [schemeId]);
      for (const status of ['pending', 'unsubscribed', 'erased']) {
        const r = await makeResident(t, 'BE01', { status });
        await addMember(schemeId, r).expect(400);
      }
      await addMember(schemeId, await makeResident(t, 'SW01')).expect(400);
      await addMember(schemeId, '5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00').expect(400);
      expect(await count(t, 'scheme_member', 'scheme_id = $1', [schemeId])).toBe(before);
    });

    it('removes a member (204) and 404s a non-member', async () => {
      const r = await makeResident(t, 'BE02');
      await addMember(schemeId, r).expect(201);
      await t.http().delete(`/api/v1/schemes/${schemeId}/members/${r}`).set(...ecoBE.auth).expect(204);
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, r])).toBe(0);
      await t.http().delete(`/api/v1/schemes/${schemeId}/members/${r}`).set(...ecoBE.auth).expect(404);
    });

    it('a closed scheme takes no new members until reopened', async () => {
      const s = await createScheme(ecoBE.auth, { type: 'canal_watch', name: 'Closing Canal Watch', wardCode: 'BE03' }).expect(201);
      await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({ status: 'closed' }).expect(200);
      const r = await makeResident(t, 'BE03');
      await addMember(s.body.id, r).expect(409);
      await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({ status: 'active' }).expect(200);
      await addMember(s.body.id, r).expect(201);
    });
  });

  describe('coordinator rules', () => {
    let schemeId: string;
    let coordinator: string;
    let member: string;
    beforeAll(async () => {
      coordinator = await makeResident(t, 'BE02', { firstName: 'Cora' });
      member = await makeResident(t, 'BE02', { firstName: 'Milo' });
      const res = await createScheme(ecoBE.auth, { type: 'street_watch', name: 'Coordinator Street Watch', wardCode: 'BE02', coordinatorResidentId: coordinator }).expect(201);
      schemeId = res.body.id;
      await addMember(schemeId, member).expect(201);
    });

    it('the coordinator must be a member', async () => {
      const outsider = await makeResident(t, 'BE02');
      await t.http().patch(`/api/v1/schemes/${schemeId}`).set(...ecoBE.auth).send({ coordinatorResidentId: outsider }).expect(400);
      const [row] = await t.sql<{ c: string }>(`SELECT coordinator_resident_id AS c FROM scheme WHERE id = $1`, [schemeId]);
      expect(row.c).toBe(coordinator);
    });

    it('the coordinator cannot be removed (409) until another is set; then they can', async () => {
      await t.http().delete(`/api/v1/schemes/${schemeId}/members/${coordinator}`).set(...ecoBE.auth).expect(409);
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, coordinator])).toBe(1);
      const res = await t.http().patch(`/api/v1/schemes/${schemeId}`).set(...ecoBE.auth).send({ coordinatorResidentId: member }).expect(200);
      expect(res.body.coordinator).toEqual({ residentId: member, firstName: 'Milo', lastName: expect.any(String) });
      await t.http().delete(`/api/v1/schemes/${schemeId}/members/${coordinator}`).set(...ecoBE.auth).expect(204);
      // hand it back for the next tests
      await addMember(schemeId, coordinator).expect(201);
      await t.http().patch(`/api/v1/schemes/${schemeId}`).set(...ecoBE.auth).send({ coordinatorResidentId: coordinator }).expect(200);
    });

    it('PATCH renames and can clear the coordinator; an empty PATCH is 400', async () => {
      const s = await createScheme(ecoBE.auth, { type: 'business_watch', name: 'Old Name', wardCode: 'BE01', coordinatorResidentId: await makeResident(t, 'BE01') }).expect(201);
      const res = await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({ name: 'New Name', coordinatorResidentId: null }).expect(200);
      expect(res.body).toMatchObject({ name: 'New Name', coordinator: null, memberCount: 1 });
      await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({}).expect(400);
      await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({ name: null }).expect(400);
      await t.http().patch(`/api/v1/schemes/${s.body.id}`).set(...ecoBE.auth).send({ status: 'archived' }).expect(400);
    });

    it('the coordinator manages their own scheme’s members with a resident token (invite; the resident accepts)', async () => {
      const auth = residentAuth(t, coordinator);
      const newcomer = await makeResident(t, 'BE01', { firstName: 'Nia', lastName: 'Newcomer' });
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).send({ residentId: newcomer }).expect(202, { schemeId, residentId: newcomer, status: 'invited' });
      const res = await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...residentAuth(t, newcomer)).expect(200);
      expect(res.body).toEqual({ schemeId, residentId: newcomer, firstName: 'Nia', joinedAt: expect.any(String) });
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).send({ residentId: newcomer }).expect(409);
      const list = await t.http().get(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).expect(200);
      // residents see first names only
      for (const m of list.body.items) expect(Object.keys(m).sort()).toEqual(['firstName', 'joinedAt', 'residentId']);
      expect(list.body.items.map((m: { residentId: string }) => m.residentId)).toContain(newcomer);
      await t.http().delete(`/api/v1/me/schemes/${schemeId}/members/${newcomer}`).set(...auth).expect(204);
      await t.http().delete(`/api/v1/me/schemes/${schemeId}/members/${coordinator}`).set(...auth).expect(409);
      const mine = await t.http().get('/api/v1/me/schemes').set(...auth).expect(200);
      expect(mine.body).toContainEqual(expect.objectContaining({ id: schemeId, isCoordinator: true, type: 'street_watch' }));
    });

    // Issue 14 (Lower 17): a coordinator enrolled any active resident of the NPU by id, without
    // their consent, and the error named the resident's NPU.
    it('a coordinator only invites: nobody becomes a member until they accept from their own session', async () => {
      const auth = residentAuth(t, coordinator);
      const invitee = await makeResident(t, 'BE03', { firstName: 'Ivy' });
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).send({ residentId: invitee }).expect(202, { schemeId, residentId: invitee, status: 'invited' });
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, invitee])).toBe(0);
      // Nobody else can accept it for them (the coordinator included), and it stays open.
      await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...auth).expect(404);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...ecoBE.auth).expect(401);
      const mine = await t.http().get('/api/v1/me/scheme-invitations').set(...residentAuth(t, invitee)).expect(200);
      expect(mine.body).toEqual([{ schemeId, name: 'Coordinator Street Watch', type: 'street_watch', wardCode: 'BE02', invitedAt: expect.any(String) }]);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...residentAuth(t, invitee)).expect(200);
      expect(await t.sql('SELECT consent, consent_recorded_by FROM scheme_member WHERE scheme_id = $1 AND resident_id = $2', [schemeId, invitee])).toEqual([
        { consent: 'invitation', consent_recorded_by: `resident:${invitee}` },
      ]);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...residentAuth(t, invitee)).expect(404);
      // Declining removes the invitation and joins nothing.
      const decliner = await makeResident(t, 'BE01');
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).send({ residentId: decliner }).expect(202);
      await t.http().delete(`/api/v1/me/schemes/${schemeId}/invitation`).set(...residentAuth(t, decliner)).expect(204);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/invitation/accept`).set(...residentAuth(t, decliner)).expect(404);
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, decliner])).toBe(0);
    });

    it('an invitation answers the same for any id, revealing neither status nor NPU, and stores nothing for the ineligible', async () => {
      const auth = residentAuth(t, coordinator);
      const ids = [await makeResident(t, 'SW01'), await makeResident(t, 'BE01', { status: 'pending' }), '5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00'];
      for (const residentId of ids) {
        await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...auth).send({ residentId }).expect(202, { schemeId, residentId, status: 'invited' });
      }
      expect(await count(t, 'scheme_invitation', 'resident_id = ANY($1)', [ids])).toBe(0);
    });

    it('staff enrol only with the resident’s recorded consent; refusals name no NPU', async () => {
      const r = await makeResident(t, 'BE01');
      const noConsent = await t.http().post(`/api/v1/schemes/${schemeId}/members`).set(...ecoBE.auth).send({ residentId: r }).expect(400);
      expect(noConsent.body.message).toContain('consent');
      await createScheme(ecoBE.auth, { type: 'canal_watch', name: 'No consent', wardCode: 'BE01', coordinatorResidentId: r, coordinatorConsent: undefined }).expect(400);
      expect(await count(t, 'scheme_member', 'resident_id = $1', [r])).toBe(0);
      await addMember(schemeId, r).expect(201);
      expect(await t.sql('SELECT consent, consent_recorded_by FROM scheme_member WHERE scheme_id = $1 AND resident_id = $2', [schemeId, r])).toEqual([
        { consent: 'in_person', consent_recorded_by: `staff:${ecoBE.id}` },
      ]);
      const messages: string[] = [];
      for (const other of [await makeResident(t, 'SW01'), await makeResident(t, 'BE01', { status: 'unsubscribed' }), '5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00']) {
        const res = await addMember(schemeId, other).expect(400);
        messages.push(res.body.message.replace(other, '<id>'));
      }
      expect(new Set(messages).size).toBe(1);
      expect(messages[0]).not.toMatch(/\bSW\b|\bBE\b/);
    });

    it('a plain member, another scheme’s coordinator and staff tokens cannot use the resident routes', async () => {
      const newcomer = await makeResident(t, 'BE01');
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...residentAuth(t, member)).send({ residentId: newcomer }).expect(403);
      const other = await makeResident(t, 'BE01');
      await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Other Watch', wardCode: 'BE01', coordinatorResidentId: other }).expect(201);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...residentAuth(t, other)).send({ residentId: newcomer }).expect(403);
      await t.http().post(`/api/v1/me/schemes/${schemeId}/members`).set(...ecoBE.auth).send({ residentId: newcomer }).expect(401);
      // and a resident token does not open staff routes
      await addMember(schemeId, newcomer, residentAuth(t, coordinator)).expect(401);
      expect(await count(t, 'scheme_member', 'scheme_id = $1 AND resident_id = $2', [schemeId, newcomer])).toBe(0);
    });
  });

  describe('Street Watch patrols', () => {
    let street: string;
    let watch: string;
    let vols: string[];
    let outsider: string;
    beforeAll(async () => {
      vols = [];
      for (const name of ['Ann', 'Bob', 'Cat', 'Dan', 'Eve']) vols.push(await makeResident(t, 'BE02', { firstName: name, lastName: `${name}son` }));
      outsider = await makeResident(t, 'BE02');
      const s = await createScheme(ecoBE.auth, { type: 'street_watch', name: 'Shard End Street Watch', wardCode: 'BE02', coordinatorResidentId: vols[0] }).expect(201);
      street = s.body.id;
      for (const v of vols.slice(1)) await addMember(street, v).expect(201);
      const w = await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Not a Street Watch', wardCode: 'BE02', coordinatorResidentId: vols[0] }).expect(201);
      watch = w.body.id;
      await addMember(watch, vols[1]).expect(201);
    });

    const patrol = (schemeId: string, body: Record<string, unknown>, auth?: Auth) => t.http().post(`/api/v1/schemes/${schemeId}/patrols`).set(...(auth ?? ecoBE.auth)).send(body);

    it('plans a patrol of two or more members', async () => {
      const res = await patrol(street, { startsAt: at(0), endsAt: at(2), route: 'Shard End Crescent loop', volunteerResidentIds: [vols[0], vols[1]] }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        scheme: { id: street, name: 'Shard End Street Watch', type: 'street_watch' },
        ward: { code: 'BE02', name: 'Shard End' },
        npuCode: 'BE',
        startsAt: at(0),
        endsAt: at(2),
        route: 'Shard End Crescent loop',
        volunteers: [{ firstName: 'Ann' }, { firstName: 'Bob' }],
        report: null,
        status: 'planned',
        cancellation: null,
      });
      const rows = await t.sql<{ during: string }>(`SELECT during::text FROM patrol_volunteer WHERE patrol_id = $1`, [res.body.id]);
      expect(rows).toHaveLength(2);
    });

    it('one volunteer is a 400; a non-member volunteer is a 400; nothing written', async () => {
      const before = await count(t, 'patrol');
      await patrol(street, { startsAt: at(10), endsAt: at(11), route: 'Solo', volunteerResidentIds: [vols[2]] }).expect(400);
      const res = await patrol(street, { startsAt: at(10), endsAt: at(11), route: 'Mixed', volunteerResidentIds: [vols[2], outsider] }).expect(400);
      expect(res.body.message).toContain(outsider);
      await patrol(street, { startsAt: at(10), endsAt: at(11), route: 'Twice', volunteerResidentIds: [vols[2], vols[2]] }).expect(400);
      expect(await count(t, 'patrol')).toBe(before);
      expect(await count(t, 'patrol_volunteer', 'resident_id = ANY($1)', [[vols[2], outsider]])).toBe(0);
    });

    it('only Street Watch schemes patrol (409)', async () => {
      await patrol(watch, { startsAt: at(10), endsAt: at(11), route: 'R', volunteerResidentIds: [vols[0], vols[1]] }).expect(409);
    });

    it('times must be in the future, ordered, and at most 12 hours apart', async () => {
      const before = await count(t, 'patrol');
      const past = new Date(Date.now() - 2 * HOUR).toISOString();
      await patrol(street, { startsAt: past, endsAt: at(1), route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400);
      await patrol(street, { startsAt: at(21), endsAt: at(20), route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400);
      await patrol(street, { startsAt: at(20), endsAt: at(20), route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400);
      await patrol(street, { startsAt: at(20), endsAt: at(33), route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400);
      await patrol(street, { startsAt: '2100-01-01T10:00:00', endsAt: '2100-01-01T11:00:00', route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400); // no zone
      await patrol(street, { startsAt: 'tomorrow', endsAt: at(1), route: 'R', volunteerResidentIds: [vols[2], vols[3]] }).expect(400);
      expect(await count(t, 'patrol')).toBe(before);
    });

    it('a volunteer cannot be on two overlapping patrols (409); back-to-back is fine', async () => {
      const before = await count(t, 'patrol');
      const res = await patrol(street, { startsAt: at(1), endsAt: at(3), route: 'Overlap', volunteerResidentIds: [vols[2], vols[1]] }).expect(409);
      expect(res.body.message).toContain('overlapping');
      expect(await count(t, 'patrol')).toBe(before);
      expect(await count(t, 'patrol_volunteer', 'resident_id = $1', [vols[2]])).toBe(0);
      await patrol(street, { startsAt: at(2), endsAt: at(4), route: 'Back to back', volunteerResidentIds: [vols[0], vols[1]] }).expect(201);
      // the database itself refuses the overlap, whatever the service checks
      const [bare] = await t.sql<{ id: string }>(
        `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, $2, $3, 'Bare', 'test') RETURNING id`,
        [street, at(3), at(5)],
      );
      await expect(
        t.sql(`INSERT INTO patrol_volunteer (patrol_id, resident_id, during) VALUES ($1, $2, tstzrange($3, $4))`, [bare.id, vols[0], at(3), at(5)]),
      ).rejects.toMatchObject({ code: '23P01' });
      await t.sql(`DELETE FROM patrol WHERE id = $1`, [bare.id]);
    });

    it('two concurrent plans for the same volunteer: exactly one wins', async () => {
      for (let round = 0; round < 4; round++) {
        const slot = 100 + round * 24;
        const [a, b] = await Promise.all([
          patrol(street, { startsAt: at(slot), endsAt: at(slot + 2), route: `Race A${round}`, volunteerResidentIds: [vols[3], vols[1]] }),
          patrol(street, { startsAt: at(slot + 1), endsAt: at(slot + 3), route: `Race B${round}`, volunteerResidentIds: [vols[3], vols[4]] }),
        ]);
        expect([a.status, b.status].sort()).toEqual([201, 409]);
        const rows = await t.sql(`SELECT p.id FROM patrol p WHERE p.route IN ($1, $2)`, [`Race A${round}`, `Race B${round}`]);
        expect(rows).toHaveLength(1);
      }
    });

    it('the coordinator can plan a patrol for their scheme; a member cannot', async () => {
      const body = { startsAt: at(200), endsAt: at(201), route: 'Coordinator route', volunteerResidentIds: [vols[0], vols[4]] };
      await t.http().post(`/api/v1/me/schemes/${street}/patrols`).set(...residentAuth(t, vols[1])).send(body).expect(403);
      await t.http().post(`/api/v1/me/schemes/${street}/patrols`).set(...residentAuth(t, vols[0])).send(body).expect(201);
    });

    it('staff see planned patrols of their NPU by date range, volunteers by first name only', async () => {
      // an SW patrol that BE staff must never see
      const sw = await Promise.all([makeResident(t, 'SW01'), makeResident(t, 'SW01')]);
      const s = await createScheme(ecoSW.auth, { type: 'street_watch', name: 'Oldbury Street Watch', wardCode: 'SW01', coordinatorResidentId: sw[0] }).expect(201);
      await addMember(s.body.id, sw[1], ecoSW.auth).expect(201);
      await patrol(s.body.id, { startsAt: at(0), endsAt: at(2), route: 'Oldbury', volunteerResidentIds: sw }, ecoSW.auth).expect(201);

      const res = await t.http().get(`/api/v1/patrols?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(5))}`).set(...ecoBE.auth).expect(200);
      expect(res.body.items.map((p: { route: string }) => p.route)).toEqual(['Shard End Crescent loop', 'Back to back']);
      expect(res.body.items[0]).toMatchObject({ npuCode: 'BE', scheme: { name: 'Shard End Street Watch' }, ward: { code: 'BE02', name: 'Shard End' } });
      for (const p of res.body.items) {
        expect(p.volunteers.length).toBeGreaterThan(0);
        for (const v of p.volunteers) expect(Object.keys(v)).toEqual(['firstName']);
      }
      expect(JSON.stringify(res.body)).not.toContain('Annson');

      const later = await t.http().get(`/api/v1/patrols?from=${encodeURIComponent(at(50))}`).set(...ecoBE.auth).expect(200);
      expect(later.body.items.every((p: { startsAt: string }) => p.startsAt >= at(50))).toBe(true);
      expect(later.body.items.length).toBe(5); // four race winners + the coordinator's

      const swView = await t.http().get(`/api/v1/patrols?npu=SW&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(5))}`).set(...admin.auth).expect(200);
      expect(swView.body.items.map((p: { route: string }) => p.route)).toEqual(['Oldbury']);
      await t.http().get('/api/v1/patrols?npu=SW').set(...ecoBE.auth).expect(403);
      await t.http().get('/api/v1/patrols?from=notadate').set(...ecoBE.auth).expect(400);
      // a date-only "to" includes that whole day
      const day = at(0).slice(0, 10);
      const sameDay = await t.http().get(`/api/v1/patrols?from=${day}&to=${day}`).set(...ecoBE.auth).expect(200);
      expect(sameDay.body.items.map((p: { route: string }) => p.route)).toEqual(
        at(2).slice(0, 10) === day ? ['Shard End Crescent loop', 'Back to back'] : ['Shard End Crescent loop'],
      );
    });

    it('a report is filed once, after the patrol, by NPU staff or one of its volunteers', async () => {
      const [upcoming] = await t.sql<{ id: string }>(`SELECT id FROM patrol WHERE route = 'Shard End Crescent loop'`);
      await t.http().post(`/api/v1/patrols/${upcoming.id}/report`).set(...ecoBE.auth).send({ observations: 'Too early' }).expect(409);

      // a finished patrol (written directly: the API only plans future ones)
      const [done] = await t.sql<{ id: string }>(
        `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, now() - interval '3 hours', now() - interval '1 hour', 'Done', 'test') RETURNING id`,
        [street],
      );
      await t.sql(
        `INSERT INTO patrol_volunteer (patrol_id, resident_id, during) SELECT $1, r, tstzrange(now() - interval '3 hours', now() - interval '1 hour') FROM unnest($2::uuid[]) r`,
        [done.id, [vols[3], vols[4]]],
      );
      await t.http().post(`/api/v1/patrols/${done.id}/report`).set(...ecoSW.auth).send({ observations: 'Not mine' }).expect(403);
      await t.http().post(`/api/v1/me/patrols/${done.id}/report`).set(...residentAuth(t, vols[0])).send({ observations: 'Not on it' }).expect(403);
      const res = await t.http().post(`/api/v1/me/patrols/${done.id}/report`).set(...residentAuth(t, vols[3])).send({ observations: 'Two open windows on Bucklands End Lane; residents advised.' }).expect(201);
      expect(res.body).toEqual({ patrolId: done.id, observations: 'Two open windows on Bucklands End Lane; residents advised.', reportedBy: `resident:${vols[3]}`, createdAt: expect.any(String) });
      await t.http().post(`/api/v1/patrols/${done.id}/report`).set(...ecoBE.auth).send({ observations: 'Again' }).expect(409);
      const got = await t.http().get(`/api/v1/patrols/${done.id}`).set(...ecoBE.auth).expect(200);
      expect(got.body.report).toMatchObject({ observations: 'Two open windows on Bucklands End Lane; residents advised.' });
      expect(await count(t, 'patrol_report', 'patrol_id = $1', [done.id])).toBe(1);
    });

    describe('cancelling', () => {
      const cancel = (id: string, auth: Auth, body?: Record<string, unknown>) => {
        const req = t.http().post(`/api/v1/patrols/${id}/cancel`).set(...auth);
        return body === undefined ? req : req.send(body);
      };
      const cancelMine = (id: string, residentId: string, body?: Record<string, unknown>) => {
        const req = t.http().post(`/api/v1/me/patrols/${id}/cancel`).set(...residentAuth(t, residentId));
        return body === undefined ? req : req.send(body);
      };
      const statusOf = async (id: string) =>
        (await t.sql<{ status: string }>(`SELECT status FROM patrol WHERE id = $1`, [id]))[0].status;
      const plan = async (hours: number, volunteerResidentIds: string[], route: string) =>
        (await patrol(street, { startsAt: at(hours), endsAt: at(hours + 2), route, volunteerResidentIds }).expect(201)).body.id as string;
      /** A patrol written directly (the API plans only future ones), its volunteers copying its times. */
      async function insertPatrol(startsSql: string, endsSql: string, volunteers: string[], route: string, cancelled = false): Promise<string> {
        const [p] = await t.sql<{ id: string }>(
          `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by, status, cancelled_at, cancelled_by)
           VALUES ($1, ${startsSql}, ${endsSql}, $2, 'test', $3, CASE WHEN $4::boolean THEN now() END, CASE WHEN $4::boolean THEN 'test' END) RETURNING id`,
          [street, route, cancelled ? 'cancelled' : 'planned', cancelled],
        );
        await t.sql(
          `INSERT INTO patrol_volunteer (patrol_id, resident_id, during, cancelled)
           SELECT p.id, r, tstzrange(p.starts_at, p.ends_at), $3 FROM patrol p, unnest($2::uuid[]) r WHERE p.id = $1`,
          [p.id, volunteers, cancelled],
        );
        return p.id;
      }

      it('NPU managers cancel before the start; the patrol keeps its record, shows as cancelled, and is audited', async () => {
        const id = await plan(400, [vols[1], vols[2]], 'Rained off');
        await cancel(id, ecoSW.auth, { reason: 'Not mine' }).expect(403);
        await cancel(id, analyst.auth, { reason: 'Readers only' }).expect(403);
        expect(await statusOf(id)).toBe('planned');

        const res = await cancel(id, ecoBE.auth, { reason: '  Heavy rain forecast  ' }).expect(200);
        expect(res.body).toMatchObject({ id, route: 'Rained off', status: 'cancelled', volunteers: [{ firstName: 'Bob' }, { firstName: 'Cat' }], report: null });
        expect(res.body.cancellation).toEqual({ cancelledAt: expect.any(String), cancelledBy: `staff:${ecoBE.id}`, reason: 'Heavy rain forecast' });
        const [row] = await t.sql(`SELECT status, cancelled_at IS NOT NULL AS at, cancelled_by AS by, cancel_reason AS reason FROM patrol WHERE id = $1`, [id]);
        expect(row).toEqual({ status: 'cancelled', at: true, by: `staff:${ecoBE.id}`, reason: 'Heavy rain forecast' });
        expect(await t.sql(`SELECT cancelled FROM patrol_volunteer WHERE patrol_id = $1`, [id])).toEqual([{ cancelled: true }, { cancelled: true }]);

        const got = await t.http().get(`/api/v1/patrols/${id}`).set(...ecoBE.auth).expect(200);
        expect(got.body).toEqual(res.body);
        // The list keeps cancelled patrols (the team sees the slot was called off) unless ?status=planned.
        const range = `from=${encodeURIComponent(at(399))}&to=${encodeURIComponent(at(403))}`;
        const all = await t.http().get(`/api/v1/patrols?${range}`).set(...ecoBE.auth).expect(200);
        expect(all.body.items.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([[id, 'cancelled']]);
        expect(all.body.items[0].cancellation).toEqual(res.body.cancellation);
        expect((await t.http().get(`/api/v1/patrols?${range}&status=planned`).set(...ecoBE.auth).expect(200)).body.items).toEqual([]);
        expect((await t.http().get(`/api/v1/patrols?${range}&status=cancelled`).set(...ecoBE.auth).expect(200)).body.items.map((p: { id: string }) => p.id)).toEqual([id]);

        const audit = await t.sql(`SELECT actor, subject FROM audit_event WHERE action = 'POST /api/v1/patrols/:id/cancel'`);
        expect(audit).toEqual([{ actor: `staff:${ecoBE.id}`, subject: `/api/v1/patrols/${id}/cancel` }]);
      });

      it('only once (409), and a failed cancel writes nothing', async () => {
        const id = await plan(404, [vols[1], vols[2]], 'Cancel twice');
        const first = await cancel(id, admin.auth).expect(200);
        expect(first.body.cancellation).toEqual({ cancelledAt: expect.any(String), cancelledBy: `staff:${admin.id}`, reason: null });
        const again = await cancel(id, ecoBE.auth, { reason: 'Again' }).expect(409);
        expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'This patrol is already cancelled' });
        await cancelMine(id, vols[1]).expect(409);
        expect(await t.sql(`SELECT cancelled_by AS by, cancel_reason AS reason FROM patrol WHERE id = $1`, [id])).toEqual([{ by: `staff:${admin.id}`, reason: null }]);
      });

      it('two concurrent cancels: exactly one wins', async () => {
        const id = await plan(406, [vols[1], vols[2]], 'Cancel race');
        const results = await Promise.all([cancel(id, ecoBE.auth, { reason: 'A' }), cancelMine(id, vols[1], { reason: 'B' })]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      });

      it('frees the volunteers: an overlapping plan is 409 before the cancel and 201 after', async () => {
        const id = await plan(410, [vols[3], vols[4]], 'Freed');
        const overlapping = { startsAt: at(411), endsAt: at(413), route: 'Instead', volunteerResidentIds: [vols[3], vols[1]] };
        await patrol(street, overlapping).expect(409);
        await cancel(id, ecoBE.auth, { reason: 'Rain' }).expect(200);
        const instead = await patrol(street, overlapping).expect(201);
        expect(instead.body).toMatchObject({ status: 'planned', cancellation: null });
        // The database still refuses an overlap with the planned patrol, and ignores the cancelled one.
        const [bare] = await t.sql<{ id: string }>(
          `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, $2, $3, 'Bare', 'test') RETURNING id`,
          [street, at(410), at(412)],
        );
        await expect(
          t.sql(`INSERT INTO patrol_volunteer (patrol_id, resident_id, during) VALUES ($1, $2, tstzrange($3, $4))`, [bare.id, vols[3], at(410), at(412)]),
        ).rejects.toMatchObject({ code: '23P01' });
        await t.sql(`INSERT INTO patrol_volunteer (patrol_id, resident_id, during) VALUES ($1, $2, tstzrange($3, $4))`, [bare.id, vols[4], at(410), at(412)]);
        await t.sql(`DELETE FROM patrol WHERE id = $1`, [bare.id]);
        // A cancellation always says when and by whom.
        await expect(t.sql(`UPDATE patrol SET status = 'cancelled' WHERE id = $1`, [instead.body.id])).rejects.toMatchObject({ code: '23514' });
      });

      it('a cancel racing an overlapping plan: either outcome for the plan, never one volunteer on two overlapping live patrols', async () => {
        for (let round = 0; round < 4; round++) {
          const slot = 500 + round * 24;
          const id = await plan(slot, [vols[3], vols[4]], `Cancel race ${round}`);
          const [cancelled, planned] = await Promise.all([
            cancel(id, ecoBE.auth),
            patrol(street, { startsAt: at(slot + 1), endsAt: at(slot + 3), route: `Plan race ${round}`, volunteerResidentIds: [vols[3], vols[1]] }),
          ]);
          expect(cancelled.status).toBe(200);
          expect([201, 409]).toContain(planned.status);
        }
        const [{ n }] = await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM patrol_volunteer a JOIN patrol_volunteer b ON a.resident_id = b.resident_id AND a.patrol_id < b.patrol_id AND a.during && b.during
            WHERE NOT a.cancelled AND NOT b.cancelled`,
        );
        expect(n).toBe(0);
      });

      it('the scheme’s coordinator or one of the patrol’s volunteers cancels with a resident token; others get 403', async () => {
        const p = await plan(420, [vols[1], vols[2]], 'Volunteer cancels');
        const q = await plan(424, [vols[3], vols[4]], 'Coordinator cancels');
        await cancelMine(p, outsider, { reason: 'Not a member' }).expect(403);
        await cancelMine(p, vols[3], { reason: 'Member, not on it' }).expect(403);
        await t.http().post(`/api/v1/me/patrols/${p}/cancel`).set(...ecoBE.auth).send({}).expect(401);
        // A volunteer who is no longer an active resident cannot call off everyone's patrol.
        await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE id = $1`, [vols[1]]);
        await cancelMine(p, vols[1], { reason: 'Left Beacon' }).expect(403);
        await t.sql(`UPDATE resident SET status = 'active' WHERE id = $1`, [vols[1]]);
        expect([await statusOf(p), await statusOf(q)]).toEqual(['planned', 'planned']);

        const byVolunteer = await cancelMine(p, vols[2], { reason: 'Cannot make it, nor can Bob' }).expect(200);
        expect(byVolunteer.body.cancellation).toEqual({ cancelledAt: expect.any(String), cancelledBy: `resident:${vols[2]}`, reason: 'Cannot make it, nor can Bob' });
        const byCoordinator = await cancelMine(q, vols[0]).expect(200); // vols[0] coordinates, is not on q
        expect(byCoordinator.body).toMatchObject({ status: 'cancelled', cancellation: { cancelledBy: `resident:${vols[0]}`, reason: null } });
        // Residents' writes are not in the staff audit trail: the patrol row keeps who cancelled.
        expect(await count(t, 'audit_event', `subject = ANY($1)`, [[`/api/v1/me/patrols/${p}/cancel`, `/api/v1/me/patrols/${q}/cancel`]])).toBe(0);
      });

      it('409 once the patrol has started, for staff and volunteers alike', async () => {
        const id = await insertPatrol(`now() - interval '30 minutes'`, `now() + interval '30 minutes'`, [vols[1], vols[2]], 'Under way');
        const res = await cancel(id, ecoBE.auth, { reason: 'Too late' }).expect(409);
        expect(res.body.message).toBe('A patrol can only be cancelled before it starts');
        await cancelMine(id, vols[1]).expect(409);
        expect(await statusOf(id)).toBe('planned');
        expect(await t.sql(`SELECT DISTINCT cancelled FROM patrol_volunteer WHERE patrol_id = $1`, [id])).toEqual([{ cancelled: false }]);
      });

      it('a cancelled patrol gets no report (409), even once its time is over', async () => {
        const id = await insertPatrol(`now() - interval '5 hours'`, `now() - interval '4 hours'`, [vols[1], vols[2]], 'Called off', true);
        const res = await t.http().post(`/api/v1/patrols/${id}/report`).set(...ecoBE.auth).send({ observations: 'Nothing' }).expect(409);
        expect(res.body.message).toBe('This patrol was cancelled: it has no report');
        await t.http().post(`/api/v1/me/patrols/${id}/report`).set(...residentAuth(t, vols[1])).send({ observations: 'Nothing' }).expect(409);
        expect(await count(t, 'patrol_report', 'patrol_id = $1', [id])).toBe(0);
      });

      it('bad input is a 400 that writes nothing', async () => {
        const id = await plan(430, [vols[1], vols[2]], 'Bad input');
        const bad: Record<string, unknown>[] = [{ reason: 42 }, { reason: '' }, { reason: '   ' }, { reason: 'r'.repeat(501) }, { reason: null }, { reason: ['x'] }, { why: 'rain' }, { reason: 'Rain', extra: 1 }];
        for (const body of bad) {
          await cancel(id, ecoBE.auth, body).expect(400);
          await cancelMine(id, vols[1], body).expect(400);
        }
        await t.http().post(`/api/v1/patrols/${id}/cancel`).set(...ecoBE.auth).set('Content-Type', 'application/json').send('{"reason": ').expect(400);
        await t.http().post(`/api/v1/patrols/${id}/cancel`).set(...ecoBE.auth).set('Content-Type', 'text/plain').send('rain').expect(400);
        await t.http().post('/api/v1/patrols/not-a-uuid/cancel').set(...ecoBE.auth).send({ reason: 'Rain' }).expect(400);
        await t.http().post('/api/v1/patrols/5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00/cancel').set(...ecoBE.auth).send({ reason: 'Rain' }).expect(404);
        await t.http().post('/api/v1/me/patrols/5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00/cancel').set(...residentAuth(t, vols[1])).send({}).expect(404);
        await t.http().get('/api/v1/patrols?status=gone').set(...ecoBE.auth).expect(400);
        expect(await t.sql(`SELECT status, cancelled_at, cancelled_by, cancel_reason FROM patrol WHERE id = $1`, [id])).toEqual([
          { status: 'planned', cancelled_at: null, cancelled_by: null, cancel_reason: null },
        ]);
        expect(await count(t, 'audit_event', `subject = $1`, [`/api/v1/patrols/${id}/cancel`])).toBe(0);
      });
    });
  });

  describe('targets', () => {
    it('npu_lead of that NPU or admin upserts a target; others get 403', async () => {
      const leadBE = await loginAs(t, 'npu_lead', 'BE');
      const leadSW = await loginAs(t, 'npu_lead', 'SW');
      const body = { npuCode: 'BE', type: 'street_watch', target: 4, dueDate: '2027-03-31' };
      await t.http().put('/api/v1/scheme-targets').set(...ecoBE.auth).send(body).expect(403);
      await t.http().put('/api/v1/scheme-targets').set(...leadSW.auth).send(body).expect(403);
      expect(await count(t, 'scheme_target')).toBe(0);
      const res = await t.http().put('/api/v1/scheme-targets').set(...leadBE.auth).send(body).expect(200);
      expect(res.body).toEqual({ npuCode: 'BE', type: 'street_watch', target: 4, memberTarget: null, dueDate: '2027-03-31', setOn: londonDay(), updatedAt: expect.any(String) });
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, target: 6 }).expect(200);
      expect(await t.sql(`SELECT target, due_date::text AS due FROM scheme_target`)).toEqual([{ target: 6, due: '2027-03-31' }]);
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, type: 'horse_watch' }).expect(400);
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, npuCode: 'ZZ' }).expect(400);
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, target: -1 }).expect(400);
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, target: 2.5 }).expect(400);
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ ...body, dueDate: '2027-02-30' }).expect(400);
    });

    it('a force can add a scheme type (admin only)', async () => {
      await t.http().post('/api/v1/scheme-types').set(...ecoBE.auth).send({ code: 'farm_watch', name: 'Farm Watch' }).expect(403);
      await t.http().post('/api/v1/scheme-types').set(...admin.auth).send({ code: 'farm_watch', name: 'Farm Watch' }).expect(201);
      await t.http().post('/api/v1/scheme-types').set(...admin.auth).send({ code: 'farm_watch', name: 'Farm Watch' }).expect(409);
      await createScheme(ecoBE.auth, { type: 'farm_watch', name: 'Yardley Farm Watch', wardCode: 'BE03' }).expect(201);
    });
  });

  describe('messaging scope helper', () => {
    it('returns each scheme’s NPU, and refuses unknown or out-of-scope schemes', async () => {
      const be = await createScheme(ecoBE.auth, { type: 'neighbourhood_watch', name: 'Scope BE', wardCode: 'BE01' }).expect(201);
      const sw = await createScheme(ecoSW.auth, { type: 'neighbourhood_watch', name: 'Scope SW', wardCode: 'SW02' }).expect(201);
      const svc = t.app.get(SchemesService);
      const staff = (npuCode: string | null): StaffPrincipal => ({ kind: 'staff', id: ecoBE.id, email: 'x@test', name: 'x', role: 'eco', npuCode });
      expect(await svc.assertStaffCanTarget(staff('BE'), [be.body.id])).toEqual([{ schemeId: be.body.id, npuCode: 'BE', status: 'active' }]);
      const both = await svc.assertStaffCanTarget(staff(null), [be.body.id, sw.body.id]);
      expect(both).toHaveLength(2);
      await expect(svc.assertStaffCanTarget(staff('BE'), [be.body.id, sw.body.id])).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(svc.assertStaffCanTarget(staff('BE'), ['5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00'])).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });

  describe('bad input', () => {
    it('is a 400 that writes nothing', async () => {
      const before = await count(t, 'scheme');
      const bad: Record<string, unknown>[] = [
        { type: 'neighbourhood_watch', name: 'X', wardCode: 'BE01', extra: 1 },
        { type: 7, name: 'X', wardCode: 'BE01' },
        { type: 'neighbourhood_watch', name: ['X'], wardCode: 'BE01' },
        { type: 'neighbourhood_watch', name: 'x'.repeat(121), wardCode: 'BE01' },
        { type: 'neighbourhood_watch', name: '', wardCode: 'BE01' },
        { type: 'neighbourhood_watch', name: 'X', wardCode: 'BE01; DROP TABLE scheme' },
        { type: 'neighbourhood_watch', name: 'X', wardCode: 'BE01', coordinatorResidentId: 'not-a-uuid' },
        { type: 'neighbourhood_watch', name: 'X' },
      ];
      for (const body of bad) await createScheme(ecoBE.auth, body).expect(400);
      expect(await count(t, 'scheme')).toBe(before);
    });

    it('bad ids in paths and bodies, huge strings, unknown fields', async () => {
      await t.http().get('/api/v1/schemes/not-a-uuid').set(...ecoBE.auth).expect(400);
      await t.http().get('/api/v1/schemes/5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00').set(...ecoBE.auth).expect(404);
      await t.http().delete('/api/v1/schemes/5b1e2c7e-9d7f-4a51-8d0e-6f9a3c2b1a00/members/nope').set(...ecoBE.auth).expect(400);
      const s = await createScheme(ecoBE.auth, { type: 'street_watch', name: 'Bad Input Watch', wardCode: 'BE01' }).expect(201);
      await t.http().post(`/api/v1/schemes/${s.body.id}/members`).set(...ecoBE.auth).send({ residentId: 42 }).expect(400);
      await t.http().post(`/api/v1/schemes/${s.body.id}/members`).set(...ecoBE.auth).send({ residentId: 'x', admin: true }).expect(400);
      const a = await makeResident(t, 'BE01');
      const b = await makeResident(t, 'BE01');
      await addMember(s.body.id, a).expect(201);
      await addMember(s.body.id, b).expect(201);
      const ok = { startsAt: at(300), endsAt: at(301), route: 'R', volunteerResidentIds: [a, b] };
      await t.http().post(`/api/v1/schemes/${s.body.id}/patrols`).set(...ecoBE.auth).send({ ...ok, route: 'r'.repeat(2001) }).expect(400);
      await t.http().post(`/api/v1/schemes/${s.body.id}/patrols`).set(...ecoBE.auth).send({ ...ok, volunteerResidentIds: 'a,b' }).expect(400);
      await t.http().post(`/api/v1/schemes/${s.body.id}/patrols`).set(...ecoBE.auth).send({ ...ok, volunteerResidentIds: [a, 'b'] }).expect(400);
      await t.http().post(`/api/v1/schemes/${s.body.id}/patrols`).set(...ecoBE.auth).send({ ...ok, startsAt: 12 }).expect(400);
      await t.http().post(`/api/v1/schemes/${s.body.id}/patrols`).set(...ecoBE.auth).send({ ...ok, extra: 'x' }).expect(400);
      expect(await count(t, 'patrol', 'scheme_id = $1', [s.body.id])).toBe(0);
      await t.http().get('/api/v1/schemes?limit=1000').set(...ecoBE.auth).expect(400);
      await t.http().get('/api/v1/schemes?cursor=garbage').set(...ecoBE.auth).expect(400);
      await t.http().get('/api/v1/schemes?type=Robert%27);').set(...ecoBE.auth).expect(400);
    });
  });

  describe('demo seed', () => {
    it('adds member-less schemes and targets to each NPU that has no scheme, once', async () => {
      const svc = t.app.get(SchemesService);
      expect(await svc.seedDemo()).toBe(0); // BE and SW already run schemes
      await t.app.get(GeographyService).importCsv(
        'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\nCV,Coventry,Coventry South,CV01,Earlsdon,16400\nCV,Coventry,Coventry South,CV02,Wainbody,15000\n',
      );
      expect(await svc.seedDemo()).toBe(2);
      expect(
        await t.sql(
          `SELECT s.type, s.ward_code, s.coordinator_resident_id, (SELECT count(*)::int FROM scheme_member m WHERE m.scheme_id = s.id) AS members
             FROM scheme s JOIN ward w ON w.code = s.ward_code WHERE w.npu_code = 'CV' ORDER BY s.type`,
        ),
      ).toEqual([
        { type: 'neighbourhood_watch', ward_code: 'CV01', coordinator_resident_id: null, members: 0 },
        { type: 'street_watch', ward_code: 'CV02', coordinator_resident_id: null, members: 0 },
      ]);
      expect(await count(t, 'scheme_target', `npu_code = 'CV'`)).toBe(2);
      expect(await svc.seedDemo()).toBe(0);
      expect(await count(t, 'scheme', `ward_code LIKE 'CV%'`)).toBe(2);
    });
  });
});

describe('schemes report', () => {
  const { t } = useSuite({ geography: true });
  let admin: { auth: Auth };
  let ecoBE: { auth: Auth };

  beforeAll(async () => {
    [admin, ecoBE] = await Promise.all([loginAs(t, 'admin'), loginAs(t, 'eco', 'BE')]);
    const r = await Promise.all(['BE01', 'BE01', 'BE02', 'BE02', 'BE03'].map((w) => makeResident(t, w)));
    const scheme = async (type: string, name: string, wardCode: string, coordinatorResidentId?: string) =>
      (await t.http().post('/api/v1/schemes').set(...admin.auth).send({ type, name, wardCode, coordinatorResidentId, coordinatorConsent: coordinatorResidentId ? 'in_person' : undefined }).expect(201)).body.id as string;
    const add = (id: string, residentId: string) => t.http().post(`/api/v1/schemes/${id}/members`).set(...admin.auth).send({ residentId, consent: 'in_person' }).expect(201);
    // BE neighbourhood watch: 3 active schemes; members r0, r1, r2 (r1 in two schemes), r3 unsubscribed later
    // (still a member: issue 22, a volunteer who takes no messages counts as a member)
    const nw1 = await scheme('neighbourhood_watch', 'NW1', 'BE01', r[0]);
    await add(nw1, r[1]);
    const nw2 = await scheme('neighbourhood_watch', 'NW2', 'BE02');
    await add(nw2, r[1]);
    await add(nw2, r[2]);
    await add(nw2, r[3]);
    await scheme('neighbourhood_watch', 'NW3', 'BE03');
    // a closed scheme counts for nothing, members included
    const closed = await scheme('neighbourhood_watch', 'NW closed', 'BE01');
    await add(closed, r[4]);
    await t.http().patch(`/api/v1/schemes/${closed}`).set(...admin.auth).send({ status: 'closed' }).expect(200);
    await t.sql(`UPDATE resident SET status = 'unsubscribed' WHERE id = $1`, [r[3]]);
    // BE street watch: 1 scheme, member r0 (already counted under neighbourhood watch)
    await scheme('street_watch', 'SW1', 'BE01', r[0]);
    // SW: one neighbourhood watch without members
    await scheme('neighbourhood_watch', 'Oldbury NW', 'SW01');
    const target = (npuCode: string, type: string, n: number) =>
      t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ npuCode, type, target: n, dueDate: '2027-03-31' }).expect(200);
    await target('BE', 'neighbourhood_watch', 5);
    await target('BE', 'street_watch', 1);
    await target('SW', 'business_watch', 2);
  });

  const row = (npuCode: string, type: string, current: number, members: number, target: number | null, required: number | null) => ({
    npuCode,
    type,
    current,
    members,
    target,
    dueDate: target === null ? null : '2027-03-31',
    required,
    memberTarget: null,
    membersRequired: null,
  });

  it('per NPU per type: current, distinct members, target, required = max(target − current, 0), totals', async () => {
    const res = await t.http().get('/api/v1/reports/schemes').set(...admin.auth).expect(200);
    expect(res.body).toEqual({
      asAt: londonDay(),
      rows: [
        row('BE', 'business_watch', 0, 0, null, null),
        row('BE', 'canal_watch', 0, 0, null, null),
        row('BE', 'neighbourhood_watch', 3, 4, 5, 2),
        row('BE', 'street_watch', 1, 1, 1, 0),
        row('SW', 'business_watch', 0, 0, 2, 2),
        row('SW', 'canal_watch', 0, 0, null, null),
        row('SW', 'neighbourhood_watch', 1, 0, null, null),
        row('SW', 'street_watch', 0, 0, null, null),
      ],
      totals: { current: 5, members: 4, target: 8, required: 4, memberTarget: 0, membersRequired: 0 },
    });
  });

  it('NPU-bound staff see their NPU only', async () => {
    const res = await t.http().get('/api/v1/reports/schemes').set(...ecoBE.auth).expect(200);
    expect(res.body.rows.map((r: { npuCode: string }) => r.npuCode)).toEqual(['BE', 'BE', 'BE', 'BE']);
    expect(res.body.totals).toEqual({ current: 4, members: 4, target: 6, required: 2, memberTarget: 0, membersRequired: 0 });
    await t.http().get('/api/v1/reports/schemes?npu=SW').set(...ecoBE.auth).expect(403);
    const sw = await t.http().get('/api/v1/reports/schemes?npu=SW').set(...admin.auth).expect(200);
    expect(sw.body.totals).toEqual({ current: 1, members: 0, target: 2, required: 2, memberTarget: 0, membersRequired: 0 });
  });

  it('comes as CSV for people: headings and scheme types in words (the shared report vocabulary)', async () => {
    const res = await t.http().get('/api/v1/reports/schemes?format=csv&npu=BE').set(...admin.auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text).toBe(
      [
        'NPU,Scheme type,Current,Members,Target,Due date,Still needed,Member target,Members still needed',
        'BE,Business Watch,0,0,,,,,',
        'BE,Canal Watch,0,0,,,,,',
        'BE,Neighbourhood Watch,3,4,5,2027-03-31,2,,',
        'BE,Street Watch,1,1,1,2027-03-31,0,,',
        'Total,,4,4,6,,2,0,0',
        '',
      ].join('\r\n'),
    );
    await t.http().get('/api/v1/reports/schemes?format=csv&columns=names').set(...admin.auth).expect(400);
  });

  it('comes as CSV for machines (columns=keys: field names and codes) with a totals line', async () => {
    const res = await t.http().get('/api/v1/reports/schemes?format=csv&columns=keys&npu=BE').set(...admin.auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text).toBe(
      [
        'npuCode,type,current,members,target,dueDate,required,memberTarget,membersRequired',
        'BE,business_watch,0,0,,,,,',
        'BE,canal_watch,0,0,,,,,',
        'BE,neighbourhood_watch,3,4,5,2027-03-31,2,,',
        'BE,street_watch,1,1,1,2027-03-31,0,,',
        'TOTAL,,4,4,6,,2,0,0',
        '',
      ].join('\r\n'),
    );
    await t.http().get('/api/v1/reports/schemes?format=xml').set(...admin.auth).expect(400);
  });
});
