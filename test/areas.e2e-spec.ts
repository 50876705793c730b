import { beforeAll, describe, expect, it } from '@jest/globals';
import { GeographyService } from '@beacon/geography';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

// SMALL_GEOGRAPHY: BE01, BE02 are Hodge Hill; BE03 is Yardley (BE); SW01 Oldbury, SW02 Smethwick (SW).
describe('areas: named areas of an NPU, CRUD and as a message audience', () => {
  const { t } = useSuite({ smtp: true, twilio: true, geography: true });
  let ecoBE: Auth;
  let ecoSW: Auth;
  let admin: Auth;
  let analystBE: Auth;
  let hodgeHillId: string;
  let oldburyId: string;

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    admin = (await loginAs(t, 'admin')).auth as Auth;
    analystBE = (await loginAs(t, 'analyst', 'BE')).auth as Auth;
    [{ id: hodgeHillId }] = await t.sql<{ id: string }>(`SELECT id FROM neighbourhood WHERE name = 'Hodge Hill'`);
    [{ id: oldburyId }] = await t.sql<{ id: string }>(`SELECT id FROM neighbourhood WHERE name = 'Oldbury'`);
  });

  const areaCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM area'))[0].n);

  describe('CRUD', () => {
    it('creates, reads, lists (NPU-scoped), updates and deletes an area', async () => {
      const created = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Crud Impact', kind: 'impact_area', npuCode: 'BE', wardCodes: ['BE03'], neighbourhoodIds: [hodgeHillId] }).expect(201);
      expect(created.body).toMatchObject({ name: 'Crud Impact', kind: 'impact_area', npuCode: 'BE', wardCodes: ['BE03'], neighbourhoodIds: [hodgeHillId] });
      const id = created.body.id as string;
      await t.http().get(`/api/v1/areas/${id}`).set(...analystBE).expect(200);
      await t.http().get(`/api/v1/areas/${id}`).set(...ecoSW).expect(403);
      const listBE = await t.http().get('/api/v1/areas').set(...ecoBE).expect(200);
      expect(listBE.body.map((a: { id: string }) => a.id)).toContain(id);
      const listSW = await t.http().get('/api/v1/areas').set(...ecoSW).expect(200);
      expect(listSW.body.map((a: { id: string }) => a.id)).not.toContain(id);
      await t.http().get('/api/v1/areas?npu=BE').set(...ecoSW).expect(403);
      const patched = await t.http().patch(`/api/v1/areas/${id}`).set(...ecoBE).send({ name: 'Crud Hotspots', kind: 'hotspot', wardCodes: ['BE01'], neighbourhoodIds: [] }).expect(200);
      expect(patched.body).toMatchObject({ id, name: 'Crud Hotspots', kind: 'hotspot', wardCodes: ['BE01'], neighbourhoodIds: [] });
      await t.http().patch(`/api/v1/areas/${id}`).set(...ecoSW).send({ name: 'Taken' }).expect(403);
      await t.http().delete(`/api/v1/areas/${id}`).set(...ecoSW).expect(403);
      await t.http().delete(`/api/v1/areas/${id}`).set(...ecoBE).expect(204);
      await t.http().get(`/api/v1/areas/${id}`).set(...ecoBE).expect(404);
    });

    it('refuses wards and neighbourhoods of another NPU (400 naming them), other NPUs (403), non-writers (403), duplicates (409)', async () => {
      const before = await areaCount();
      const badWard = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Bad', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE01', 'SW01'] }).expect(400);
      expect(badWard.body.message).toContain('SW01');
      const unknownWard = await t.http().post('/api/v1/areas').set(...admin).send({ name: 'Bad', kind: 'hotspot', npuCode: 'BE', wardCodes: ['ZZ99'] }).expect(400);
      expect(unknownWard.body.message).toContain('ZZ99');
      const badHood = await t.http().post('/api/v1/areas').set(...admin).send({ name: 'Bad', kind: 'hotspot', npuCode: 'BE', neighbourhoodIds: [oldburyId] }).expect(400);
      expect(badHood.body.message).toContain(oldburyId);
      await t.http().post('/api/v1/areas').set(...ecoSW).send({ name: 'Bad', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE01'] }).expect(403);
      await t.http().post('/api/v1/areas').set(...analystBE).send({ name: 'Bad', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE01'] }).expect(403);
      await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Bad', kind: 'nowhere', npuCode: 'BE', wardCodes: ['BE01'] }).expect(400);
      expect(await areaCount()).toBe(before);
      await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Twice', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE01'] }).expect(201);
      await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Twice', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE02'] }).expect(409);
      const area = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Patch me', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE01'] }).expect(201);
      await t.http().patch(`/api/v1/areas/${area.body.id}`).set(...ecoBE).send({ name: 'Twice' }).expect(409);
      const badPatch = await t.http().patch(`/api/v1/areas/${area.body.id}`).set(...ecoBE).send({ wardCodes: ['SW02'] }).expect(400);
      expect(badPatch.body.message).toContain('SW02');
      expect((await t.http().get(`/api/v1/areas/${area.body.id}`).set(...ecoBE).expect(200)).body.wardCodes).toEqual(['BE01']);
    });
  });

  describe('wardsOfAreas', () => {
    it('gives each area its wards and the wards of its neighbourhoods', async () => {
      const a = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Wards of', kind: 'impact_area', npuCode: 'BE', wardCodes: ['BE03', 'BE01'], neighbourhoodIds: [hodgeHillId] }).expect(201);
      const rows = await t.app.get(GeographyService).wardsOfAreas([a.body.id]);
      expect(rows).toEqual([{ id: a.body.id, npuCode: 'BE', wardCodes: ['BE01', 'BE02', 'BE03'] }]);
    });
  });

  describe('audience.areaIds', () => {
    it('reaches exactly the residents of the area and the wards named with it, each once per channel', async () => {
      const hh1 = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], topics: ['appeals'] });
      const hh2 = await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['appeals'] });
      const yard = await makeResident(t, { ward: 'BE03', channels: ['sms'], topics: ['appeals'] });
      await makeResident(t, { ward: 'SW01', channels: ['email'], topics: ['appeals'] }); // other NPU
      // An area of Hodge Hill (the neighbourhood) and BE01 (also in it): overlapping.
      const area = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Audience Impact', kind: 'impact_area', npuCode: 'BE', wardCodes: ['BE01'], neighbourhoodIds: [hodgeHillId] }).expect(201);
      const body = { title: 'Area appeal', body: 'Have you seen', category: 'appeal', channels: ['email', 'sms'], audience: { areaIds: [area.body.id], wardCodes: ['BE01'], topics: ['appeals'] } };

      const unsaved = await t.http().post('/api/v1/messages/audience-preview').set(...ecoBE).send({ channels: ['email', 'sms'], audience: body.audience }).expect(200);
      expect(unsaved.body).toEqual({ total: 2, byChannel: { email: 2, sms: 1 } });

      const msg = await compose(t, ecoBE, body).expect(201);
      expect(msg.body).toMatchObject({ npuCode: 'BE', wardCodes: ['BE01', 'BE02'] });
      const preview = await t.http().get(`/api/v1/messages/${msg.body.id}/audience`).set(...ecoBE).expect(200);
      expect(preview.body).toEqual({ total: 2, byChannel: { email: 2, sms: 1 } });
      await requestSend(t, ecoBE, msg.body.id);
      await waitStatus(t, msg.body.id, 'sent');
      const rows = await t.sql<{ resident_id: string; channel: string }>('SELECT resident_id, channel FROM delivery WHERE message_id = $1 ORDER BY resident_id, channel', [msg.body.id]);
      const expected = [
        { resident_id: hh1.id, channel: 'email' },
        { resident_id: hh1.id, channel: 'sms' },
        { resident_id: hh2.id, channel: 'email' },
      ].sort((x, y) => (x.resident_id + x.channel).localeCompare(y.resident_id + y.channel));
      expect(rows).toEqual(expected);
      expect(rows.map((r) => r.resident_id)).not.toContain(yard.id);
    });

    it('refuses an area of another NPU (403, nothing written) and an unknown area (400)', async () => {
      const sw = await t.http().post('/api/v1/areas').set(...ecoSW).send({ name: 'SW hotspots', kind: 'hotspot', npuCode: 'SW', wardCodes: ['SW01'] }).expect(201);
      const messages = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM message'))[0].n);
      const before = await messages();
      await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { areaIds: [sw.body.id] } }).expect(403);
      await t.http().post('/api/v1/messages/audience-preview').set(...ecoBE).send({ channels: ['email'], audience: { areaIds: [sw.body.id] } }).expect(403);
      const unknown = await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { areaIds: ['00000000-0000-4000-8000-000000000000'] } }).expect(400);
      expect(unknown.body.message).toContain('00000000-0000-4000-8000-000000000000');
      await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { areaIds: ['not-a-uuid'] } }).expect(400);
      // An area with no wards reaches nobody: a 400, not the author's whole NPU.
      const empty = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Empty', kind: 'hotspot', npuCode: 'BE' }).expect(201);
      await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { areaIds: [empty.body.id] } }).expect(400);
      expect(await messages()).toBe(before);
      // A force-wide admin may name areas of both NPUs: the message spans them (no single NPU).
      const be = await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'BE for admin', kind: 'hotspot', npuCode: 'BE', wardCodes: ['BE03'] }).expect(201);
      const both = await compose(t, admin, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { areaIds: [sw.body.id, be.body.id] } }).expect(201);
      expect(both.body).toMatchObject({ npuCode: null, wardCodes: ['BE03', 'SW01'] });
    });
  });
});
