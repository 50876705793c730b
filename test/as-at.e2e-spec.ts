import { beforeAll, describe, expect, it } from '@jest/globals';
import { londonDay } from '@beacon/core';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

type Login = Awaited<ReturnType<typeof loginAs>>;

const tomorrow = () => londonDay(new Date(Date.now() + 36 * 3600_000));

/**
 * Issue 22: a board paper's tables reproduced as at their dates. Each block enters history with
 * its dates, takes the table as at a past day, then changes the data after that day (closes,
 * removes, leaves, pays, decides, sets new targets) and gets exactly the same table back.
 */
describe('reports as at a past day (issue 22)', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;

  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
  });

  const get = async (url: string) => (await t.http().get(url).set(...admin.auth).expect(200)).body as Record<string, unknown>;

  describe('Street Watch schemes against dated targets', () => {
    const ids: Record<string, string> = {};
    const people: Record<string, string> = {};
    const scheme = async (name: string, wardCode: string, openedOn: string) =>
      (ids[name] = (await t.http().post('/api/v1/schemes').set(...admin.auth).send({ type: 'street_watch', name, wardCode, openedOn }).expect(201)).body.id as string);
    const enrol = (name: string, who: string, joinedOn?: string) =>
      t.http().post(`/api/v1/schemes/${ids[name]}/members`).set(...admin.auth).send({ residentId: people[who], consent: 'in_person', joinedOn });
    const target = (body: Record<string, unknown>) => t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ type: 'street_watch', ...body }).expect(200);
    const streetWatch = (body: Record<string, unknown>) => (body.rows as { type: string }[]).filter((r) => r.type === 'street_watch');

    beforeAll(async () => {
      for (const [who, ward] of [['r1', 'BE01'], ['r2', 'BE02'], ['r3', 'BE02'], ['r4', 'BE03'], ['r5', 'SW01']]) people[who] = (await makeResident(t, { ward })).id;
      await scheme('Alum Rock SW', 'BE01', '2020-01-10');
      await scheme('Stechford SW', 'BE02', '2020-03-01');
      await scheme('Yardley SW', 'BE03', '2020-06-01');
      await scheme('Oldbury SW', 'SW01', '2019-11-05');
      await enrol('Alum Rock SW', 'r1', '2020-02-01').expect(201);
      await enrol('Alum Rock SW', 'r2', '2020-02-01').expect(201);
      await enrol('Stechford SW', 'r2', '2020-03-05').expect(201);
      await enrol('Stechford SW', 'r3', '2020-03-10').expect(201);
      await enrol('Stechford SW', 'r4', '2020-05-15').expect(201);
      await enrol('Oldbury SW', 'r5', '2019-12-01').expect(201);
      // A volunteer who no longer takes messages is still a member.
      await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = now() WHERE id = $1`, [people.r3]);
      // The 2017 target ("50 schemes with 500 members") and the April 2020 one.
      await target({ npuCode: 'BE', target: 50, memberTarget: 500, dueDate: '2018-03-31', setOn: '2017-04-01' });
      await target({ npuCode: 'BE', target: 4, memberTarget: 10, dueDate: '2020-04-30', setOn: '2019-06-01' });
      await target({ npuCode: 'SW', target: 2, dueDate: '2020-04-30', setOn: '2019-06-01' });
    });

    const april2020 = {
      asAt: '2020-04-30',
      rows: [
        { npuCode: 'BE', type: 'street_watch', current: 2, members: 3, target: 4, dueDate: '2020-04-30', required: 2, memberTarget: 10, membersRequired: 7 },
        { npuCode: 'SW', type: 'street_watch', current: 1, members: 1, target: 2, dueDate: '2020-04-30', required: 1, memberTarget: null, membersRequired: null },
      ],
    };

    it('counts schemes open and members belonging at the end of the day, against the target in force then', async () => {
      const body = await get('/api/v1/reports/schemes?asAt=2020-04-30');
      expect({ asAt: body.asAt, rows: streetWatch(body) }).toEqual(april2020);
      expect(body.totals).toEqual({ current: 3, members: 4, target: 6, required: 3, memberTarget: 10, membersRequired: 7 });
      const in2018 = await get('/api/v1/reports/schemes?asAt=2018-01-01&npu=BE');
      expect(streetWatch(in2018)).toEqual([
        { npuCode: 'BE', type: 'street_watch', current: 0, members: 0, target: 50, dueDate: '2018-03-31', required: 50, memberTarget: 500, membersRequired: 500 },
      ]);
    });

    it('gives the same table after the data changes later: a scheme closed, members removed, a new target, a new scheme', async () => {
      const before = await get('/api/v1/reports/schemes?asAt=2020-04-30');
      await t.http().patch(`/api/v1/schemes/${ids['Alum Rock SW']}`).set(...admin.auth).send({ status: 'closed', closedOn: '2021-01-31' }).expect(200);
      await t.http().delete(`/api/v1/schemes/${ids['Stechford SW']}/members/${people.r2}`).set(...admin.auth).expect(204);
      await t.http().delete(`/api/v1/schemes/${ids['Oldbury SW']}/members/${people.r5}`).set(...admin.auth).expect(204);
      await target({ npuCode: 'BE', target: 9, memberTarget: 40, dueDate: '2027-03-31' });
      await scheme('Shard End SW', 'BE02', londonDay());
      expect(await get('/api/v1/reports/schemes?asAt=2020-04-30')).toEqual(before);

      // Closing keeps the row with its date; removing a member keeps their period with the day they left.
      const closed = (await t.http().get(`/api/v1/schemes/${ids['Alum Rock SW']}`).set(...admin.auth).expect(200)).body;
      expect(closed).toMatchObject({ status: 'closed', openedOn: '2020-01-10', closedOn: '2021-01-31' });
      expect(await t.sql(`SELECT opened_on::text AS o, closed_on::text AS c FROM scheme_period WHERE scheme_id = $1`, [ids['Alum Rock SW']])).toEqual([{ o: '2020-01-10', c: '2021-01-31' }]);
      expect(await t.sql(`SELECT (left_at IS NOT NULL) AS left FROM scheme_member_period WHERE scheme_id = $1 AND member_key = $2`, [ids['Stechford SW'], people.r2])).toEqual([{ left: true }]);

      // Today: Alum Rock closed; Stechford (r3, r4), Yardley, Shard End open; the new target in force.
      const today = await get('/api/v1/reports/schemes?npu=BE');
      expect(streetWatch(today)).toEqual([
        { npuCode: 'BE', type: 'street_watch', current: 3, members: 2, target: 9, dueDate: '2027-03-31', required: 6, memberTarget: 40, membersRequired: 38 },
      ]);
    });

    it('reopening starts a new open period; the closed months stay closed', async () => {
      await t.http().patch(`/api/v1/schemes/${ids['Alum Rock SW']}`).set(...admin.auth).send({ status: 'active' }).expect(200);
      expect(await t.sql(`SELECT opened_on::text AS o, closed_on::text AS c FROM scheme_period WHERE scheme_id = $1 ORDER BY id`, [ids['Alum Rock SW']])).toEqual([
        { o: '2020-01-10', c: '2021-01-31' },
        { o: londonDay(), c: null },
      ]);
      const inClosedMonths = await get('/api/v1/reports/schemes?asAt=2022-06-30&npu=BE');
      expect(streetWatch(inClosedMonths)[0]).toMatchObject({ current: 2 }); // Stechford and Yardley, not Alum Rock
    });

    it('refuses bad dates with a 400 and changes nothing', async () => {
      for (const q of ['asAt=2020-02-30', 'asAt=2020-4-30', 'asAt=yesterday', `asAt=${tomorrow()}`]) {
        const res = await t.http().get(`/api/v1/reports/schemes?${q}`).set(...admin.auth).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String) });
      }
      await t.http().post('/api/v1/schemes').set(...admin.auth).send({ type: 'street_watch', name: 'Future SW', wardCode: 'BE01', openedOn: tomorrow() }).expect(400);
      const before = await t.sql('SELECT count(*)::int AS n FROM scheme_member_period');
      await enrol('Yardley SW', 'r1', '2020-05-01').expect(400); // before Yardley opened
      await enrol('Yardley SW', 'r1', tomorrow()).expect(400);
      await t.http().patch(`/api/v1/schemes/${ids['Yardley SW']}`).set(...admin.auth).send({ status: 'closed', closedOn: '2020-05-31' }).expect(400);
      await t.http().patch(`/api/v1/schemes/${ids['Yardley SW']}`).set(...admin.auth).send({ name: 'x', closedOn: '2020-07-01' }).expect(400);
      await target({ npuCode: 'BE', target: 1, dueDate: '2030-03-31' });
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ npuCode: 'BE', type: 'street_watch', target: 1, dueDate: '2030-03-31', setOn: tomorrow() }).expect(400);
      expect(await t.sql('SELECT count(*)::int AS n FROM scheme_member_period')).toEqual(before);
    });
  });

  describe('cadets and Junior PCSOs by joining and leaving dates', () => {
    const unit = async (npuCode: string, kind: string) =>
      (await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode, name: `${npuCode} ${kind} unit`, kind }).expect(201)).body.id as string;
    let n = 0;
    const member = async (unitId: string, role: string, joinedOn: string) =>
      (
        await t
          .http()
          .post(`/api/v1/cadet-units/${unitId}/members`)
          .set(...admin.auth)
          .send({
            firstName: `Cadet${++n}`,
            lastName: 'Tester',
            dateOfBirth: role === 'leader' ? '1980-01-01' : '2012-01-01',
            role,
            joinedOn,
            ...(role === 'leader' ? {} : { guardianName: 'A Guardian', guardianPhone: '0121 496 0123' }),
          })
          .expect(201)
      ).body.id as string;
    const leave = (unitId: string, memberId: string, leftOn?: string) =>
      t.http().delete(`/api/v1/cadet-units/${unitId}/members/${memberId}${leftOn ? `?leftOn=${leftOn}` : ''}`).set(...admin.auth);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ids.beCadets = await unit('BE', 'cadets');
      ids.beJunior = await unit('BE', 'junior_pcso');
      ids.swCadets = await unit('SW', 'cadets');
      ids.c1 = await member(ids.beCadets, 'cadet', '2019-01-10');
      ids.c2 = await member(ids.beCadets, 'cadet', '2019-09-01');
      await member(ids.beCadets, 'cadet', '2019-10-05');
      await member(ids.beCadets, 'leader', '2019-01-01');
      await member(ids.beJunior, 'junior_pcso', '2019-05-01');
      ids.c4 = await member(ids.swCadets, 'cadet', '2018-09-01');
      await leave(ids.swCadets, ids.c4, '2019-06-30').expect(204);
      await member(ids.swCadets, 'cadet', '2019-02-02');
    });

    const september2019 = {
      asAt: '2019-09-30',
      rows: [
        { npuCode: 'BE', juniorPcsos: 1, cadets: 2, total: 3 },
        { npuCode: 'SW', juniorPcsos: 0, cadets: 1, total: 1 },
      ],
      totals: { juniorPcsos: 1, cadets: 3, total: 4 },
    };

    it('counts members who had joined and not yet left by the end of the day', async () => {
      expect(await get('/api/v1/reports/cadets?asAt=2019-09-30')).toEqual(september2019);
      expect(await get('/api/v1/reports/cadets?asAt=2019-06-29&npu=SW')).toEqual({ asAt: '2019-06-29', rows: [{ npuCode: 'SW', juniorPcsos: 0, cadets: 2, total: 2 }], totals: { juniorPcsos: 0, cadets: 2, total: 2 } });
    });

    it('gives the same table after members leave and join later', async () => {
      await leave(ids.beCadets, ids.c1).expect(204);
      await leave(ids.beCadets, ids.c2, '2020-01-15').expect(204);
      await member(ids.swCadets, 'cadet', londonDay());
      expect(await get('/api/v1/reports/cadets?asAt=2019-09-30')).toEqual(september2019);
      const today = await get('/api/v1/reports/cadets');
      expect(today.totals).toEqual({ juniorPcsos: 1, cadets: 3, total: 4 });
    });

    it('refuses bad dates with a 400', async () => {
      await t.http().get('/api/v1/reports/cadets?asAt=2019-13-01').set(...admin.auth).expect(400);
      await t.http().get(`/api/v1/reports/cadets?asAt=${tomorrow()}`).set(...admin.auth).expect(400);
      const late = await member(ids.beJunior, 'junior_pcso', '2020-03-01');
      await leave(ids.beJunior, late, '2020-02-01').expect(400);
      await leave(ids.beJunior, late, tomorrow()).expect(400);
      await leave(ids.beJunior, late, '2020-02-31').expect(400);
      expect(await t.sql('SELECT left_at FROM cadet_member WHERE id = $1', [late])).toEqual([{ left_at: null }]);
    });
  });

  describe('ACF position: spent by paid_on, allocated by decision date, bids awaiting a decision', () => {
    const YEAR = '2019-20';
    let leadBE: Login;
    const bid = async (o: { npu?: string; amount: number; theme: string; created: string; status?: string }) =>
      (
        await t.sql<{ id: string }>(
          `INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence, status, created_at)
           VALUES ($1, $2, 'Fixture Group', 'group', 'fixture@example.org', 'Fixture bid', 'A fixture bid', $3, $4, $5, $6::timestamptz) RETURNING id`,
          [o.npu ?? 'BE', YEAR, o.theme, o.amount, o.status ?? 'under_review', o.created],
        )
      )[0].id;
    const approve = (id: string, amountAwardedPence: number) => t.http().post(`/api/v1/bids/${id}/approve`).set(...leadBE.auth).send({ amountAwardedPence }).expect(200);
    const pay = (id: string, amountPence: number, paidOn: string) => t.http().post(`/api/v1/bids/${id}/payments`).set(...leadBE.auth).send({ amountPence, paidOn }).expect(201);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      leadBE = await loginAs(t, 'npu_lead', 'BE');
      await t.http().put(`/api/v1/funds/BE/${YEAR}`).set(...admin.auth).send({ budgetPence: 10_000_000 }).expect(200);
      await t.http().put(`/api/v1/funds/SW/${YEAR}`).set(...admin.auth).send({ budgetPence: 6_000_000 }).expect(200);
      // Decided in June 2019 (the API records a decision now; the board paper's history is entered as it was).
      ids.boxing = await bid({ amount: 4_000_000, theme: 'youth_violence', created: '2019-05-01T10:00:00Z' });
      ids.garden = await bid({ amount: 2_000_000, theme: 'community_cohesion', created: '2019-05-01T10:00:00Z' });
      await approve(ids.boxing, 3_000_000);
      await approve(ids.garden, 2_000_000);
      await t.sql(`UPDATE bid SET decided_at = '2019-06-01T12:00:00Z' WHERE id = ANY($1::uuid[])`, [[ids.boxing, ids.garden]]);
      await pay(ids.boxing, 1_000_000, '2019-07-01');
      await pay(ids.boxing, 500_000, '2019-11-15');
      await pay(ids.garden, 2_000_000, '2020-02-01');
      // Waiting at the year's end of December: two youth-violence bids and one crime-prevention bid.
      ids.mentors = await bid({ amount: 1_000_000, theme: 'youth_violence', created: '2019-10-01T09:00:00Z' });
      ids.knives = await bid({ amount: 500_000, theme: 'youth_violence', created: '2019-10-02T09:00:00Z' });
      ids.bikes = await bid({ npu: 'SW', amount: 300_000, theme: 'crime_prevention', created: '2019-12-31T23:30:00Z' });
      // Submitted after the day: not waiting then.
      await bid({ amount: 100_000, theme: 'other', created: '2020-01-01T00:30:00Z' });
    });

    const december2019 = {
      asAt: '2019-12-31',
      items: [
        { npuCode: 'BE', budgetPence: 10_000_000, allocatedPence: 5_000_000, spentPence: 1_500_000, outstandingPence: 8_500_000, percentSpent: 15, percentAllocated: 50, awaitingBids: 2, awaitingPence: 1_500_000, percentAllocatedIfApproved: 65 },
        { npuCode: 'SW', budgetPence: 6_000_000, allocatedPence: 0, spentPence: 0, outstandingPence: 6_000_000, percentSpent: 0, percentAllocated: 0, awaitingBids: 1, awaitingPence: 300_000, percentAllocatedIfApproved: 5 },
      ],
      totals: { budgetPence: 16_000_000, allocatedPence: 5_000_000, spentPence: 1_500_000, outstandingPence: 14_500_000, percentSpent: 9, percentAllocated: 31, awaitingBids: 3, awaitingPence: 1_800_000, percentAllocatedIfApproved: 43 },
      byTheme: [
        { theme: 'community_cohesion', approvedBids: 1, allocatedPence: 2_000_000, awaitingBids: 0, awaitingPence: 0 },
        { theme: 'crime_prevention', approvedBids: 0, allocatedPence: 0, awaitingBids: 1, awaitingPence: 300_000 },
        { theme: 'youth_violence', approvedBids: 1, allocatedPence: 3_000_000, awaitingBids: 2, awaitingPence: 1_500_000 },
      ],
    };

    it('as at a day: spent = payments paid on or before it, allocated = awards decided by then, awaiting by NPU and theme', async () => {
      expect(await get(`/api/v1/funds/${YEAR}/position?asAt=2019-12-31`)).toEqual(december2019);
    });

    it('gives the same position after later payments, decisions and withdrawals', async () => {
      await approve(ids.mentors, 1_000_000);
      await pay(ids.mentors, 400_000, londonDay());
      await pay(ids.boxing, 1_500_000, '2020-03-20');
      await t.http().post(`/api/v1/bids/${ids.knives}/withdraw`).set(...leadBE.auth).expect(200);
      expect(await get(`/api/v1/funds/${YEAR}/position?asAt=2019-12-31`)).toEqual(december2019);
      const now = await get(`/api/v1/funds/${YEAR}/position`);
      expect((now.items as { npuCode: string }[])[0]).toMatchObject({ npuCode: 'BE', allocatedPence: 6_000_000, spentPence: 5_400_000, awaitingBids: 1, awaitingPence: 100_000 });
    });

    it('refuses a bad asAt with a 400', async () => {
      await t.http().get(`/api/v1/funds/${YEAR}/position?asAt=2019-12-32`).set(...admin.auth).expect(400);
      await t.http().get(`/api/v1/funds/${YEAR}/position?asAt=${tomorrow()}`).set(...admin.auth).expect(400);
    });
  });

  describe('the SIM pack for a past month, and the force-wide sign-up series', () => {
    const people: Record<string, string> = {};
    const subscriber = async (name: string, ward: string, activatedAt: string, leftAt?: string) => {
      people[name] = (await makeResident(t, { ward })).id;
      await t.sql(`UPDATE resident SET activated_at = $2, left_at = $3, status = CASE WHEN $3::timestamptz IS NULL THEN 'active' ELSE 'unsubscribed' END WHERE id = $1`, [
        people[name],
        activatedAt,
        leftAt ?? null,
      ]);
    };
    const refresh = () => t.app.get(ReportAggregatesService).refresh();
    const withoutRefreshTime = (body: Record<string, unknown>) => ({ ...body, lastRefreshedAt: undefined });

    beforeAll(async () => {
      await subscriber('a', 'BE01', '2019-08-10T10:00:00Z');
      await subscriber('b', 'BE01', '2019-08-20T10:00:00Z');
      await subscriber('c', 'SW01', '2019-09-05T10:00:00Z');
      await subscriber('d', 'BE02', '2019-09-10T10:00:00Z', '2019-09-25T10:00:00Z');
      await refresh();
    });

    it('groupBy=force gives one series for the whole force: new, leavers, net and cumulative', async () => {
      expect(await get('/api/v1/reports/signups?groupBy=force&from=2019-08&to=2019-10')).toEqual([
        { group: 'FORCE', month: '2019-08', newSignups: 2, leavers: 0, net: 2, cumulative: 2 },
        { group: 'FORCE', month: '2019-09', newSignups: 2, leavers: 1, net: 1, cumulative: 3 },
        { group: 'FORCE', month: '2019-10', newSignups: 0, leavers: 0, net: 0, cumulative: 3 },
      ]);
      expect(await get('/api/v1/reports/signups?groupBy=force&npu=BE&from=2019-08&to=2019-09')).toEqual([
        { group: 'BE', month: '2019-08', newSignups: 2, leavers: 0, net: 2, cumulative: 2 },
        { group: 'BE', month: '2019-09', newSignups: 1, leavers: 1, net: 0, cumulative: 2 },
      ]);
    });

    it('gives the same pack for September 2019 after sign-ups, leavers, scheme, cadet and ACF changes later', async () => {
      const be = await get('/api/v1/reports/sim?npu=BE&month=2019-09');
      const force = await get('/api/v1/reports/sim?month=2019-09');
      expect(force).toMatchObject({ npuCode: 'FORCE', month: '2019-09', asAt: '2019-09-30', lastRefreshedAt: expect.any(String) });
      expect((force.signups as { total: unknown[] }).total.at(-1)).toEqual({ group: 'FORCE', month: '2019-09', newSignups: 2, leavers: 1, net: 1, cumulative: 3 });
      expect((be.reach as { wardCode: string; subscribers: number }[]).map((r) => [r.wardCode, r.subscribers])).toEqual(
        expect.arrayContaining([['BE01', 2], ['BE02', 0]]),
      );
      expect(be.acf).toMatchObject({ asAt: '2019-09-30', items: [{ npuCode: 'BE', allocatedPence: 5_000_000, spentPence: 1_000_000 }] });

      // Later: a September subscriber leaves, new ones join, the aggregates refresh; a scheme opens, a cadet leaves, money is paid.
      await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = now() WHERE id = $1`, [people.a]);
      await subscriber('e', 'BE02', new Date().toISOString());
      await t.http().post('/api/v1/schemes').set(...admin.auth).send({ type: 'neighbourhood_watch', name: 'Late NW', wardCode: 'BE01' }).expect(201);
      const [cadet] = await t.sql<{ id: string; unit_id: string }>(`SELECT id, unit_id FROM cadet_member WHERE left_at IS NULL AND role = 'junior_pcso' ORDER BY joined_at LIMIT 1`);
      await t.http().delete(`/api/v1/cadet-units/${cadet.unit_id}/members/${cadet.id}`).set(...admin.auth).expect(204);
      const [mentors] = await t.sql<{ id: string }>(`SELECT id FROM bid WHERE status = 'approved' AND paid_pence < amount_awarded_pence LIMIT 1`);
      await t.http().post(`/api/v1/bids/${mentors.id}/payments`).set(...admin.auth).send({ amountPence: 100_000, paidOn: londonDay() }).expect(201);
      await refresh();

      expect(withoutRefreshTime(await get('/api/v1/reports/sim?npu=BE&month=2019-09'))).toEqual(withoutRefreshTime(be));
      expect(withoutRefreshTime(await get('/api/v1/reports/sim?month=2019-09'))).toEqual(withoutRefreshTime(force));
    });

    it('refuses a bad or future month with a 400', async () => {
      for (const q of ['month=2019-13', 'month=2019-9', `month=${Number(londonDay().slice(0, 4)) + 1}-01`]) {
        const res = await t.http().get(`/api/v1/reports/sim?${q}`).set(...admin.auth).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) });
      }
      await t.http().get('/api/v1/reports/signups?groupBy=team').set(...admin.auth).expect(400);
      await t.http().get(`/api/v1/reports/reach?month=${Number(londonDay().slice(0, 4)) + 1}-01`).set(...admin.auth).expect(400);
    });
  });

  describe('force-wide and since-launch average rating, ratings by team', () => {
    beforeAll(async () => {
      const author = (await loginAs(t, 'eco', 'BE')).id;
      const message = async (npu: string | null, wards: string[], sentAt: string, ratings: number, scoreSum: number) => {
        const [m] = await t.sql<{ id: string }>(
          `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count, ward_codes)
           VALUES ($1, $2, 'T', 'B', 'other', '{email}', '{}', 'sent', $3, 10, $4) RETURNING id`,
          [author, npu, sentAt, wards],
        );
        await t.sql('INSERT INTO message_engagement (message_id, ratings, score_sum, replies) VALUES ($1, $2, $3, 0)', [m.id, ratings, scoreSum]);
      };
      await message('BE', ['BE01'], '2019-09-05T10:00:00Z', 4, 20); // Hodge Hill
      await message('BE', ['BE02'], '2019-09-06T10:00:00Z', 1, 6); // Hodge Hill
      await message('BE', ['BE03'], '2019-09-07T10:00:00Z', 2, 8); // Yardley
      await message('BE', ['BE01', 'BE03'], '2019-09-08T10:00:00Z', 1, 3); // two neighbourhoods: NPU-wide
      await message(null, [], '2019-08-01T10:00:00Z', 2, 12); // force-wide, before the range
      await message('SW', ['SW01'], '2019-09-09T10:00:00Z', 0, 0); // Oldbury, unrated
    });

    it('gives the range and since-launch averages force-wide and per NPU, and the teams', async () => {
      const force = await get('/api/v1/reports/ratings?from=2019-09&to=2019-09');
      expect({ ...force, byTeam: undefined }).toEqual({
        npuCode: 'FORCE',
        from: '2019-09',
        to: '2019-09',
        inRange: { messages: 5, ratings: 8, averageRating: 4.63 },
        sinceLaunch: { messages: 6, ratings: 10, averageRating: 4.9 },
        byTeam: undefined,
      });
      const teams = (force.byTeam as { groupName: string }[]).map(({ group: _g, ...r }: { group?: string; groupName: string }) => r).sort((a, b) => a.groupName.localeCompare(b.groupName));
      expect(teams).toEqual([
        { groupName: 'Birmingham East (NPU-wide)', month: '2019-09', sent: 1, recipients: 10, averageRating: 3, ratings: 1, replies: 0 },
        { groupName: 'Hodge Hill', month: '2019-09', sent: 2, recipients: 20, averageRating: 5.2, ratings: 5, replies: 0 },
        { groupName: 'Oldbury', month: '2019-09', sent: 1, recipients: 10, averageRating: null, ratings: 0, replies: 0 },
        { groupName: 'Yardley', month: '2019-09', sent: 1, recipients: 10, averageRating: 4, ratings: 2, replies: 0 },
      ]);
      const be = await get('/api/v1/reports/ratings?npu=BE&from=2019-09&to=2019-09');
      expect(be).toMatchObject({ npuCode: 'BE', inRange: { messages: 4, ratings: 8, averageRating: 4.63 }, sinceLaunch: { messages: 4, ratings: 8, averageRating: 4.63 } });
      expect(await get('/api/v1/reports/messages?groupBy=force&from=2019-08&to=2019-09')).toEqual([
        { group: 'FORCE', groupName: 'Force', month: '2019-08', sent: 1, recipients: 10, averageRating: 6, ratings: 2, replies: 0 },
        { group: 'FORCE', groupName: 'Force', month: '2019-09', sent: 5, recipients: 50, averageRating: 4.63, ratings: 8, replies: 0 },
      ]);
    });
  });
});
