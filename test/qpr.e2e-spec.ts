import { beforeAll, describe, expect, it } from '@jest/globals';
import { londonDay } from '@beacon/core';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

type Login = Awaited<ReturnType<typeof loginAs>>;

/**
 * Issue 22: the quarterly performance review for 2020-Q2 beside 2020-Q1 and 2019-Q2, each figure
 * against its target, with exact values on a small fixture; and the same pack after later changes.
 */
describe('quarterly performance review pack (GET /api/v1/reports/qpr)', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  const people: Record<string, string> = {};

  const subscriber = async (name: string, ward: string, activatedAt: string, leftAt?: string) => {
    people[name] = (await makeResident(t, { ward })).id;
    await t.sql(`UPDATE resident SET activated_at = $2 WHERE id = $1`, [people[name], activatedAt]);
    if (leftAt) people[`${name}:leftAt`] = leftAt;
  };
  const scheme = async (type: string, wardCode: string, openedOn: string, members: [string, string][]) => {
    const id = (await t.http().post('/api/v1/schemes').set(...admin.auth).send({ type, name: `${type} ${wardCode}`, wardCode, openedOn }).expect(201)).body.id as string;
    for (const [who, joinedOn] of members) {
      await t.http().post(`/api/v1/schemes/${id}/members`).set(...admin.auth).send({ residentId: people[who], consent: 'in_person', joinedOn }).expect(201);
    }
    return id;
  };
  let cadetN = 0;
  const cadet = async (unitId: string, role: string, joinedOn: string, leftOn?: string) => {
    const res = await t
      .http()
      .post(`/api/v1/cadet-units/${unitId}/members`)
      .set(...admin.auth)
      .send({ firstName: `Q${++cadetN}`, lastName: 'Cadet', dateOfBirth: '2012-01-01', role, joinedOn, guardianName: 'G', guardianPhone: '0121 496 0123' })
      .expect(201);
    if (leftOn) await t.http().delete(`/api/v1/cadet-units/${unitId}/members/${res.body.id}?leftOn=${leftOn}`).set(...admin.auth).expect(204);
    return res.body.id as string;
  };
  const bid = async (year: string, created: string, award: number, decided: string, payments: [number, string][]) => {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence, status, created_at)
       VALUES ('BE', $1, 'Fixture Group', 'group', 'fixture@example.org', 'Fixture', 'A fixture bid', 'youth_violence', $2, 'under_review', $3) RETURNING id`,
      [year, award, created],
    );
    await t.http().post(`/api/v1/bids/${id}/approve`).set(...admin.auth).send({ amountAwardedPence: award }).expect(200);
    await t.sql(`UPDATE bid SET decided_at = $2 WHERE id = $1`, [id, decided]);
    for (const [amountPence, paidOn] of payments) await t.http().post(`/api/v1/bids/${id}/payments`).set(...admin.auth).send({ amountPence, paidOn }).expect(201);
    return id;
  };

  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
    const author = (await loginAs(t, 'eco', 'BE')).id;
    await subscriber('s1', 'BE01', '2019-05-10T10:00:00Z');
    await subscriber('s2', 'SW01', '2019-06-15T10:00:00Z');
    await subscriber('s3', 'BE01', '2020-02-01T10:00:00Z');
    await subscriber('s4', 'BE02', '2020-03-01T10:00:00Z');
    await subscriber('s5', 'BE03', '2020-04-10T10:00:00Z');
    await subscriber('s6', 'SW02', '2020-06-20T10:00:00Z');

    await scheme('neighbourhood_watch', 'BE01', '2019-04-15', [['s1', '2019-05-20'], ['s3', '2020-02-10']]);
    await scheme('street_watch', 'BE02', '2020-01-10', [['s4', '2020-03-05']]);
    await scheme('canal_watch', 'SW01', '2020-05-01', [['s2', '2020-05-02']]);
    // s4 stops taking messages in May 2020 (a leaver) but stays a scheme member.
    await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = '2020-05-01T10:00:00Z' WHERE id = $1`, [people.s4]);
    for (const [npuCode, type, target, memberTarget] of [['BE', 'neighbourhood_watch', 5, 20], ['SW', 'canal_watch', 1, undefined]] as const) {
      await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ npuCode, type, target, memberTarget, dueDate: '2021-03-31', setOn: '2020-04-01' }).expect(200);
    }

    const beCadets = (await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'BE', name: 'BE cadets', kind: 'cadets' }).expect(201)).body.id as string;
    const swJuniors = (await t.http().post('/api/v1/cadet-units').set(...admin.auth).send({ npuCode: 'SW', name: 'SW juniors', kind: 'junior_pcso' }).expect(201)).body.id as string;
    await cadet(beCadets, 'cadet', '2019-04-20');
    await cadet(beCadets, 'cadet', '2020-03-01');
    await cadet(beCadets, 'cadet', '2020-04-15', '2020-06-01');
    await cadet(swJuniors, 'junior_pcso', '2020-06-10');

    await t.http().put('/api/v1/funds/BE/2019-20').set(...admin.auth).send({ budgetPence: 2_000_000 }).expect(200);
    await t.http().put('/api/v1/funds/BE/2020-21').set(...admin.auth).send({ budgetPence: 1_000_000 }).expect(200);
    people.bid1920 = await bid('2019-20', '2019-04-20T10:00:00Z', 800_000, '2019-05-01T10:00:00Z', [[300_000, '2019-06-10'], [200_000, '2020-01-15']]);
    people.bid2021 = await bid('2020-21', '2020-04-05T10:00:00Z', 400_000, '2020-04-20T10:00:00Z', [[100_000, '2020-06-01']]);

    for (const [npu, sentAt, ratings, score] of [['BE', '2019-05-05', 2, 10], ['BE', '2020-02-02', 4, 16], ['BE', '2020-05-05', 3, 15], ['SW', '2020-06-06', 1, 6]] as const) {
      const [m] = await t.sql<{ id: string }>(
        `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count)
         VALUES ($1, $2, 'T', 'B', 'other', '{email}', '{}', 'sent', $3, 10) RETURNING id`,
        [author, npu, `${sentAt}T10:00:00Z`],
      );
      await t.sql('INSERT INTO message_engagement (message_id, ratings, score_sum, replies) VALUES ($1, $2, $3, 0)', [m.id, ratings, score]);
    }
    await t.app.get(ReportAggregatesService).refresh();
  }, 120_000);

  const row = (figure: string, current: number | null, previousQuarter: number | null, sameQuarterLastYear: number | null, target: number | null = null) => ({
    figure,
    current,
    previousQuarter,
    sameQuarterLastYear,
    target,
    againstTarget: target === null || current === null ? null : current - target,
    percentOfTarget: target === null || current === null || target === 0 ? null : Math.round((current * 100) / target),
  });

  const expected = {
    npuCode: 'FORCE',
    quarter: '2020-Q2',
    periods: {
      current: { quarter: '2020-Q2', from: '2020-04', to: '2020-06', asAt: '2020-06-30' },
      previousQuarter: { quarter: '2020-Q1', from: '2020-01', to: '2020-03', asAt: '2020-03-31' },
      sameQuarterLastYear: { quarter: '2019-Q2', from: '2019-04', to: '2019-06', asAt: '2019-06-30' },
    },
    figures: [
      row('newSignups', 2, 2, 2),
      row('leavers', 1, 0, 0),
      row('netSignups', 1, 2, 2),
      row('subscribers', 5, 4, 2),
      row('messagesSent', 2, 1, 1),
      row('ratings', 4, 4, 2),
      row('averageRating', 5.25, 4, 5),
      row('schemes', 3, 2, 1, 6),
      row('schemeMembers', 4, 3, 1, 20),
      row('cadets', 3, 2, 1),
      row('acfAllocatedPence', 400_000, 800_000, 800_000, 1_000_000),
      row('acfSpentPence', 100_000, 500_000, 300_000, 1_000_000),
    ],
    lastRefreshedAt: expect.any(String),
  };

  it('gives each figure for the quarter, the previous quarter and the same quarter last year, against its target', async () => {
    const res = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2').set(...admin.auth).expect(200);
    expect(res.body).toEqual(expected);
    expect(expected.figures.find((f) => f.figure === 'schemes')).toMatchObject({ againstTarget: -3, percentOfTarget: 50 });
  });

  it('for one NPU', async () => {
    const res = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2&npu=SW').set(...admin.auth).expect(200);
    const pick = (f: string) => (res.body.figures as { figure: string }[]).find((r) => r.figure === f);
    expect(res.body.npuCode).toBe('SW');
    expect(pick('newSignups')).toEqual(row('newSignups', 1, 0, 1));
    expect(pick('schemes')).toEqual(row('schemes', 1, 0, 0, 1));
    expect(pick('schemeMembers')).toEqual(row('schemeMembers', 1, 0, 0));
    expect(pick('acfSpentPence')).toEqual(row('acfSpentPence', 0, 0, 0));
  });

  it('gives the same pack after the data changes later, and as CSV', async () => {
    await subscriber('late', 'BE01', new Date().toISOString());
    await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = now() WHERE id = $1`, [people.s1]);
    await t.http().put('/api/v1/scheme-targets').set(...admin.auth).send({ npuCode: 'BE', type: 'neighbourhood_watch', target: 50, dueDate: '2030-03-31' }).expect(200);
    await t.http().post(`/api/v1/bids/${people.bid2021}/payments`).set(...admin.auth).send({ amountPence: 50_000, paidOn: londonDay() }).expect(201);
    await t.app.get(ReportAggregatesService).refresh();
    const res = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2').set(...admin.auth).expect(200);
    expect(res.body).toEqual(expected);
    const csv = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2&format=csv').set(...admin.auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    // For people: the figure's name in words (JSON and columns=keys keep the code).
    expect(csv.text).toMatch(/\nFigures,+Schemes,3,2,1,6,-3,50\r/);
    expect(csv.text).toMatch(/\nFigures,+ACF spent \(pence\),/);
    expect(csv.text).not.toMatch(/acfSpentPence|schemeMembers/);
    const keys = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2&format=csv&columns=keys').set(...admin.auth).expect(200);
    expect(keys.text).toMatch(/\nfigures,+schemes,3,2,1,6,-3,50\r/);
  });

  it('refuses a bad or future quarter with a 400, and is for report readers', async () => {
    for (const q of ['quarter=2020-Q5', 'quarter=2020Q2', '', `quarter=${Number(londonDay().slice(0, 4)) + 1}-Q1`]) {
      const res = await t.http().get(`/api/v1/reports/qpr?${q}`).set(...admin.auth).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) });
    }
    const ecoBE = await loginAs(t, 'eco', 'BE');
    await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2&npu=SW').set(...ecoBE.auth).expect(403);
    const own = await t.http().get('/api/v1/reports/qpr?quarter=2020-Q2').set(...ecoBE.auth).expect(200);
    expect(own.body.npuCode).toBe('BE');
  });
});
