// Issue 22, attribution for operations per officer: an officer's own campaign link (signed, bound
// to the campaign and the officer) records them as the one who assisted a resident who signs up
// through it, at once or later on the plain page; the campaign report counts sign-ups per officer
// and per team beside its tactics, within the campaign's NPU.
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { makeResident, WHOLESTONE } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs, type Login } from './utils/test-app';

describe('campaign links per officer and the per-officer campaign report', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  let beEco: Login;
  const pc: Record<'ann' | 'bob' | 'sam', Login> = {} as Record<'ann' | 'bob' | 'sam', Login>;
  let n = 0;

  const linkOf = async (who: Login, code = 'OP-WHOLESTONE') =>
    (await t.http().get(`/api/v1/campaigns/${code}/officer-link`).set(...who.auth).expect(200)).body as { code: string; officer: string; url: string };
  const assistedBy = async (email: string) => (await t.sql<{ assisted_by: string | null; campaign_code: string | null }>(`SELECT assisted_by, campaign_code FROM resident WHERE email = $1`, [email]))[0];
  const apiSignUp = async (extra: Record<string, unknown>) => {
    const email = `link${n++}@example.org`;
    const res = await t.http().post('/api/v1/residents').send({ firstName: 'Res', email, wardCode: 'BE01', channels: ['email'], consent: true, source: 'online', campaignCode: 'OP-WHOLESTONE', ...extra }).expect(202);
    expect(res.body).toEqual({ status: 'pending_verification' });
    return email;
  };
  /** A verified sign-up at `at`, as the fixture needs it. */
  const signedUp = async (ward: string, at: string, source: string, campaignCode: string | null, officer: Login | null) => {
    const { id } = await makeResident(t, { ward });
    await t.sql(`UPDATE resident SET activated_at = $2, source = $3, campaign_code = $4, assisted_by = $5 WHERE id = $1`, [id, at, source, campaignCode, officer?.id ?? null]);
  };

  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
    beEco = await loginAs(t, 'eco', 'BE');
    for (const [key, npu, name] of [['ann', 'BE', 'PC Ann'], ['bob', 'BE', 'PC Bob'], ['sam', 'SW', 'PC Sam']] as const) {
      pc[key] = await loginAs(t, 'officer', npu);
      await t.sql(`UPDATE staff SET name = $2 WHERE id = $1`, [pc[key].id, name]);
    }
    await t.http().post('/api/v1/campaigns').set(...beEco.auth).send(WHOLESTONE).expect(201);
    await t.http().post('/api/v1/campaigns').set(...beEco.auth).send({ ...WHOLESTONE, code: 'OP-OTHER', name: 'Op Other' }).expect(201);
  });

  describe('GET /api/v1/campaigns/{code}/officer-link', () => {
    it('gives the signed-in officer their own link; another NPU’s officer a 403, an unknown campaign a 404', async () => {
      const ann = await linkOf(pc.ann);
      expect(ann.code).toBe('OP-WHOLESTONE');
      expect(ann.url).toBe(`http://beacon.test/signup?campaign=OP-WHOLESTONE&officer=${ann.officer}`);
      expect((await linkOf(pc.bob)).officer).not.toBe(ann.officer);
      await t.http().get('/api/v1/campaigns/OP-WHOLESTONE/officer-link').set(...pc.sam.auth).expect(403);
      const missing = await t.http().get('/api/v1/campaigns/OP-NOPE/officer-link').set(...pc.ann.auth).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404 });
      await t.http().get('/api/v1/campaigns/OP-WHOLESTONE/officer-link').expect(401);
    });
  });

  describe('signing up through an officer’s link', () => {
    it('records the officer as assisting, with the campaign code (the API sign-up)', async () => {
      const email = await apiSignUp({ officer: (await linkOf(pc.ann)).officer });
      expect(await assistedBy(email)).toEqual({ assisted_by: pc.ann.id, campaign_code: 'OP-WHOLESTONE' });
    });

    it('ignores a forged, another campaign’s or a broken officer parameter, with the same answer', async () => {
      const ann = (await linkOf(pc.ann)).officer;
      // Ann's link re-written to name Bob, keeping her signature.
      const [body, mac] = ann.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = `${Buffer.from(JSON.stringify({ ...claims, s: pc.bob.id })).toString('base64url')}.${mac}`;
      expect(JSON.stringify(claims)).toContain(pc.ann.id);
      const otherCampaign = (await linkOf(pc.bob, 'OP-OTHER')).officer;
      for (const officer of [forged, otherCampaign, 'x', `${ann}x`]) {
        const email = await apiSignUp({ officer });
        expect([officer, await assistedBy(email)]).toEqual([officer, { assisted_by: null, campaign_code: 'OP-WHOLESTONE' }]);
      }
      // Ann's own link with another campaign's code: not hers for that campaign.
      const email = await apiSignUp({ officer: ann, campaignCode: 'OP-OTHER' });
      expect(await assistedBy(email)).toEqual({ assisted_by: null, campaign_code: 'OP-OTHER' });
    });

    it('carries the officer through the plain sign-up page (hidden field), later as at once', async () => {
      const bob = await linkOf(pc.bob);
      const page = await t.http().get(`/signup?campaign=OP-WHOLESTONE&officer=${encodeURIComponent(bob.officer)}`).expect(200);
      expect(page.text).toContain(`<input type="hidden" name="officer" value="${bob.officer}">`);
      const bad = await t.http().get(`/signup?campaign=OP-WHOLESTONE&officer=${encodeURIComponent('"><b>x')}`).expect(200);
      expect(bad.text).not.toContain('name="officer"');
      const email = `page${n++}@example.org`;
      const fields = { firstName: 'Page', email, wardCode: 'BE02', channels: 'email', consent: 'yes', source: 'online', campaignCode: 'OP-WHOLESTONE', officer: bob.officer };
      await t.http().post('/signup').type('form').send(new URLSearchParams(fields).toString()).expect(303);
      expect(await assistedBy(email)).toEqual({ assisted_by: pc.bob.id, campaign_code: 'OP-WHOLESTONE' });
    });
  });

  describe('GET /api/v1/reports/campaigns/{code}: per officer and per team', () => {
    beforeAll(async () => {
      // Target BE01 during: Ann two door knocks and one later sign-up through her link (online with
      // the code: kept as door knock); Bob one through his link; one nobody assisted.
      await signedUp('BE01', '2019-10-02T10:00:00Z', 'door_knock', null, pc.ann);
      await signedUp('BE01', '2019-10-03T10:00:00Z', 'door_knock', null, pc.ann);
      await signedUp('BE01', '2019-10-20T10:00:00Z', 'online', 'OP-WHOLESTONE', pc.ann);
      await signedUp('BE01', '2019-10-21T10:00:00Z', 'online', 'OP-WHOLESTONE', pc.bob);
      await signedUp('BE01', '2019-10-22T10:00:00Z', 'door_knock', null, null);
      // Control BE02 during: Bob at an event.
      await signedUp('BE02', '2019-10-05T10:00:00Z', 'event', null, pc.bob);
      // Yardley (BE03, not in the campaign): Ann's link used after it ended counts; her sign-up there without it does not.
      await signedUp('BE03', '2019-12-01T10:00:00Z', 'online', 'OP-WHOLESTONE', pc.ann);
      await signedUp('BE03', '2019-10-09T10:00:00Z', 'street', null, pc.ann);
      // Before the campaign; and the code in another NPU (Sam in Oldbury): not in this report.
      await signedUp('BE01', '2019-09-20T10:00:00Z', 'door_knock', null, pc.ann);
      await signedUp('SW01', '2019-10-10T10:00:00Z', 'online', 'OP-WHOLESTONE', pc.sam);
    });

    it('gives sign-ups per officer and per team in target and control wards and with the code, beside the tactics', async () => {
      const r = (await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...beEco.auth).expect(200)).body;
      expect(r.byTactic).toEqual([
        { tactic: 'door_knock', target: 5, control: 0 },
        { tactic: 'event', target: 0, control: 1 },
      ]);
      expect(r.byOfficer).toEqual([
        { staffId: pc.ann.id, officerName: 'PC Ann', signups: 4, target: 3, control: 0, withCode: 2 },
        { staffId: pc.bob.id, officerName: 'PC Bob', signups: 2, target: 1, control: 1, withCode: 1 },
      ]);
      expect(r.byTeam.map(({ team, ...row }: { team: string }) => (expect(team).toMatch(/^[0-9a-f-]{36}$/), row))).toEqual([
        { teamName: 'Hodge Hill', signups: 5, target: 4, control: 1, withCode: 2, officers: 2 },
        { teamName: 'Yardley', signups: 1, target: 0, control: 0, withCode: 1, officers: 1 },
      ]);
      const forAdmin = (await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...admin.auth).expect(200)).body;
      expect(forAdmin.byOfficer).toEqual(r.byOfficer);
      await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...pc.sam.auth).expect(403);
    });

    it('reads the assisted sign-ups through the (assisted_by, activated_at) index, not a scan of every resident', async () => {
      await t.sql(
        `INSERT INTO resident (email, email_verified_at, first_name, ward_code, status, consent_at, activated_at, source)
         SELECT 'bulk' || g || '@officers.test', now(), 'Bulk', 'BE01', 'active', now(), '2018-06-01'::timestamptz + g * interval '1 minute', 'online' FROM generate_series(1, 4000) g`,
      );
      await t.sql('ANALYZE resident');
      const db = t.app.get(DataSource);
      const spy = jest.spyOn(db, 'query');
      try {
        await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...beEco.auth).expect(200);
        const call = spy.mock.calls.find(([sql]) => /JOIN resident r ON r\.assisted_by IS NOT NULL/.test(String(sql)));
        expect(call).toBeDefined();
        const [{ 'QUERY PLAN': plan }] = await t.sql<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${String(call![0])}`, call![1] as unknown[]);
        const text = JSON.stringify(plan);
        expect(text).toContain('"Index Name":"idx_resident_assisted"');
        expect(text).not.toMatch(/"Node Type":"Seq Scan","Parent Relationship":"[^"]*","Parallel Aware":(true|false),"Async Capable":(true|false),"Relation Name":"resident"/);
      } finally {
        spy.mockRestore();
      }
    });

    it('answers CSV for people with names and no ids, and with ids for machines', async () => {
      const csv = await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE?format=csv').set(...beEco.auth).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.split('\r\n')).toEqual([
        'Section,Ward code,Ward,Households,Population,Sign-ups,Tactic,Target,Control,Officer,With the campaign code,Team,Officers',
        'Target wards,BE01,Hodge Hill,2000,27000,5,,,,,,,',
        'Control wards,BE02,Shard End,4000,26500,1,,,,,,,',
        'By tactic,,,,,,Door knock,5,0,,,,',
        'By tactic,,,,,,Event,0,1,,,,',
        'By officer,,,,,4,,3,0,PC Ann,2,,',
        'By officer,,,,,2,,1,1,PC Bob,1,,',
        'By team,,,,,5,,4,1,,2,Hodge Hill,2',
        'By team,,,,,1,,0,0,,1,Yardley,1',
        '',
      ]);
      expect(csv.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      const keys = await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE?format=csv&columns=keys').set(...beEco.auth).expect(200);
      expect(keys.text).toContain(pc.ann.id);
      expect(keys.text.split('\r\n')[0]).toContain('staffId');
      await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE?format=pdf').set(...beEco.auth).expect(400);
    });
  });
});
