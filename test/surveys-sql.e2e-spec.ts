import { beforeAll, describe, expect, it } from '@jest/globals';
import { StaffService } from '@beacon/auth';
import { MessageLinksService } from '@beacon/messaging';
import type { GroupResult, QuestionResult } from '@beacon/surveys';
import { monthName } from '@beacon/web';
import { ResultsRepository } from '../libs/surveys/src/results.repository';
import { consoleAgent } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

/**
 * Issue 21: results come from one set-based query over the maintained counters (not rows
 * grouped in JavaScript), with the same exact figures; the SIM pack shows the monthly
 * confidence figure and its trend for the NPU and the force.
 */

interface Figure {
  month: string;
  areaCode: string;
  base: number | null;
  suppressed: boolean;
  confidentPercent: number | null;
  weightedConfidentPercent: number | null;
}

const CONFIDENT = 'very_confident';
/** YYYY-MM plus n months. */
const addMonths = (m: string, n: number) => {
  const [y, mo] = m.split('-').map(Number);
  const i = y * 12 + mo - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};
const NOT = 'not_very_confident';

describe('surveys: results in SQL, the SIM confidence trend', () => {
  const { t } = useSuite({ geography: true });
  let admin: Auth;
  let admin2: Auth;
  let ecoSW: Auth;

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth;
    admin2 = (await loginAs(t, 'admin')).auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth;
  });

  const link = (surveyId: string, residentId: string) => t.app.get(MessageLinksService).surveyUrl(surveyId, residentId).replace('http://beacon.test', '');

  /** A force-wide survey (created by one admin, opened by another) with the confidence questions. */
  async function forceSurvey(title: string): Promise<{ id: string; confidence: string }> {
    const created = await t.http().post('/api/v1/surveys').set(...admin).send({ title, templates: ['confidence'] }).expect(201);
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...admin2).expect(200, { status: 'open' });
    return { id: created.body.id as string, confidence: (created.body.questions as { id: string }[])[0].id };
  }
  async function respond(survey: { id: string; confidence: string }, ward: string, ageBand: string | null, ethnicity: string | null, confident: boolean) {
    const r = await makeResident(t, { ward });
    await t.sql('UPDATE resident SET age_band = $2, ethnicity = $3 WHERE id = $1', [r.id, ageBand, ethnicity]);
    await t.sql('DELETE FROM rate_limit_bucket');
    const res = await t.http().post(link(survey.id, r.id)).set('Accept', 'application/json').send({ answers: { [survey.confidence]: confident ? CONFIDENT : NOT } });
    expect(res.status).toBe(200);
  }
  async function loadShares(lines: string[]) {
    await t.http().post('/api/v1/population-shares').set(...admin).set('Content-Type', 'text/csv').send(['area_code,dimension,category,share_percent', ...lines].join('\n')).expect(200);
  }

  it('one set-based query over the counters: grouped rows and results with exact counts, percentages and a hand-computed weighted figure', async () => {
    await loadShares(['FORCE,age_band,16-24,25', 'FORCE,age_band,65-74,75', 'FORCE,ethnicity,asian,40', 'FORCE,ethnicity,white,60']);
    const survey = await forceSurvey('Force confidence');
    // Cells (age band, ethnicity, respondents, confident); respondent i answers in BE01 when i is even, SW01 when odd, confident when i < confident.
    const cells: [string | null, string, number, number][] = [['16-24', 'asian', 6, 3], ['16-24', 'white', 9, 6], ['65-74', 'asian', 4, 1], ['65-74', 'white', 6, 3], [null, 'white', 2, 2]];
    for (const [age, eth, n, confident] of cells) {
      for (let i = 0; i < n; i++) await respond(survey, i % 2 ? 'SW01' : 'BE01', age, eth, i < confident);
    }

    // The repository's aggregate: per question × option × source, one row per (NPU, ward) and one per (age band, ethnicity) cell.
    const rows = await t.app.get(ResultsRepository).aggregate([survey.confidence], {});
    const pick = (byCell: boolean) =>
      rows
        .filter((r) => r.byCell === byCell && r.source === 'resident')
        .map((r) => (byCell ? [r.ageBand, r.ethnicity, r.option, r.respondents] : [r.npuCode, r.wardCode, r.option, r.respondents]).join(' '))
        .sort();
    expect(pick(false)).toEqual(['BE BE01 * 14', 'BE BE01 not_very_confident 5', 'BE BE01 very_confident 9', 'SW SW01 * 13', 'SW SW01 not_very_confident 7', 'SW SW01 very_confident 6']);
    expect(pick(true)).toEqual([
      '16-24 asian * 6', '16-24 asian not_very_confident 3', '16-24 asian very_confident 3',
      '16-24 white * 9', '16-24 white not_very_confident 3', '16-24 white very_confident 6',
      '65-74 asian * 4', '65-74 asian not_very_confident 3', '65-74 asian very_confident 1',
      '65-74 white * 6', '65-74 white not_very_confident 3', '65-74 white very_confident 3',
      'not_stated white * 2', 'not_stated white very_confident 2',
    ]);
    expect(rows.filter((r) => r.source !== 'resident')).toEqual([]);

    const res = await t.http().get(`/api/v1/surveys/${survey.id}/results?weighted=true`).set(...admin).expect(200);
    const c = (res.body.questions as QuestionResult[])[0];
    expect(c.base).toBe(27);
    expect(c.options.map((o) => [o.value, o.count, o.percent, o.weightedPercent])).toEqual([
      // By hand: the sample's cells are 16-24 / 65-74 = 15 / 10 and asian / white 10 / 15 in proportion, so raking gives
      // cell weights .25×.40, .25×.60, .75×.40, .75×.60: .1×3/6 + .15×6/9 + .3×1/4 + .45×3/6 = .05 + .1 + .075 + .225 = 45 %
      ['very_confident', 15, 55.6, 45],
      ['fairly_confident', 0, 0, 0],
      ['not_very_confident', 12, 44.4, 55],
      ['not_at_all_confident', 0, 0, 0],
    ]);
    expect(c.weighting).toEqual({ method: 'raking', areas: { age_band: 'FORCE', ethnicity: 'FORCE' }, unweightedBase: 25 });
    const groups = (g: GroupResult[]) => g.map((x) => [x.group, x.base, ...x.options.map((o) => o.count)]);
    expect(groups(c.breakdowns.npu)).toEqual([['BE', 14, 9, 0, 5, 0], ['SW', 13, 6, 0, 7, 0]]);
    expect(groups(c.breakdowns.ward)).toEqual([['BE01', 14, 9, 0, 5, 0], ['SW01', 13, 6, 0, 7, 0]]);
    // not_stated (2) is under 10, so the next smallest (65-74, 10) is hidden too.
    expect(groups(c.breakdowns.ageBand)).toEqual([['16-24', 15, 9, 0, 6, 0], ['65-74', null, null, null, null, null], ['not_stated', null, null, null, null, null]]);
    expect(groups(c.breakdowns.ethnicity)).toEqual([['asian', 10, 4, 0, 6, 0], ['white', 17, 11, 0, 6, 0]]);

    // NPU staff see their NPU's respondents of the force-wide survey, weighted likewise.
    const sw = (await t.http().get(`/api/v1/surveys/${survey.id}/results?weighted=true`).set(...ecoSW).expect(200)).body.questions[0] as QuestionResult;
    expect([sw.base, sw.options[0].count, sw.options[0].percent]).toEqual([13, 6, 46.2]);
    const swRows = await t.app.get(ResultsRepository).aggregate([survey.confidence], { npuCode: 'SW' });
    expect(swRows.filter((r) => !r.byCell && r.option === '*').map((r) => [r.npuCode, r.respondents])).toEqual([['SW', 13]]);
  });

  it('the SIM pack: the confidence figure per month for the NPU and the force over the 12 months to the month, weighted; the console shows it', async () => {
    await loadShares(['SW,age_band,16-24,40', 'SW,age_band,65-74,60']);
    // Months relative to today (London), so the fixture is always in the console's list and the window: the pack's month
    // is three months ago; an SW survey two months before it, none in the month between, a force-wide one in it.
    const month = addMonths(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7), -3);
    const [first, between] = [addMonths(month, -2), addMonths(month, -1)];
    const january = await t.http().post('/api/v1/surveys').set(...ecoSW).send({ title: 'SW early', templates: ['confidence'] }).expect(201);
    await t.http().post(`/api/v1/surveys/${january.body.id}/open`).set(...ecoSW).expect(200);
    const jan = { id: january.body.id as string, confidence: (january.body.questions as { id: string }[])[0].id };
    for (let i = 0; i < 6; i++) await respond(jan, 'SW01', '16-24', 'white', i < 5);
    for (let i = 0; i < 4; i++) await respond(jan, 'SW01', '65-74', 'white', i < 1);
    const mar = await forceSurvey('Force later');
    for (let i = 0; i < 5; i++) await respond(mar, 'SW01', '16-24', 'white', true);
    for (let i = 0; i < 5; i++) await respond(mar, 'SW01', '65-74', 'white', false);
    for (let i = 0; i < 10; i++) await respond(mar, 'BE01', '16-24', 'white', i < 7);
    for (const id of [jan.id, mar.id]) await t.http().post(`/api/v1/surveys/${id}/close`).set(...admin).expect(200);
    // The dates they were open (UTC times well inside the London month either side of the clock change).
    await t.sql(`UPDATE survey SET opened_at = $2, closed_at = $3, closes_at = NULL WHERE id = $1`, [jan.id, `${first}-05T09:00:00Z`, `${first}-25T17:00:00Z`]);
    await t.sql(`UPDATE survey SET opened_at = $2, closed_at = $3, closes_at = NULL WHERE id = $1`, [mar.id, `${month}-01T09:00:00Z`, `${month}-28T12:00:00Z`]);
    // The first test's survey opened today, after the pack's month.

    const sim = await t.http().get(`/api/v1/reports/sim?npu=SW&month=${month}`).set(...ecoSW).expect(200);
    // The month's figure: SW's 10 respondents of the force-wide survey, 5 confident; weighted .4×5/5 + .6×0/5 = 40 %.
    expect(sim.body.confidence).toEqual(expect.objectContaining({ month, areaCode: 'SW', base: 10, suppressed: false, confidentPercent: 50, weightedConfidentPercent: 40 }));
    const trend = sim.body.confidenceTrend as { areaCode: string; months: Figure[] };
    expect([trend.areaCode, trend.months.length, trend.months[0].month, trend.months[11].month]).toEqual(['SW', 12, addMonths(month, -11), month]);
    const figures = (s: { months: Figure[] }) => s.months.map((m) => [m.month, m.base, m.confidentPercent, m.weightedConfidentPercent]);
    const none = Array.from({ length: 9 }, (_, k) => [addMonths(month, k - 11), null, null, null]);
    // SW, weighted to SW's shares (16-24 40 %, 65-74 60 %): the first month .4×5/6 + .6×1/4 = 48.3 %.
    expect(figures(trend)).toEqual([...none, [first, 10, 60, 48.3], [between, null, null, null], [month, 10, 50, 40]]);
    expect(trend.months.filter((m) => m.suppressed).length).toBe(10);

    // The force's pack: every survey, every respondent. The ethnicity margin is FORCE's from the first test (40 % asian), but
    // every respondent here is white, so the target renormalises to white = 100 % and only the FORCE age margin (25 / 75)
    // moves the figure: the first month .25×5/6 + .75×1/4 = 39.6 %; the pack's month 16-24: 12 of 15, 65-74: 0 of 5 → .25×.8 = 20 %.
    const force = await t.http().get(`/api/v1/reports/sim?month=${month}`).set(...admin).expect(200);
    expect(force.body.confidence).toEqual(expect.objectContaining({ areaCode: 'FORCE', base: 20, confidentPercent: 60, weightedConfidentPercent: 20 }));
    const forceTrend = force.body.confidenceTrend as { areaCode: string; months: Figure[] };
    expect(forceTrend.areaCode).toBe('FORCE');
    expect(figures(forceTrend)).toEqual([...none, [first, 10, 60, 39.6], [between, null, null, null], [month, 20, 60, 20]]);
    expect(forceTrend.months.every((m) => m.areaCode === 'FORCE')).toBe(true);
    // The API's CSV carries the trend rows (section codes with columns=keys; in words: "Public confidence by month").
    const csv = await t.http().get(`/api/v1/reports/sim?npu=SW&month=${month}&format=csv&columns=keys`).set(...ecoSW).expect(200);
    expect(csv.text.split('\n').filter((l) => l.startsWith('confidenceTrend') && l.includes(first))).toHaveLength(1);

    // The console's SIM page: the trend table (labels, not codes) and its CSV, for the NPU and for the force.
    const trendLines = async (key: string, role: 'eco' | 'analyst', npuCode: string | null, query: string) => {
      await t.app.get(StaffService).create({ email: `${key}@trend.test`, name: key, password: 'trend-password-123', role, npuCode });
      const { agent } = await consoleAgent(t, `${key}@trend.test`, 'trend-password-123');
      const page = await agent.get(`/console/reports?${query}`).expect(200);
      expect(page.text).toContain('Confidence in the police over 12 months');
      const lines = (await agent.get(`/console/reports/confidence-trend/csv?${query}`).expect(200)).text.trim().split(/\r?\n/);
      expect(lines).toHaveLength(13);
      return lines.filter((l) => l.includes(monthName(first)) || l.includes(monthName(month)));
    };
    expect(await trendLines('eco.sw', 'eco', 'SW', `area=SW&month=${month}`)).toEqual([`${monthName(first)},Sandwell,10,60,48.3`, `${monthName(month)},Sandwell,10,50,40`]);
    expect(await trendLines('analyst', 'analyst', null, `area=FORCE&month=${month}`)).toEqual([`${monthName(first)},Whole force,10,60,39.6`, `${monthName(month)},Whole force,20,60,20`]);
  });
});
