import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { makeResident, WHOLESTONE } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

type Login = Awaited<ReturnType<typeof loginAs>>;

/**
 * Issue 22, attribution for operations: a campaign's target wards against its control wards over
 * the campaign's London days, sign-ups per 1,000 households (or residents), the ratio between
 * them, by tactic; a resident who uses the campaign's code on the plain page keeps its tactic.
 */
describe('campaign attribution (POST /api/v1/campaigns, GET /api/v1/reports/campaigns/{code})', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  let beEco: Login;
  let swEco: Login;

  const signUp = async (ward: string, activatedAt: string | null, source: string | null, campaignCode: string | null = null) => {
    const { id } = await makeResident(t, { ward, status: activatedAt ? 'active' : 'pending' });
    await t.sql(`UPDATE resident SET activated_at = $2, source = $3, campaign_code = $4 WHERE id = $1`, [id, activatedAt, source, campaignCode]);
  };
  const campaign = (who: Login, body: Record<string, unknown>) => t.http().post('/api/v1/campaigns').set(...who.auth).send(body);
  const report = async (code: string, who: Login = admin) => (await t.http().get(`/api/v1/reports/campaigns/${code}`).set(...who.auth).expect(200)).body as Record<string, unknown>;


  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
    beEco = await loginAs(t, 'eco', 'BE');
    swEco = await loginAs(t, 'eco', 'SW');
    // Target BE01: six sign-ups on the campaign's London days (1 Oct 00:30 BST is 30 Sep 23:30 UTC).
    await signUp('BE01', '2019-09-30T23:30:00Z', 'door_knock');
    await signUp('BE01', '2019-10-10T10:00:00Z', 'door_knock');
    await signUp('BE01', '2019-10-12T10:00:00Z', 'door_knock');
    await signUp('BE01', '2019-10-15T10:00:00Z', 'online', 'OP-WHOLESTONE'); // the plain page, with the code from the door knock
    await signUp('BE01', '2019-10-20T10:00:00Z', 'street');
    await signUp('BE01', '2019-10-31T23:30:00Z', 'online'); // 31 Oct 23:30 GMT
    // Outside the days, or never verified: not counted.
    await signUp('BE01', '2019-09-30T22:30:00Z', 'door_knock');
    await signUp('BE01', '2019-11-01T00:30:00Z', 'door_knock');
    await signUp('BE01', null, 'door_knock');
    // Control BE02: two; BE03 (not in Wholestone): one during, one with the code afterwards.
    await signUp('BE02', '2019-10-05T10:00:00Z', 'online');
    await signUp('BE02', '2019-10-25T10:00:00Z', 'event');
    await signUp('BE03', '2019-10-08T10:00:00Z', 'online');
    await signUp('BE03', '2019-12-01T10:00:00Z', 'online', 'OP-WHOLESTONE');
    await campaign(beEco, WHOLESTONE).expect(201);
  });

  it('gives target against control per 1,000 households, the ratio, and sign-ups by tactic', async () => {
    expect(await report('OP-WHOLESTONE')).toEqual({
      code: 'OP-WHOLESTONE',
      name: 'Op Wholestone',
      npuCode: 'BE',
      tactic: 'door_knock',
      startsOn: '2019-10-01',
      endsOn: '2019-10-31',
      target: {
        wards: [{ wardCode: 'BE01', wardName: 'Hodge Hill', households: 2000, population: 27000, signups: 6 }],
        signups: 6,
        households: 2000,
        population: 27000,
        per1000Households: 3,
        per1000Residents: 0.2,
      },
      control: {
        wards: [{ wardCode: 'BE02', wardName: 'Shard End', households: 4000, population: 26500, signups: 2 }],
        signups: 2,
        households: 4000,
        population: 26500,
        per1000Households: 0.5,
        per1000Residents: 0.1,
      },
      ratioBasis: 'households',
      ratio: 6,
      byTactic: [
        { tactic: 'door_knock', target: 4, control: 0 },
        { tactic: 'event', target: 0, control: 1 },
        { tactic: 'online', target: 1, control: 1 },
        { tactic: 'street', target: 1, control: 0 },
      ],
      // Nobody assisted these sign-ups (per officer: campaign-officers.e2e-spec.ts).
      byOfficer: [],
      byTeam: [],
      codeSignupsDuring: 1,
      codeSignupsAfter: 1,
    });
  });

  it('gives the same figures when run again after later sign-ups in its wards', async () => {
    const before = await report('OP-WHOLESTONE');
    await signUp('BE01', '2020-01-10T10:00:00Z', 'door_knock');
    await signUp('BE02', '2020-01-10T10:00:00Z', 'online');
    expect(await report('OP-WHOLESTONE', beEco)).toEqual(before);
  });

  it('divides by residents when a ward has no household count', async () => {
    await campaign(admin, { ...WHOLESTONE, code: 'OP-NOHH', targetWards: [{ wardCode: 'BE01' }], controlWards: [{ wardCode: 'BE03' }] }).expect(201);
    const r = await report('OP-NOHH');
    expect(r).toMatchObject({ ratioBasis: 'residents', target: { signups: 6, households: null, per1000Households: null }, control: { signups: 1, population: 28300 } });
    // (6 / 27,000) / (1 / 28,300) = 6.29
    expect(r.ratio).toBe(6.3);
    await campaign(admin, { ...WHOLESTONE, code: 'OP-ALONE', controlWards: undefined }).expect(201);
    expect(await report('OP-ALONE')).toMatchObject({ control: null, ratioBasis: null, ratio: null, target: { signups: 6 } });
  });

  it('refuses bad campaigns with a 400 (409 for a taken code) and writes nothing', async () => {
    const [{ n: before }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM campaign`);
    const bad = async (body: Record<string, unknown>, status: number, message: RegExp) => {
      const res = await campaign(admin, { ...WHOLESTONE, code: 'OP-BAD', ...body }).expect(status);
      expect(res.body).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
    };
    await bad({ endsOn: '2019-09-30' }, 400, /endsOn must not be before startsOn/);
    await bad({ controlWards: [{ wardCode: 'BE01' }] }, 400, /listed once.*BE01/);
    await bad({ targetWards: [{ wardCode: 'ZZ99' }] }, 400, /unknown ward: ZZ99/);
    await bad({ controlWards: [{ wardCode: 'SW01' }] }, 400, /lie in NPU BE: SW01/);
    await bad({ targetWards: [] }, 400, /targetWards/);
    await bad({ targetWards: [{ wardCode: 'BE01', households: 0 }] }, 400, /households/);
    await bad({ tactic: 'leaflet' }, 400, /tactic/);
    await bad({ startsOn: '2019-02-30' }, 400, /startsOn/);
    await bad({ code: 'OP-WHOLESTONE' }, 409, /already exists/);
    const [{ n: after }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM campaign`);
    expect(after).toBe(before);
  });

  it('is NPU-bound: another NPU’s staff may neither create nor read it; force-wide campaigns are for force-wide staff', async () => {
    await campaign(swEco, { ...WHOLESTONE, code: 'OP-SW-TRY' }).expect(403);
    await campaign(beEco, { ...WHOLESTONE, code: 'OP-FORCE', npuCode: undefined }).expect(403);
    await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...swEco.auth).expect(403);
    await t.http().get('/api/v1/reports/campaigns/OP-NOPE').set(...admin.auth).expect(404);
    await campaign(admin, { ...WHOLESTONE, code: 'OP-FORCE', npuCode: undefined, controlWards: [{ wardCode: 'SW01', households: 1000 }] }).expect(201);
    await t.http().get('/api/v1/reports/campaigns/OP-FORCE').set(...beEco.auth).expect(403);
    expect(await report('OP-FORCE')).toMatchObject({ npuCode: null, control: { signups: 0 }, ratio: null });
  });

  it('counts sign-ups with the code through an index on resident.campaign_code, not a scan of every resident', async () => {
    // A few thousand residents, a handful with codes; the planner's choice is checked on the
    // repository's own SQL (a pass-through spy records it; nothing is replaced).
    await t.sql(
      `INSERT INTO resident (email, email_verified_at, first_name, last_name, ward_code, status, consent_at, activated_at, source, campaign_code)
       SELECT 'bulk' || g || '@campaign.test', now(), 'Bulk', 'Tester', 'BE03', 'active', now(), '2019-06-01'::timestamptz + g * interval '1 minute', 'online',
              CASE WHEN g % 500 = 0 THEN 'OP-OTHER-' || (g / 500) END
         FROM generate_series(1, 4000) g`,
    );
    await t.sql('ANALYZE resident');
    const db = t.app.get(DataSource);
    const spy = jest.spyOn(db, 'query');
    try {
      await report('OP-WHOLESTONE');
      const call = spy.mock.calls.find(([sql]) => /r\.campaign_code = win\.code AND r\.activated_at >= win\.s`?\s*$/.test(String(sql).trim()));
      expect(call).toBeDefined();
      const [{ 'QUERY PLAN': plan }] = await t.sql<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${String(call![0])}`, call![1] as unknown[]);
      const text = JSON.stringify(plan);
      expect(text).toContain('"Index Name":"idx_resident_campaign_activated"');
      expect(text).not.toMatch(/"Node Type":"Seq Scan","Parent Relationship":"[^"]*","Parallel Aware":(true|false),"Async Capable":(true|false),"Relation Name":"resident"/);
    } finally {
      spy.mockRestore();
    }
  });
});
