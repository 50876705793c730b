import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseCsv } from '@beacon/core';
import { VOCABULARY } from '@beacon/web';
import { GeographyService } from '@beacon/geography';
import { ReportAggregatesService } from '@beacon/reports';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const GEO = [
  'npu_code,npu_name,neighbourhood,ward_code,ward_name,population',
  'BE,Birmingham East,Hodge Hill,BE01,Hodge Hill,1000',
  'BE,Birmingham East,Hodge Hill,BE02,Shard End,500',
  'BE,Birmingham East,Yardley,BE03,Acocks Green,2000',
  'SW,Sandwell,Oldbury,SW01,Oldbury,4000',
  'SW,Sandwell,Smethwick,SW02,Smethwick,250',
].join('\n');

describe('reports for Service Improvement Meetings', () => {
  const { t } = useSuite({  });
  let analyst: Auth;
  let ecoBE: Auth;
  let ecoSW: Auth;

  const resident = (ward: string, status: string, activatedAt: string | null, extra: Partial<Record<'left_at' | 'source' | 'campaign_code' | 'ethnicity' | 'age_band', string>> = {}) =>
    t.sql(
      `INSERT INTO resident (ward_code, status, activated_at, left_at, consent_at, source, campaign_code, ethnicity, age_band, email, erased_at)
       VALUES ($1, $2::varchar, $3, $4, now(), $5, $6, $7, $8, CASE WHEN $2::varchar = 'erased' THEN NULL ELSE 'x' || gen_random_uuid() || '@example.org' END,
               CASE WHEN $2::varchar = 'erased' THEN $4::timestamptz END)`,
      [ward, status, activatedAt, extra.left_at ?? null, extra.source ?? null, extra.campaign_code ?? null, extra.ethnicity ?? null, extra.age_band ?? null],
    );

  beforeAll(async () => {
    await t.app.get(GeographyService).importCsv(GEO);
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    await resident('BE01', 'active', '2019-08-15T12:00:00Z', { source: 'door_knock', campaign_code: 'HH-DOOR-2019', ethnicity: 'white', age_band: '25-34' });
    // 23:30 UTC on 31 August is 00:30 BST on 1 September: a September sign-up.
    await resident('BE01', 'active', '2019-08-31T23:30:00Z', { source: 'social_media', ethnicity: 'asian', age_band: '35-44' });
    await resident('BE02', 'unsubscribed', '2019-09-10T09:00:00Z', { left_at: '2019-09-20T09:00:00Z', source: 'door_knock', campaign_code: 'HH-DOOR-2019' });
    await resident('BE03', 'erased', '2019-07-01T09:00:00Z', { left_at: '2019-09-05T09:00:00Z' });
    await resident('SW01', 'active', '2019-09-02T09:00:00Z', { source: 'event', ethnicity: 'white' });
    // 23:30 UTC on 30 September is 00:30 BST on 1 October.
    await resident('SW02', 'active', '2019-09-30T23:30:00Z');
    await resident('BE01', 'pending', null);
    await t.sql(`INSERT INTO population_share (area_code, dimension, category, share_percent) VALUES
      ('BE', 'ethnicity', 'white', 48.6), ('BE', 'ethnicity', 'asian', 31.0), ('BE', 'ethnicity', 'black', 11.0)`);
    // Reports read pre-aggregated resident figures, refreshed every 5 minutes by a job.
    await t.app.get(ReportAggregatesService).refresh();
  });

  it('counts new, leavers, net and cumulative per NPU by London month, erased residents included as leavers', async () => {
    const res = await t.http().get('/api/v1/reports/signups?groupBy=npu&from=2019-08&to=2019-10').set(...analyst).expect(200);
    expect(res.body).toEqual([
      { group: 'BE', month: '2019-08', newSignups: 1, leavers: 0, net: 1, cumulative: 2 },
      { group: 'BE', month: '2019-09', newSignups: 2, leavers: 2, net: 0, cumulative: 2 },
      { group: 'BE', month: '2019-10', newSignups: 0, leavers: 0, net: 0, cumulative: 2 },
      { group: 'SW', month: '2019-08', newSignups: 0, leavers: 0, net: 0, cumulative: 0 },
      { group: 'SW', month: '2019-09', newSignups: 1, leavers: 0, net: 1, cumulative: 1 },
      { group: 'SW', month: '2019-10', newSignups: 1, leavers: 0, net: 1, cumulative: 2 },
    ]);
  });

  it('groups by ward and keeps NPU-bound staff to their NPU', async () => {
    const res = await t.http().get('/api/v1/reports/signups?groupBy=ward&from=2019-09&to=2019-09').set(...ecoBE).expect(200);
    expect(res.body).toEqual([
      { group: 'BE01', month: '2019-09', newSignups: 1, leavers: 0, net: 1, cumulative: 2 },
      { group: 'BE02', month: '2019-09', newSignups: 1, leavers: 1, net: 0, cumulative: 0 },
      { group: 'BE03', month: '2019-09', newSignups: 0, leavers: 1, net: -1, cumulative: 0 },
    ]);
    await t.http().get('/api/v1/reports/signups?npu=BE').set(...ecoSW).expect(403);
    await t.http().get('/api/v1/reports/signups?from=2019-13').set(...analyst).expect(400);
    await t.http().get('/api/v1/reports/signups?from=2019-10&to=2019-09').set(...analyst).expect(400);
    await t.http().get('/api/v1/reports/signups?groupBy=street').set(...analyst).expect(400);
  });

  it('ranks wards by reach per 1,000 residents, lowest first', async () => {
    const res = await t.http().get('/api/v1/reports/reach').set(...analyst).expect(200);
    expect(res.body.map((r: { wardCode: string; subscribers: number; per1000: number }) => [r.wardCode, r.subscribers, r.per1000])).toEqual([
      ['BE03', 0, 0],
      ['BE02', 0, 0],
      ['SW01', 1, 0.3],
      ['BE01', 2, 2],
      ['SW02', 1, 4],
    ]);
  });

  it('compares subscribers with census shares where known', async () => {
    const res = await t.http().get('/api/v1/reports/representation?npu=BE').set(...analyst).expect(200);
    const eth = res.body.filter((r: { dimension: string }) => r.dimension === 'ethnicity');
    expect(eth).toEqual([
      { dimension: 'ethnicity', category: 'asian', subscribers: 1, populationSharePercent: 31, subscriberSharePercent: 50, gapPoints: 19 },
      { dimension: 'ethnicity', category: 'black', subscribers: 0, populationSharePercent: 11, subscriberSharePercent: 0, gapPoints: -11 },
      { dimension: 'ethnicity', category: 'white', subscribers: 1, populationSharePercent: 48.6, subscriberSharePercent: 50, gapPoints: 1.4 },
    ]);
  });

  it('attributes sign-ups to sources and campaigns', async () => {
    const res = await t.http().get('/api/v1/reports/attribution?from=2019-09&to=2019-09').set(...analyst).expect(200);
    expect(res.body).toEqual([
      { source: 'door_knock', campaignCode: 'HH-DOOR-2019', signups: 1 },
      { source: 'event', campaignCode: '', signups: 1 },
      { source: 'social_media', campaignCode: '', signups: 1 },
    ]);
  });

  it('reports message volume and average rating per NPU and author', async () => {
    const staff = await loginAs(t, 'eco', 'BE');
    const mk = async (npu: string | null, sentAt: string, recipients: number, ratings: number, scoreSum: number, replies: number) => {
      const [m] = await t.sql<{ id: string }>(
        `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count)
         VALUES ($1, $2, 'T', 'B', 'other', '{email}', '{}', 'sent', $3, $4) RETURNING id`,
        [staff.id, npu, sentAt, recipients],
      );
      await t.sql('INSERT INTO message_engagement (message_id, ratings, score_sum, replies) VALUES ($1, $2, $3, $4)', [m.id, ratings, scoreSum, replies]);
    };
    await mk('BE', '2019-09-03T10:00:00Z', 10, 4, 22, 3);
    await mk('BE', '2019-09-30T23:30:00Z', 99, 9, 9, 9); // October in London
    await mk('BE', '2019-09-20T10:00:00Z', 20, 1, 5, 0);
    const res = await t.http().get('/api/v1/reports/messages?groupBy=npu&from=2019-09&to=2019-09').set(...analyst).expect(200);
    expect(res.body).toEqual([{ group: 'BE', groupName: 'Birmingham East', month: '2019-09', sent: 2, recipients: 30, averageRating: 5.4, ratings: 5, replies: 3 }]);
    const byAuthor = await t.http().get('/api/v1/reports/messages?groupBy=author&from=2019-10&to=2019-10').set(...ecoBE).expect(200);
    expect(byAuthor.body).toEqual([{ group: staff.id, groupName: 'eco BE', month: '2019-10', sent: 1, recipients: 99, averageRating: 1, ratings: 9, replies: 9 }]);
  });

  it('gives the same numbers as CSV', async () => {
    const json = await t.http().get('/api/v1/reports/signups?groupBy=npu&from=2019-08&to=2019-10').set(...analyst).expect(200);
    const csv = await t.http().get('/api/v1/reports/signups?groupBy=npu&from=2019-08&to=2019-10&format=csv&columns=keys').set(...analyst).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const parsed = parseCsv(csv.text);
    expect(parsed.header).toEqual(['group', 'month', 'newsignups', 'leavers', 'net', 'cumulative']);
    expect(parsed.records.map((r) => [r.values.group, r.values.month, Number(r.values.newsignups), Number(r.values.leavers), Number(r.values.net), Number(r.values.cumulative)])).toEqual(
      json.body.map((r: Record<string, unknown>) => [r.group, r.month, r.newSignups, r.leavers, r.net, r.cumulative]),
    );
    // For people (the default): the shared vocabulary's headings, the same cells, months in words.
    const human = await t.http().get('/api/v1/reports/signups?groupBy=npu&from=2019-08&to=2019-10&format=csv').set(...analyst).expect(200);
    expect(human.text.split('\r\n')[0]).toBe('Group,Month,New sign-ups,Leavers,Net change,Subscribers (running total)');
    const inWords: Record<string, string> = { '2019-08': 'August 2019', '2019-09': 'September 2019', '2019-10': 'October 2019' };
    expect(human.text.split('\r\n').slice(1)).toEqual(csv.text.split('\r\n').slice(1).map((l) => l.replace(/^([^,]*),(\d{4}-\d{2}),/, (_, g: string, m: string) => `${g},${inWords[m]},`)));
    expect(human.text).toContain(',August 2019,');
    await t.http().get('/api/v1/reports/signups?format=csv&columns=codes').set(...analyst).expect(400);
  });

  it('assembles the monthly SIM pack for one NPU, and as CSV', async () => {
    await t.http().put('/api/v1/funds/BE/2019-20').set(...(await loginAs(t, 'admin')).auth).send({ budgetPence: 10099600 }).expect(200);
    const res = await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-09').set(...analyst).expect(200);
    expect(res.body.npuCode).toBe('BE');
    expect(res.body.month).toBe('2019-09');
    expect(res.body.signups.growth).toHaveLength(12);
    expect(res.body.signups.growth.at(-1)).toEqual({ group: 'BE', month: '2019-09', newSignups: 2, leavers: 2, net: 0, cumulative: 2 });
    expect(res.body.reach.map((r: { wardCode: string }) => r.wardCode)).toEqual(['BE03', 'BE02', 'BE01']);
    // Every section as at the month's last day (issue 22).
    expect(res.body.asAt).toBe('2019-09-30');
    expect(res.body.acf).toEqual({
      financialYear: '2019-20',
      asAt: '2019-09-30',
      items: [
        {
          npuCode: 'BE', budgetPence: 10099600, allocatedPence: 0, spentPence: 0, outstandingPence: 10099600, percentSpent: 0, percentAllocated: 0,
          awaitingBids: 0, awaitingPence: 0, percentAllocatedIfApproved: 0,
        },
      ],
      byTheme: [],
    });
    // No schemes or cadets in this file's data (their exact NPU figures: report-rules.e2e-spec.ts).
    expect(res.body.schemes.totals).toEqual({ current: 0, members: 0, target: 0, required: 0, memberTarget: 0, membersRequired: 0 });
    expect(res.body.cadets).toEqual({ asAt: '2019-09-30', rows: [{ npuCode: 'BE', juniorPcsos: 0, cadets: 0, total: 0 }], totals: { juniorPcsos: 0, cadets: 0, total: 0 } });
    const own = await t.http().get('/api/v1/reports/sim?month=2019-09').set(...ecoBE).expect(200);
    expect(own.body.npuCode).toBe('BE');
    await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-09').set(...ecoSW).expect(403);
    const csv = await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-09&format=csv').set(...analyst).expect(200);
    const sections = new Set(parseCsv(csv.text).records.map((r) => r.values.section));
    // Every heading of every section is a heading of the shared vocabulary, never a field name.
    const headings = new Set<string>(Object.values(VOCABULARY.reportColumn).map((h) => h.toLowerCase()));
    expect(parseCsv(csv.text).header.filter((h) => !headings.has(h))).toEqual([]);
    // Sections are named in words too (each one the vocabulary's, none a humanised field path).
    expect([...sections]).toEqual(expect.arrayContaining(['Sign-ups by NPU', 'Sign-ups by ward', 'Reach', 'Representation', 'Sign-ups by source', 'ACF by NPU']));
    const sectionNames = new Set<string>(Object.values(VOCABULARY.reportSection));
    expect([...sections].filter((s) => !sectionNames.has(s))).toEqual([]);
    const forMachines = await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-09&format=csv&columns=keys').set(...analyst).expect(200);
    const keySections = new Set(parseCsv(forMachines.text).records.map((r) => r.values.section));
    expect([...keySections]).toEqual(expect.arrayContaining(['signups.growth', 'signups.byWard', 'reach', 'representation', 'attribution', 'acf.items']));
  });

  it('draws the growth and reach charts as SVG', async () => {
    const growth = await t.http().get('/api/v1/reports/charts/growth.svg?from=2019-08&to=2019-10').set(...analyst).expect(200);
    expect(growth.headers['content-type']).toContain('image/svg+xml');
    expect(String(growth.body).match(/<polyline/g)).toHaveLength(2);
    const reach = await t.http().get('/api/v1/reports/charts/reach.svg?npu=BE').set(...ecoBE).expect(200);
    expect(String(reach.body)).toContain('Acocks Green (BE)');
  });

  it('is for staff who read reports', async () => {
    const cadets = (await loginAs(t, 'cadet_leader', 'BE')).auth as Auth;
    await t.http().get('/api/v1/reports/reach').set(...cadets).expect(403);
    await t.http().get('/api/v1/reports/reach').expect(401);
  });
});
