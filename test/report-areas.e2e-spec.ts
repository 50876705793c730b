import { beforeAll, describe, expect, it } from '@jest/globals';
import { ReportAggregatesService } from '@beacon/reports';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

// SMALL_GEOGRAPHY: BE01, BE02 are Hodge Hill; BE03 is Yardley (BE); SW01 Oldbury, SW02 Smethwick (SW).
describe('reports filtered to a named area (area=)', () => {
  const { t } = useSuite({ geography: true });
  let analyst: Auth;
  let ecoBE: Auth;
  let ecoSW: Auth;
  let areaId: string;

  const resident = (ward: string, activatedAt: string, ethnicity: string | null = null) =>
    t.sql(
      `INSERT INTO resident (ward_code, status, activated_at, consent_at, ethnicity, email)
       VALUES ($1, 'active', $2, now(), $3, 'x' || gen_random_uuid() || '@example.org')`,
      [ward, activatedAt, ethnicity],
    );

  beforeAll(async () => {
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    await resident('BE01', '2019-09-10T09:00:00Z', 'white');
    await resident('BE01', '2019-09-11T09:00:00Z', 'asian');
    await resident('BE02', '2019-09-12T09:00:00Z', 'white'); // Hodge Hill but not in the area
    await resident('BE03', '2019-10-01T09:00:00Z', 'white');
    await resident('SW01', '2019-09-02T09:00:00Z', 'white');
    areaId = (await t.http().post('/api/v1/areas').set(...ecoBE).send({ name: 'Report impact', kind: 'impact_area', npuCode: 'BE', wardCodes: ['BE01', 'BE03'] }).expect(201)).body.id;
    await t.app.get(ReportAggregatesService).refresh();
  });

  it('reach lists exactly the wards of the area', async () => {
    const res = await t.http().get(`/api/v1/reports/reach?area=${areaId}`).set(...analyst).expect(200);
    expect(res.body.map((r: { wardCode: string; subscribers: number }) => [r.wardCode, r.subscribers]).sort()).toEqual([
      ['BE01', 2],
      ['BE03', 1],
    ]);
  });

  it('sign-ups count only the area: by ward, and as one NPU total', async () => {
    const byWard = await t.http().get(`/api/v1/reports/signups?area=${areaId}&groupBy=ward&from=2019-09&to=2019-10`).set(...ecoBE).expect(200);
    expect(byWard.body.map((r: { group: string; month: string; newSignups: number }) => [r.group, r.month, r.newSignups])).toEqual([
      ['BE01', '2019-09', 2],
      ['BE01', '2019-10', 0],
      ['BE03', '2019-09', 0],
      ['BE03', '2019-10', 1],
    ]);
    const byNpu = await t.http().get(`/api/v1/reports/signups?area=${areaId}&from=2019-09&to=2019-10`).set(...ecoBE).expect(200);
    expect(byNpu.body.map((r: { group: string; month: string; cumulative: number }) => [r.group, r.month, r.cumulative])).toEqual([
      ['BE', '2019-09', 2],
      ['BE', '2019-10', 3],
    ]);
  });

  it("representation counts the area's subscribers only", async () => {
    const res = await t.http().get(`/api/v1/reports/representation?area=${areaId}`).set(...analyst).expect(200);
    const ethnicity = res.body.filter((r: { dimension: string }) => r.dimension === 'ethnicity');
    expect(ethnicity.map((r: { category: string; subscribers: number }) => [r.category, r.subscribers])).toEqual([
      ['asian', 1],
      ['white', 2],
    ]);
  });

  it("refuses another NPU's area (403), an unknown area (400 naming it) and a malformed id (400)", async () => {
    await t.http().get(`/api/v1/reports/reach?area=${areaId}`).set(...ecoSW).expect(403);
    await t.http().get(`/api/v1/reports/signups?area=${areaId}`).set(...ecoSW).expect(403);
    const unknown = await t.http().get('/api/v1/reports/representation?area=00000000-0000-4000-8000-000000000000').set(...analyst).expect(400);
    expect(unknown.body.message).toContain('00000000-0000-4000-8000-000000000000');
    await t.http().get('/api/v1/reports/reach?area=not-a-uuid').set(...analyst).expect(400);
  });
});
