import { beforeAll, describe, expect, it } from '@jest/globals';
import { nearCondition, sqlParams } from '../libs/messaging/src/audience/audience.sql';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

// SMALL_GEOGRAPHY: BE01, BE02 are Hodge Hill; BE03 is Yardley (BE); SW01 Oldbury, SW02 Smethwick (SW).
// Distances on earthdistance's sphere (radius 6378168 m): 0.001° of latitude ≈ 111.3 m.
const CENTRE = { lat: 52.45, long: -1.8 };
const at = (dLat: number) => ({ lat: CENTRE.lat + dLat, long: CENTRE.long });

describe('radius audience: audience.near = {postcode | lat/long, metres}', () => {
  const { t } = useSuite({ smtp: true, twilio: true, geography: true });
  let ecoBE: Auth;
  let admin: Auth;
  const ids: Record<string, string> = {};

  const placeAt = (id: string, p: { lat: number; long: number }) => t.sql('UPDATE resident SET postcode_lat = $2, postcode_long = $3 WHERE id = $1', [id, p.lat, p.long]);

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    admin = (await loginAs(t, 'admin')).auth as Auth;
    const spec = [
      ['near100', 'BE01', ['email', 'sms'], at(0.0009)], // ≈ 100 m
      ['near445', 'BE02', ['email'], at(-0.004)], // ≈ 445 m
      ['far556', 'BE03', ['sms'], at(0.005)], // ≈ 557 m: outside 500 m
      ['otherNpu56', 'SW01', ['email'], at(0.0005)], // ≈ 56 m but in SW: clipped for a BE ECO
      ['noCentroid', 'BE01', ['email'], null], // no verified postcode: never in a radius
    ] as const;
    for (const [name, ward, channels, point] of spec) {
      ids[name] = (await makeResident(t, { ward, channels: [...channels] })).id;
      if (point) await placeAt(ids[name], point);
    }
    // A directory postcode at the centre, and one with no grid reference (null centroid).
    await t.sql(`INSERT INTO postcode (postcode, ward_code, lat, long) VALUES ('B33 8TH', 'BE01', $1, $2), ('B33 9ZZ', 'BE01', NULL, NULL)`, [CENTRE.lat, CENTRE.long]);
  });

  const deliveries = (messageId: string) =>
    t.sql<{ resident_id: string; channel: string }>('SELECT resident_id, channel FROM delivery WHERE message_id = $1 ORDER BY resident_id, channel', [messageId]);
  const sorted = (rows: { resident_id: string; channel: string }[]) => [...rows].sort((x, y) => (x.resident_id + x.channel).localeCompare(y.resident_id + y.channel));
  const messages = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM message'))[0].n);

  async function sendTo(auth: Auth, audience: Record<string, unknown>, channels = ['email', 'sms']) {
    const unsaved = await t.http().post('/api/v1/messages/audience-preview').set(...auth).send({ channels, audience }).expect(200);
    const msg = await compose(t, auth, { title: 'Radius', body: 'Door-knocking near you', category: 'appeal', channels, audience }).expect(201);
    const saved = await t.http().get(`/api/v1/messages/${msg.body.id}/audience`).set(...auth).expect(200);
    if (msg.body.npuCode === null) {
      // A force-wide message needs a second admin's approval (issue 14).
      await t.http().post(`/api/v1/messages/${msg.body.id}/send`).set(...auth).expect(202, { status: 'pending_approval' });
      await t.http().post(`/api/v1/messages/${msg.body.id}/approve`).set(...((await loginAs(t, 'admin')).auth as Auth)).expect(202, { status: 'sending' });
    } else await requestSend(t, auth, msg.body.id);
    await waitStatus(t, msg.body.id, 'sent');
    return { unsaved: unsaved.body, saved: saved.body, message: msg.body, rows: await deliveries(msg.body.id) };
  }

  it('an NPU ECO reaches exactly the residents within the radius, clipped to their NPU, each once per channel', async () => {
    const r = await sendTo(ecoBE, { near: { lat: CENTRE.lat, long: CENTRE.long, metres: 500 } });
    const expected = sorted([
      { resident_id: ids.near100, channel: 'email' },
      { resident_id: ids.near100, channel: 'sms' },
      { resident_id: ids.near445, channel: 'email' },
    ]);
    expect(r.rows).toEqual(expected);
    expect(r.unsaved).toEqual({ total: 2, byChannel: { email: 2, sms: 1 } });
    expect(r.saved).toEqual(r.unsaved);
    expect(r.message).toMatchObject({ npuCode: 'BE' });
  });

  it('a force-wide admin reaches every NPU within the radius; a postcode is the same circle as its centroid', async () => {
    const r = await sendTo(admin, { near: { postcode: 'b338th', metres: 500 } });
    expect(r.rows).toEqual(
      sorted([
        { resident_id: ids.near100, channel: 'email' },
        { resident_id: ids.near100, channel: 'sms' },
        { resident_id: ids.near445, channel: 'email' },
        { resident_id: ids.otherNpu56, channel: 'email' },
      ]),
    );
    expect(r.saved).toEqual({ total: 3, byChannel: { email: 3, sms: 1 } });
    expect(r.unsaved).toEqual(r.saved);
    // The centroid is resolved at compose and kept with the message.
    expect(r.message.audience.near).toMatchObject({ postcode: 'B33 8TH', lat: CENTRE.lat, long: CENTRE.long, metres: 500 });
  });

  it('a radius narrows the wards named with it, and a wider radius takes in the farther resident once', async () => {
    const narrowed = await sendTo(ecoBE, { wardCodes: ['BE01'], near: { ...CENTRE, metres: 500 } });
    expect(narrowed.rows).toEqual(sorted([{ resident_id: ids.near100, channel: 'email' }, { resident_id: ids.near100, channel: 'sms' }]));
    const wider = await sendTo(ecoBE, { wardCodes: ['BE01', 'BE03'], neighbourhoodIds: [], near: { ...CENTRE, metres: 600 } }, ['sms']);
    expect(wider.rows).toEqual(sorted([{ resident_id: ids.near100, channel: 'sms' }, { resident_id: ids.far556, channel: 'sms' }]));
    expect(wider.saved).toEqual({ total: 2, byChannel: { email: 0, sms: 2 } });
  });

  it('refuses bad radii, coordinates and postcodes with a 400 naming the field, and writes nothing', async () => {
    const before = await messages();
    const bad: [Record<string, unknown>, string][] = [
      [{ lat: 52.45, long: -1.8, metres: 0 }, 'metres'],
      [{ lat: 52.45, long: -1.8, metres: 49 }, 'metres'],
      [{ lat: 52.45, long: -1.8, metres: 25_001 }, 'metres'],
      [{ lat: 52.45, long: -1.8, metres: 100.5 }, 'metres'],
      [{ lat: 52.45, long: -1.8, metres: '500' }, 'metres'],
      [{ lat: 52.45, long: -1.8 }, 'metres'],
      [{ lat: 91, long: -1.8, metres: 500 }, 'lat'],
      [{ lat: 52.45, long: -181, metres: 500 }, 'long'],
      [{ lat: '52.45', long: -1.8, metres: 500 }, 'lat'],
      [{ lat: 52.45, metres: 500 }, 'long'],
      [{ metres: 500 }, 'near'],
      [{ postcode: 'B33 8TH', lat: 52.45, long: -1.8, metres: 500 }, 'near'],
      [{ postcode: 'not a postcode', metres: 500 }, 'postcode'],
      [{ postcode: 'B99 9ZZ', metres: 500 }, 'B99 9ZZ'],
      [{ postcode: 'B33 9ZZ', metres: 500 }, 'B33 9ZZ'],
    ];
    for (const [near, field] of bad) {
      const res = await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { near } });
      expect([res.status, JSON.stringify(near)]).toEqual([400, JSON.stringify(near)]);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(String(res.body.message)).toContain(field);
      await t.http().post('/api/v1/messages/audience-preview').set(...ecoBE).send({ channels: ['email'], audience: { near } }).expect(400);
    }
    await compose(t, ecoBE, { title: 'x', body: 'y', category: 'appeal', channels: ['email'], audience: { near: 'here' } }).expect(400);
    expect(await messages()).toBe(before);
  });

  it('keeps the whole circle at the edge of its bounding box: east and west (longitude) as north and south', async () => {
    // Centre far from the others; great-circle offsets at 53° N: 490 m east is 0.0073141° of longitude, 510 m 0.0076126°.
    const c = { lat: 53.0, long: -2.0 };
    const placed: Record<string, string> = {};
    for (const [name, lat, long] of [
      ['east490', c.lat, c.long + 0.0073141],
      ['west490', c.lat, c.long - 0.0073141],
      ['north490', c.lat + 0.0044017, c.long],
      ['east510', c.lat, c.long + 0.0076126],
      ['south510', c.lat - 0.0045814, c.long],
    ] as const) {
      placed[name] = (await makeResident(t, { ward: 'BE01', channels: ['email'] })).id;
      await placeAt(placed[name], { lat, long });
    }
    const r = await sendTo(ecoBE, { near: { ...c, metres: 500 } }, ['email']);
    expect(r.rows).toEqual(sorted(['east490', 'west490', 'north490'].map((n) => ({ resident_id: placed[n], channel: 'email' }))));
  });

  it('is answered from the GiST index on the postcode centroid (not a scan of every resident)', async () => {
    const { params, p } = sqlParams();
    const sql = `EXPLAIN (FORMAT JSON) SELECT r.id FROM resident r WHERE ${nearCondition({ lat: CENTRE.lat, long: CENTRE.long, metres: 500 }, p)}`;
    const c = await t.db.connect();
    let plan: unknown;
    try {
      await c.query('SET enable_seqscan = off');
      plan = (await c.query(sql, params)).rows;
    } finally {
      await c.query('RESET enable_seqscan');
      c.release();
    }
    expect(JSON.stringify(plan)).toContain('idx_resident_location');
  });
});
