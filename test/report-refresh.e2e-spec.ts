// Incremental report aggregates (issue 22): a refresh recomputes only the (ward, month) keys,
// wards and messages written since the last one, and gives exactly what a recompute from scratch gives.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { GeographyService } from '@beacon/geography';
import { ReportAggregatesService } from '@beacon/reports';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const GEO = [
  'npu_code,npu_name,neighbourhood,ward_code,ward_name,population',
  'BE,Birmingham East,Hodge Hill,BE01,Hodge Hill,1000',
  'BE,Birmingham East,Hodge Hill,BE02,Shard End,500',
  'SW,Sandwell,Oldbury,SW01,Oldbury,4000',
].join('\n');

describe('incremental refresh of the report aggregates', () => {
  const { t } = useSuite({});
  let analyst: Auth;
  let author: string;
  const ids: Record<string, string> = {};
  const refresh = (full = false) => t.app.get(ReportAggregatesService).refreshCounted({ full });

  const resident = async (key: string, ward: string, activatedAt: string, extra: { left?: string; ethnicity?: string } = {}) => {
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO resident (ward_code, status, activated_at, left_at, consent_at, ethnicity, email)
       VALUES ($1, CASE WHEN $3::timestamptz IS NULL THEN 'active' ELSE 'unsubscribed' END, $2, $3, now(), $4, 'x' || gen_random_uuid() || '@example.org') RETURNING id`,
      [ward, activatedAt, extra.left ?? null, extra.ethnicity ?? null],
    );
    ids[key] = r.id;
  };
  const stats = () =>
    Promise.all([
      t.sql(`SELECT ward_code, to_char(month, 'YYYY-MM') AS month, joined, "left" FROM resident_month_stats ORDER BY 1, 2`),
      t.sql(`SELECT ward_code, dimension, category, subscribers FROM resident_profile_stats ORDER BY 1, 2, 3`),
      t.sql(`SELECT message_id, ratings, score_sum::int AS score_sum, replies FROM message_engagement ORDER BY 1`),
    ]);

  beforeAll(async () => {
    await t.app.get(GeographyService).importCsv(GEO);
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    author = (await loginAs(t, 'eco', 'BE')).id;
    await resident('a', 'BE01', '2019-06-10T09:00:00Z', { ethnicity: 'white' });
    await resident('b', 'BE01', '2019-07-10T09:00:00Z', { ethnicity: 'asian' });
    await resident('c', 'BE02', '2019-07-20T09:00:00Z', { left: '2019-09-02T09:00:00Z' });
    await resident('d', 'SW01', '2019-08-01T09:00:00Z', { ethnicity: 'white' });
    await resident('e', 'SW01', '2019-09-05T09:00:00Z');
    for (const [key, sentAt] of [['m1', '2019-07-01T10:00:00Z'], ['m2', '2019-08-01T10:00:00Z']]) {
      const [m] = await t.sql<{ id: string }>(
        `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count)
         VALUES ($1, 'BE', 'T', 'B', 'other', '{email}', '{}', 'sent', $2, 5) RETURNING id`,
        [author, sentAt],
      );
      ids[key] = m.id;
    }
    await t.sql(`INSERT INTO rating (message_id, resident_id, score) VALUES ($1, $2, 6), ($1, $3, 4), ($4, $2, 5)`, [ids.m1, ids.a, ids.b, ids.m2]);
  });

  it('recomputes only the months, wards and messages changed since the last refresh, with the figures of a full recompute', async () => {
    const first = await refresh();
    expect(first).toMatchObject({ full: true, monthKeys: 6, messages: 2 });
    const [months] = await stats();
    expect(months).toEqual([
      { ward_code: 'BE01', month: '2019-06', joined: 1, left: 0 },
      { ward_code: 'BE01', month: '2019-07', joined: 1, left: 0 },
      { ward_code: 'BE02', month: '2019-07', joined: 1, left: 0 },
      { ward_code: 'BE02', month: '2019-09', joined: 0, left: 1 },
      { ward_code: 'SW01', month: '2019-08', joined: 1, left: 0 },
      { ward_code: 'SW01', month: '2019-09', joined: 1, left: 0 },
    ]);

    // Nothing written: nothing recomputed.
    expect(await refresh()).toEqual({ full: false, monthKeys: 0, wards: 0, messages: 0, changedMessages: 0 });

    // In August only: b (BE01) leaves, a new SW01 resident joins, and m2 gets one more rating.
    await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = '2019-08-15T09:00:00Z' WHERE id = $1`, [ids.b]);
    await resident('f', 'SW01', '2019-08-20T09:00:00Z', { ethnicity: 'black' });
    await t.sql(`INSERT INTO rating (message_id, resident_id, score) VALUES ($1, $2, 2)`, [ids.m2, ids.d]);

    // (BE01, Aug) and (SW01, Aug); the profiles of BE01 and SW01; one message.
    expect(await refresh()).toEqual({ full: false, monthKeys: 2, wards: 2, messages: 1, changedMessages: 1 });
    const incremental = await stats();
    expect(incremental[0]).toEqual([
      { ward_code: 'BE01', month: '2019-06', joined: 1, left: 0 },
      { ward_code: 'BE01', month: '2019-07', joined: 1, left: 0 },
      { ward_code: 'BE01', month: '2019-08', joined: 0, left: 1 },
      { ward_code: 'BE02', month: '2019-07', joined: 1, left: 0 },
      { ward_code: 'BE02', month: '2019-09', joined: 0, left: 1 },
      { ward_code: 'SW01', month: '2019-08', joined: 2, left: 0 },
      { ward_code: 'SW01', month: '2019-09', joined: 1, left: 0 },
    ]);
    expect(incremental[2]).toEqual([
      { message_id: ids.m1, ratings: 2, score_sum: 10, replies: 0 },
      { message_id: ids.m2, ratings: 2, score_sum: 7, replies: 0 },
    ].sort((x, y) => x.message_id.localeCompare(y.message_id)));

    // A recompute from scratch gives the same tables.
    expect(await refresh(true)).toMatchObject({ full: true, monthKeys: 7 });
    expect(await stats()).toEqual(incremental);
    const profile = incremental[1].filter((r) => r.dimension === 'ethnicity');
    expect(profile).toEqual([
      { ward_code: 'BE01', dimension: 'ethnicity', category: 'white', subscribers: 1 },
      { ward_code: 'SW01', dimension: 'ethnicity', category: 'black', subscribers: 1 },
      { ward_code: 'SW01', dimension: 'ethnicity', category: 'not_stated', subscribers: 1 },
      { ward_code: 'SW01', dimension: 'ethnicity', category: 'white', subscribers: 1 },
    ]);
  });

  it('moves a resident between wards and erases a rating: both the old and the new keys are recomputed', async () => {
    await refresh();
    // e moves SW01 → BE02 (joined September); a's rating of m1 is removed.
    await t.sql(`UPDATE resident SET ward_code = 'BE02' WHERE id = $1`, [ids.e]);
    await t.sql(`DELETE FROM rating WHERE message_id = $1 AND resident_id = $2`, [ids.m1, ids.a]);
    expect(await refresh()).toEqual({ full: false, monthKeys: 2, wards: 2, messages: 1, changedMessages: 1 });
    const incremental = await stats();
    expect(incremental[0].filter((r) => r.month === '2019-09')).toEqual([
      { ward_code: 'BE02', month: '2019-09', joined: 1, left: 1 },
      { ward_code: 'SW01', month: '2019-09', joined: 0, left: 0 },
    ].filter((r) => r.joined || r.left));
    expect(incremental[2].find((r) => r.message_id === ids.m1)).toEqual({ message_id: ids.m1, ratings: 1, score_sum: 4, replies: 0 });
    await refresh(true);
    expect(await stats()).toEqual(incremental);
  });

  it('the SIM pack and the report page say when the figures were last refreshed', async () => {
    const before = new Date();
    await refresh();
    const [row] = await t.sql<{ at: Date }>(`SELECT refreshed_at AS at FROM report_refresh WHERE name = 'resident_stats'`);
    expect(row.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const sim = await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-08').set(...analyst).expect(200);
    expect(sim.body.lastRefreshedAt).toBe(row.at.toISOString());
    const signups = await t.http().get('/api/v1/reports/signups?groupBy=force&from=2019-08&to=2019-08').set(...analyst).expect(200);
    expect(signups.body).toEqual([{ group: 'FORCE', month: '2019-08', newSignups: 2, leavers: 1, net: 1, cumulative: 4 }]);
  });
  it('CSV for people: no id column (the author\'s name instead), totals read "Total"; machines keep both', async () => {
    const [staff] = await t.sql<{ name: string }>(`SELECT name FROM staff WHERE id = $1`, [author]);
    const people = await t.http().get('/api/v1/reports/messages?groupBy=author&from=2019-07&to=2019-08&format=csv').set(...analyst).expect(200);
    expect(people.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(people.text.split('\r\n')[0]).not.toContain('Group,');
    expect(people.text).toContain(`${staff.name}`);
    const machines = await t.http().get('/api/v1/reports/messages?groupBy=author&from=2019-07&to=2019-08&format=csv&columns=keys').set(...analyst).expect(200);
    expect(machines.text.split('\r\n')[0]).toBe('group,groupName,month,sent,recipients,averageRating,ratings,replies');
    expect(machines.text).toContain(author);
    const cadets = await t.http().get('/api/v1/reports/cadets?format=csv').set(...analyst).expect(200);
    expect(cadets.text.split('\r\n').slice(-2)).toEqual(['Total,0,0,0', '']);
  });
});

describe('charts as at a period', () => {
  const { t } = useSuite({});
  let analyst: Auth;
  const join = (ward: string, at: string) =>
    t.sql(`INSERT INTO resident (ward_code, status, activated_at, consent_at, email) VALUES ($1, 'active', $2, now(), 'x' || gen_random_uuid() || '@example.org')`, [ward, at]);
  const get = (path: string) => t.http().get(path).set(...analyst).expect(200).then((r) => (Buffer.isBuffer(r.body) ? r.body.toString('utf8') : r.text));
  const refresh = () => t.app.get(ReportAggregatesService).refreshCounted();

  beforeAll(async () => {
    await t.app.get(GeographyService).importCsv(GEO);
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    await join('BE01', '2019-08-01T09:00:00Z');
    await join('BE01', '2019-09-03T09:00:00Z');
    await join('BE02', '2019-09-10T09:00:00Z');
    await join('SW01', '2019-09-14T22:30:00Z'); // 23:30 BST on 14 September
    await refresh();
  });

  it('draws the report figures for month, from/to and asAt, and the same SVG after later changes', async () => {
    const reach = await t.http().get('/api/v1/reports/reach?asAt=2019-09-14').set(...analyst).expect(200);
    // At the end of 14 September: BE01 2 of 1,000, BE02 1 of 500, SW01 1 of 4,000 (joined at 23:30 BST that day).
    expect(reach.body.map((r: { wardCode: string; subscribers: number; per1000: number }) => [r.wardCode, r.subscribers, r.per1000])).toEqual([
      ['SW01', 1, 0.3],
      ['BE01', 2, 2],
      ['BE02', 1, 2],
    ]);
    const growth = await t.http().get('/api/v1/reports/signups?groupBy=npu&from=2019-08&asAt=2019-09-12').set(...analyst).expect(200);
    expect(growth.body).toEqual([
      { group: 'BE', month: '2019-08', newSignups: 1, leavers: 0, net: 1, cumulative: 1 },
      { group: 'BE', month: '2019-09', newSignups: 2, leavers: 0, net: 2, cumulative: 3 },
      { group: 'SW', month: '2019-08', newSignups: 0, leavers: 0, net: 0, cumulative: 0 },
      { group: 'SW', month: '2019-09', newSignups: 0, leavers: 0, net: 0, cumulative: 0 },
    ]);
    const urls = [
      '/api/v1/reports/charts/reach.svg?asAt=2019-09-14',
      '/api/v1/reports/charts/reach.svg?month=2019-09',
      '/api/v1/reports/charts/growth.svg?from=2019-08&asAt=2019-09-12',
      '/api/v1/reports/charts/growth.svg?month=2019-09',
      '/api/v1/reports/charts/growth.svg?from=2019-08&to=2019-09',
    ];
    const before = await Promise.all(urls.map(get));
    // The bars are the report's figures.
    expect(before[0]).toContain('>0.3</text>');
    expect(before[0].indexOf('Oldbury')).toBeLessThan(before[0].indexOf('Hodge Hill'));

    // Later, after September: a sign-up and a leaver in October. Every chart is the same.
    await join('BE01', '2019-10-02T09:00:00Z');
    await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = '2019-10-05T09:00:00Z' WHERE ward_code = 'BE02'`);
    await refresh();
    expect(await Promise.all(urls.map(get))).toEqual(before);
    // After the as-at days but within September: the as-at charts stay, the month's move.
    await join('SW01', '2019-09-20T09:00:00Z');
    await refresh();
    const after = await Promise.all(urls.map(get));
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    for (const i of [1, 3, 4]) expect(after[i]).not.toBe(before[i]);

    await t.http().get('/api/v1/reports/charts/reach.svg?asAt=2999-01-01').set(...analyst).expect(400);
    await t.http().get('/api/v1/reports/charts/reach.svg?asAt=2019-02-30').set(...analyst).expect(400);
    await t.http().get('/api/v1/reports/charts/growth.svg?month=2019-09&to=2019-09').set(...analyst).expect(400);
  });
});
