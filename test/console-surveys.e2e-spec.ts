import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MessageLinksService } from '@beacon/messaging';
import { checkPage, consoleAgent, expectContains, hasChromium, signInPage, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import type { TestApp } from './utils/test-app';

// The console's survey pages and the census shares upload (issue 21): the rules over HTTP, a resident answering in Chromium at 375 px.
const PASSWORD = 'console-surveys-password';
let t: TestApp;
let base: string;

beforeAll(async () => {
  ({ t, base } = await startConsoleApp({
    name: 'console-surveys',
    domain: 'surveys.test',
    password: PASSWORD,
    staff: [
      ['admin', 'Adam Admin', 'admin', null],
      ['ecoBE', 'Erin Eco', 'eco', 'BE'],
      ['ecoSW', 'Sam Eco', 'eco', 'SW'],
      ['analystBE', 'Ana Analyst', 'analyst', 'BE'],
    ],
  }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const signIn = (key: string) => consoleAgent(t, `${key}@surveys.test`, PASSWORD);
const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const link = (surveyId: string, residentId: string) => t.app.get(MessageLinksService).surveyUrl(surveyId, residentId).replace(base, '');
/** The page's words without markup: what the checks on counts read. */
const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ');

const CREATE = {
  title: 'Your views on policing in Hodge Hill',
  intro: 'Five minutes of your time helps us plan.',
  templates: 'confidence',
  'q1-text': 'Which worry you most?',
  'q1-kind': 'single_choice',
  'q1-options': 'Burglary\nSpeeding\nAnti-social behaviour',
  'q2-text': '',
  'q2-kind': '',
  'q2-options': '',
};

describe('console surveys: the rules over HTTP', () => {
  let surveyId: string;

  it('lists surveys under a Surveys navigation entry; a form post without the CSRF token is a 403 and writes nothing', async () => {
    const { agent } = await signIn('ecoBE');
    const list = await agent.get('/console/surveys').expect(200);
    expect(list.text).toContain('href="/console/surveys"');
    expect(list.text).toContain('Create a survey');
    const form = await agent.get('/console/surveys/new');
    expect([form.status, form.text.includes('The public-confidence questions')]).toEqual([200, true]);
    await agent.post('/console/surveys').type('form').send(CREATE).expect(403);
    expect(await count('survey')).toBe(0);
  });

  it('bad input: an error summary naming each problem, what was typed kept, nothing written', async () => {
    const { agent, csrf } = await signIn('ecoBE');
    const res = await agent.post('/console/surveys').type('form').send({ csrfToken: csrf, title: '', 'q1-text': 'Pick one', 'q1-kind': 'single_choice', 'q1-options': 'Only one' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('Enter a title');
    expect(res.text).toContain('Give question 1 at least 2 answers to choose from, one a line');
    expect(res.text).toContain('Pick one');
    const none = await agent.post('/console/surveys').type('form').send({ csrfToken: csrf, title: 'Empty' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Add the confidence questions or a question of your own');
    expect(await count('survey')).toBe(0);
  });

  it('creates from the confidence template and custom questions (post/redirect/get), opens it, and an analyst cannot', async () => {
    const { agent, csrf } = await signIn('ecoBE');
    const res = await agent.post('/console/surveys').type('form').send({ ...CREATE, csrfToken: csrf }).expect(303);
    const m = /^\/console\/surveys\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.location);
    expect(m).not.toBeNull();
    surveyId = m![1];
    const page = await agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('The survey is saved as a draft');
    expect(page.text).toContain('Taking everything into account, how confident are you in the police in this area?');
    expect(page.text).toContain('Anti-social behaviour');
    expect(words(page.text)).toContain('Draft');
    const questions = await t.sql<{ kind: string; options: { value: string; label: string }[] }>(`SELECT kind, options FROM survey_question WHERE survey_id = $1 ORDER BY position`, [surveyId]);
    expect(questions.map((q) => q.kind)).toEqual(['single_choice', 'likert', 'likert', 'likert', 'likert', 'single_choice']);
    expect(questions[5].options.map((o) => o.label)).toEqual(['Burglary', 'Speeding', 'Anti-social behaviour']);

    const analyst = await signIn('analystBE');
    await analyst.agent.post(`/console/surveys/${surveyId}/open`).type('form').send({ csrfToken: analyst.csrf }).expect(403);
    await agent.post(`/console/surveys/${surveyId}/open`).type('form').send({ csrfToken: csrf }).expect(303).expect('Location', `/console/surveys/${surveyId}?done=opened`);
    const opened = await agent.get(`/console/surveys/${surveyId}?done=opened`).expect(200);
    expect(opened.text).toContain('The survey is open');
    expect((await t.sql(`SELECT status FROM survey WHERE id = $1`, [surveyId]))[0]).toEqual({ status: 'open' });
    const again = await agent.post(`/console/surveys/${surveyId}/open`).type('form').send({ csrfToken: csrf });
    expect(again.status).toBe(409);
    expect(again.text).toContain('There is a problem');
  });

  it('staff of another NPU get 403 on the page, its results and its CSV', async () => {
    const { agent } = await signIn('ecoSW');
    await agent.get(`/console/surveys/${surveyId}`).expect(403);
    await agent.get(`/console/surveys/${surveyId}/results.csv`).expect(403);
    const list = await agent.get('/console/surveys').expect(200);
    expect(list.text).not.toContain(surveyId);
  });

  it('results: counts, percentages and the weighted figure with its base; small groups suppressed; a CSV link; close', async () => {
    // Census shares by the admin's upload page: a bad file changes nothing, a good one is loaded.
    const admin = await signIn('admin');
    const form = await admin.agent.get('/console/population-shares').expect(200);
    expect(form.text).toContain('Census population shares');
    const bad = await admin.agent.post('/console/population-shares').type('form').send({ csrfToken: admin.csrf, csv: 'area_code,dimension,category,share_percent\nBE01,age_band,16-24,101' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toContain('share_percent must be a number from 0 to 100');
    expect(await count('population_share')).toBe(0);
    const csv = ['area_code,dimension,category,share_percent', 'BE01,age_band,16-24,25', 'BE01,age_band,65-74,75', 'BE01,ethnicity,asian,40', 'BE01,ethnicity,white,60'].join('\n');
    await admin.agent.post('/console/population-shares').type('form').send({ csrfToken: admin.csrf, csv }).expect(303).expect('Location', '/console/population-shares?done=loaded');
    expect(await count('population_share')).toBe(4);
    const eco = await signIn('ecoBE');
    await eco.agent.get('/console/population-shares').expect(403);

    const confidence = (await t.sql<{ id: string }>(`SELECT id FROM survey_question WHERE survey_id = $1 AND position = 1`, [surveyId]))[0].id;
    // 40 in BE01 (10 per age × ethnicity cell; confident 8, 5, 2, 6 of 10), 3 in BE02 (a small group).
    const cells: [string, string, string, number][] = [['BE01', '16-24', 'asian', 8], ['BE01', '16-24', 'white', 5], ['BE01', '65-74', 'asian', 2], ['BE01', '65-74', 'white', 6], ['BE02', '16-24', 'white', 3]];
    for (const [ward, age, eth, confident] of cells) {
      for (let i = 0; i < (ward === 'BE02' ? 3 : 10); i++) {
        const r = await makeResident(t, { ward });
        await t.sql('UPDATE resident SET age_band = $2, ethnicity = $3 WHERE id = $1', [r.id, age, eth]);
        await t.sql('DELETE FROM rate_limit_bucket');
        await t.http().post(link(surveyId, r.id)).set('Accept', 'application/json').send({ answers: { [confidence]: i < confident ? 'very_confident' : 'not_very_confident' } }).expect(200);
      }
    }
    const page = await eco.agent.get(`/console/surveys/${surveyId}/results?ward=BE01`).expect(200);
    const text = words(page.text);
    // Unweighted: very confident 21 of 40 = 52.5 %; weighted by hand (as in surveys.e2e-spec): 48.5 %, on 40 respondents.
    expect(text).toContain('Very confident 21 52.5% 48.5%');
    expect(text).toContain('Not very confident 19 47.5% 51.5%');
    expect(text).toContain('Weighted to the population on 40 respondents');
    const all = words((await eco.agent.get(`/console/surveys/${surveyId}/results`).expect(200)).text);
    expect(all).toContain('43 respondents');
    // BE02's 3 respondents are not shown (and BE01 beside it would give them away, so it is hidden too).
    expect(all).toContain('Hodge Hill Not shown');
    expect(all).toContain('Shard End Not shown');
    expect(page.text).toContain(`href="/console/surveys/${surveyId}/results.csv?ward=BE01"`);
    const file = await eco.agent.get(`/console/surveys/${surveyId}/results.csv?ward=BE01`).expect(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.text.split('\n')[0]).toContain('question,section,group,option,count,percent');
    expect(file.text).toContain('Very confident,21,52.5,48.5,40');

    await eco.agent.post(`/console/surveys/${surveyId}/close`).type('form').send({ csrfToken: eco.csrf }).expect(303).expect('Location', `/console/surveys/${surveyId}?done=closed`);
    expect((await t.sql(`SELECT status FROM survey WHERE id = $1`, [surveyId]))[0]).toEqual({ status: 'closed' });
  });
});

describe('console surveys in Chromium', () => {
  const b = useConsoleBrowser();

  it('a resident answers a survey on a 375 px screen (nothing wider than the screen, then saved); the staff pages pass axe with no raw code', async () => {
    if (!hasChromium) return;
    const { page } = b;
    await signInPage(page, base, 'ecoBE@surveys.test', PASSWORD);
    await page.goto(`${base}/console/surveys`);
    await checkPage(b, 'surveys');
    await page.click('[data-action="new-survey"]');
    await checkPage(b, 'survey-new');
    await page.fill('#title', 'Speeding on your street');
    await page.check('#templates');
    await page.fill('#q1-text', 'How often do you see speeding?');
    await page.selectOption('#q1-kind', 'scale_5');
    await page.click('[data-action="create-survey"]');
    await expectContains(page, '.govuk-notification-banner', 'saved as a draft');
    await checkPage(b, 'survey');
    await page.click('[data-action="open-survey"]');
    await expectContains(page, '.govuk-notification-banner', 'The survey is open');
    const id = /\/console\/surveys\/([0-9a-f-]{36})/.exec(page.url())![1];
    await page.goto(`${base}/console/surveys/${id}/results`);
    await checkPage(b, 'survey-results');

    const r = await makeResident(t, { ward: 'BE01' });
    await t.sql('DELETE FROM rate_limit_bucket');
    const resident = await (await b.browser.newContext({ viewport: { width: 375, height: 800 } })).newPage();
    await resident.goto(`${base}${link(id, r.id)}`);
    // Nothing wider than the phone's screen (checkPage leaves the page at desktop width, so measure first).
    expect(await resident.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await checkPage(resident, 'survey-answer', [375]);
    await resident.setViewportSize({ width: 375, height: 800 });
    await resident.check('input[value="very_confident"]');
    await resident.check('input[name^="q-"][value="4"]');
    await resident.click('button.govuk-button');
    await resident.waitForURL(/\/done$/);
    await checkPage(resident, 'survey-answered', [375]);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM survey_response WHERE survey_id = $1 AND resident_id = $2`, [id, r.id]);
    expect(n).toBe(1);
    await resident.context().close();
    expect(b.problems).toEqual([]);
  }, 180_000);
});

