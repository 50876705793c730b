// Sign-ups per officer and per team (issue 22): a sign-up staff take for a resident (door knock,
// street, event) records the staff member; the report counts verified ones, NPU-scoped.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { StaffResidentsService } from '@beacon/residents';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const GEO = [
  'npu_code,npu_name,neighbourhood,ward_code,ward_name,population',
  'BE,Birmingham East,Hodge Hill,BE01,Hodge Hill,1000',
  'BE,Birmingham East,Hodge Hill,BE02,Shard End,500',
  'BE,Birmingham East,Yardley,BE03,Acocks Green,2000',
  'SW,Sandwell,Oldbury,SW01,Oldbury,4000',
].join('\n');

describe('attribution per officer and team', () => {
  const { t } = useSuite({});
  let analyst: Auth;
  let ecoBE: Auth;
  const officers: Record<string, StaffPrincipal> = {};
  let n = 0;

  /** A sign-up an officer takes, verified at `at` (the resident confirmed their address then). */
  const taken = async (officer: string, ward: string, source: string, at: string | null, email = `assisted${n++}@example.org`) => {
    await t.app.get(StaffResidentsService).addOnBehalf(officers[officer], { firstName: 'Res', email, wardCode: ward, channels: ['email'], source, campaignCode: 'OP-WS', consent: true });
    if (at) await t.sql(`UPDATE resident SET status = 'active', email_verified_at = $2, activated_at = $2 WHERE email = $1`, [email, at]);
    return email;
  };

  beforeAll(async () => {
    await t.app.get(GeographyService).importCsv(GEO);
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    for (const [key, npu] of [['pcAnn', 'BE'], ['pcBob', 'BE'], ['pcSam', 'SW']] as const) {
      const login = await loginAs(t, 'officer', npu);
      const [s] = await t.sql<{ email: string; name: string }>(`UPDATE staff SET name = $2 WHERE id = $1 RETURNING email, name`, [login.id, key === 'pcAnn' ? 'PC Ann' : key === 'pcBob' ? 'PC Bob' : 'PC Sam']);
      officers[key] = { kind: 'staff', id: login.id, email: s.email, name: s.name, role: 'officer', npuCode: npu };
    }
    // September 2019: Ann 3 in Hodge Hill (2 door knock, 1 street), 1 in Yardley (event); Bob 1 door knock in Hodge Hill; Sam 2 in Oldbury.
    await taken('pcAnn', 'BE01', 'door_knock', '2019-09-02T10:00:00Z');
    await taken('pcAnn', 'BE02', 'door_knock', '2019-09-03T10:00:00Z');
    await taken('pcAnn', 'BE01', 'street', '2019-09-04T10:00:00Z');
    await taken('pcAnn', 'BE03', 'event', '2019-09-30T22:30:00Z'); // 23:30 BST, still September
    await taken('pcBob', 'BE02', 'door_knock', '2019-09-10T10:00:00Z');
    await taken('pcSam', 'SW01', 'street', '2019-09-11T10:00:00Z');
    await taken('pcSam', 'SW01', 'event', '2019-09-12T10:00:00Z');
    // Outside the month, and never verified: not counted.
    await taken('pcBob', 'BE01', 'door_knock', '2019-10-01T10:00:00Z');
    await taken('pcBob', 'BE01', 'door_knock', null);
    // A resident's own sign-up: not assisted.
    await t.sql(`INSERT INTO resident (ward_code, status, activated_at, consent_at, source, email) VALUES ('BE01', 'active', '2019-09-05T10:00:00Z', now(), 'online', 'own@example.org')`);
  });

  it('counts verified assisted sign-ups per officer (by tactic) and per team, force-wide and per NPU', async () => {
    const force = await t.http().get('/api/v1/reports/attribution/officers?from=2019-09&to=2019-09').set(...analyst).expect(200);
    const row = (name: string, signups: number, doorKnock: number, street: number, event: number) => ({
      staffId: Object.values(officers).find((o) => o.name === name)!.id, officerName: name, signups, doorKnock, street, event, other: 0,
    });
    expect(force.body.byOfficer).toEqual([row('PC Ann', 4, 2, 1, 1), row('PC Sam', 2, 0, 1, 1), row('PC Bob', 1, 1, 0, 0)]);
    expect(force.body.byTeam.map(({ team, ...r }: { team: string }) => (expect(team).toMatch(/^[0-9a-f-]{36}$/), r))).toEqual([
      { teamName: 'Hodge Hill', npuCode: 'BE', signups: 4, officers: 2 },
      { teamName: 'Oldbury', npuCode: 'SW', signups: 2, officers: 1 },
      { teamName: 'Yardley', npuCode: 'BE', signups: 1, officers: 1 },
    ]);
    expect(force.body).toMatchObject({ npuCode: 'FORCE', from: '2019-09', to: '2019-09' });

    const be = await t.http().get('/api/v1/reports/attribution/officers?from=2019-09&to=2019-09').set(...ecoBE).expect(200);
    expect(be.body.npuCode).toBe('BE');
    expect(be.body.byOfficer).toEqual([row('PC Ann', 4, 2, 1, 1), row('PC Bob', 1, 1, 0, 0)]);
    expect(be.body.byTeam.map((r: { teamName: string; signups: number }) => [r.teamName, r.signups])).toEqual([['Hodge Hill', 4], ['Yardley', 1]]);
    await t.http().get('/api/v1/reports/attribution/officers?npu=SW').set(...ecoBE).expect(403);
    await t.http().get('/api/v1/reports/attribution/officers?from=2019-13').set(...analyst).expect(400);

    // For people: officers and teams by name, no ids; machines keep the ids.
    const csv = await t.http().get('/api/v1/reports/attribution/officers?from=2019-09&to=2019-09&format=csv').set(...analyst).expect(200);
    expect(csv.text.split('\r\n').slice(0, 2)).toEqual(['Section,Officer,Sign-ups,Door knock,Street,Event,Other,Team,NPU,Officers', 'By officer,PC Ann,4,2,1,1,0,,,']);
    expect(csv.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const keys = await t.http().get('/api/v1/reports/attribution/officers?from=2019-09&to=2019-09&format=csv&columns=keys').set(...analyst).expect(200);
    expect(keys.text).toContain(officers.pcAnn.id);
  });

  it('keeps the officer when the resident later signs up themselves on the plain page with the campaign code', async () => {
    const email = await taken('pcBob', 'BE03', 'door_knock', null);
    await t.http().post('/api/v1/residents').send({ firstName: 'Res', email, wardCode: 'BE03', channels: ['email'], source: 'online', campaignCode: 'OP-WS', consent: true }).expect(202);
    const rows = await t.sql<{ assisted_by: string; source: string; campaign_code: string }>(`SELECT assisted_by, source, campaign_code FROM resident WHERE email = $1`, [email]);
    expect(rows).toEqual([{ assisted_by: officers.pcBob.id, source: 'door_knock', campaign_code: 'OP-WS' }]);
  });
});
