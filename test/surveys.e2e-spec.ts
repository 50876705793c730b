import { beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, QUEUE_POLICIES } from '@beacon/core';
import { MessageLinksService } from '@beacon/messaging';
import type { QuestionResult } from '@beacon/surveys';
import { makeResident } from './utils/factories';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import { residentAuth, type Auth } from './utils/world';

/** Issue 21: surveys sent as messages, answered once per resident, counted in maintained aggregates. */

interface Question {
  id: string;
  kind: string;
  templateKey: string | null;
  options: { value: string }[];
}
interface Survey {
  id: string;
  status: string;
  publicUrl: string | null;
  questions: Question[];
}

const counts = (q: QuestionResult) => Object.fromEntries(q.options.map((o) => [o.value, o.count]));
const percents = (q: QuestionResult) => Object.fromEntries(q.options.map((o) => [o.value, o.percent]));

describe('surveys', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let ecoBE: Auth;
  let leadBE: Auth;
  let ecoSW: Auth;
  let admin: Auth;

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth;
    leadBE = (await loginAs(t, 'npu_lead', 'BE')).auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth;
    admin = (await loginAs(t, 'admin')).auth;
  });

  const link = (surveyId: string, residentId: string) => t.app.get(MessageLinksService).surveyUrl(surveyId, residentId).replace('http://beacon.test', '');
  const tallies = () => t.sql<{ question_id: string; option: string; ward_code: string; respondents: number }>('SELECT question_id, option, ward_code, respondents FROM survey_tally ORDER BY 1, 2, 3');

  async function createOpen(auth: Auth, body: Record<string, unknown>): Promise<Survey> {
    const created = await t.http().post('/api/v1/surveys').set(...auth).send(body).expect(201);
    expect(created.body.status).toBe('draft');
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...auth).expect(200, { status: 'open' });
    return created.body as Survey;
  }
  async function answer(url: string, answers: Record<string, unknown>, status = 200) {
    // Many respondents from one test address: start each answer with fresh rate-limit windows.
    await t.sql('DELETE FROM rate_limit_bucket');
    const res = await t.http().post(url).set('Accept', 'application/json').send({ answers });
    expect({ status: res.status, body: res.body }).toEqual(expect.objectContaining({ status }));
    return res;
  }
  async function results(id: string, query = '', auth: Auth = ecoBE): Promise<QuestionResult[]> {
    const res = await t.http().get(`/api/v1/surveys/${id}/results${query}`).set(...auth).expect(200);
    return res.body.questions as QuestionResult[];
  }

  describe('create → send as a message → answer by e-mail and SMS link → change → close → results', () => {
    let survey: Survey;
    let confidence: Question;
    let multi: Question;
    let scale: Question;
    let text: Question;

    it('creates a survey with the confidence template and its own questions, and opens it', async () => {
      survey = await createOpen(ecoBE, {
        title: 'Your views on policing in Hodge Hill',
        intro: 'Five minutes of your time helps us plan.',
        templates: ['confidence'],
        questions: [
          { kind: 'multiple_choice', text: 'Which worry you?', options: [{ value: 'burglary', label: 'Burglary' }, { value: 'speeding', label: 'Speeding' }, { value: 'asb', label: 'Anti-social behaviour' }] },
          { kind: 'scale_10', text: 'How safe do you feel after dark?', required: true },
          { kind: 'free_text', text: 'Anything else?', maxLength: 50 },
        ],
      });
      expect(survey.questions.map((q) => q.kind)).toEqual(['single_choice', 'likert', 'likert', 'likert', 'likert', 'multiple_choice', 'scale_10', 'free_text']);
      [confidence, , , , , multi, scale, text] = survey.questions;
      expect(confidence.templateKey).toBe('confidence');
      expect(scale.options).toHaveLength(10);
    });

    it('bad survey definitions are 400 and write nothing', async () => {
      const before = await t.sql('SELECT count(*)::int AS n FROM survey');
      for (const body of [
        { title: 'x', questions: [] },
        { title: 'x', questions: [{ kind: 'single_choice', text: 'One option?', options: [{ value: 'a', label: 'A' }] }] },
        { title: 'x', questions: [{ kind: 'scale_5', text: 'Own options?', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }] },
        { title: 'x', questions: [{ kind: 'emoji', text: 'What?' }] },
        { title: 'x', templates: ['confidence'], closesAt: '2001-01-01T00:00:00Z' },
      ]) {
        const res = await t.http().post('/api/v1/surveys').set(...ecoBE).send(body);
        expect({ body: JSON.stringify(body).slice(0, 60), status: res.status, statusCode: res.body.statusCode }).toEqual({ body: JSON.stringify(body).slice(0, 60), status: 400, statusCode: 400 });
      }
      expect(await t.sql('SELECT count(*)::int AS n FROM survey')).toEqual(before);
    });

    it('goes out as a message: the e-mail and the SMS each carry the recipient’s own survey link', async () => {
      const byEmail = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const bySms = await makeResident(t, { ward: 'BE01', channels: ['sms'] });
      const msg = await t
        .http()
        .post(`/api/v1/surveys/${survey.id}/messages`)
        .set(...ecoBE)
        .send({ title: 'Tell us what you think', body: 'Our survey is open.', category: 'community_update', channels: ['email', 'sms'], audience: { wardCodes: ['BE01'] } })
        .expect(201);
      expect(msg.body.surveyId).toBe(survey.id);
      const preview = await t.http().get(`/api/v1/messages/${msg.body.id}/preview`).set(...ecoBE).expect(200);
      expect(preview.body.email.text).toContain('Take the survey: http://beacon.test/s/');
      expect(preview.body.sms.body).toContain('Survey: http://beacon.test/s/');
      await t.http().post(`/api/v1/messages/${msg.body.id}/send`).set(...ecoBE).expect(202);

      await waitUntil(() => smtp.messages.some((m) => m.to.includes(byEmail.email!)), 20_000, 'survey e-mail');
      const mail = smtp.messages.find((m) => m.to.includes(byEmail.email!))!;
      const emailLink = /Take the survey: http:\/\/beacon\.test(\/s\/\S+)/.exec(mail.parsed.text ?? '')![1];
      expect(typeof mail.parsed.html === 'string' && mail.parsed.html).toContain(`href="http://beacon.test${emailLink}"`);
      // The token's subject (survey + resident) is the recipient's; only the expiry second may differ.
      expect(emailLink.split('.')[0]).toBe(link(survey.id, byEmail.id).split('.')[0]);

      await waitUntil(() => stub.messages.some((m) => m.to === bySms.phone), 20_000, 'survey SMS');
      const sms = stub.messages.find((m) => m.to === bySms.phone)!;
      const smsLink = /Survey: http:\/\/beacon\.test(\/s\/\S+)/.exec(sms.body)![1];
      expect(smsLink.split('.')[0]).toBe(link(survey.id, bySms.id).split('.')[0]);
      expect(smsLink.split('.')[0]).not.toBe(emailLink.split('.')[0]);

      // The e-mail link: a GOV.UK-style page, strict CSP, answered by form (post/redirect/get).
      const page = await t.http().get(emailLink).expect(200);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(page.text).toContain('Taking everything into account, how confident are you in the police in this area?');
      const posted = await t
        .http()
        .post(emailLink)
        .type('form')
        .send(new URLSearchParams([[`q-${confidence.id}`, 'very_confident'], [`q-${multi.id}`, 'burglary'], [`q-${multi.id}`, 'asb'], [`q-${scale.id}`, '7'], [`q-${text.id}`, 'Call me on 07911 123456 or pat@example.org']]).toString())
        .expect(303);
      expect(posted.headers.location).toBe(`${emailLink}/done`);
      expect((await t.http().get(posted.headers.location).expect(200)).text).toContain('Thank you');
      const again = await t.http().get(emailLink).expect(200);
      expect(again.text).toContain('You have answered this survey');
      expect(again.text).toMatch(/value="very_confident" checked/);

      // The SMS link, answered as JSON.
      await answer(smsLink, { [confidence.id]: 'fairly_confident', [multi.id]: ['speeding'], [scale.id]: 4 });
      expect(await t.sql('SELECT count(*)::int AS n FROM survey_response WHERE survey_id = $1', [survey.id])).toEqual([{ n: 2 }]);
    });

    it('answers that do not fit are refused (400 on the API, an error summary on the page) and nothing is saved', async () => {
      const r = await makeResident(t, { ward: 'BE02' });
      const url = link(survey.id, r.id);
      const before = await tallies();
      for (const bad of [
        { [confidence.id]: 'somewhat', [scale.id]: '5' }, // no such option
        { [scale.id]: '11' }, // off the scale
        { [scale.id]: 0 },
        { [scale.id]: '5', [text.id]: 'x'.repeat(51) }, // over the limit
        { [scale.id]: '5', [multi.id]: ['burglary', 'burglary'] },
        { [confidence.id]: 'very_confident' }, // required question missing
        { [scale.id]: '5', '00000000-0000-0000-0000-000000000000': 'x' }, // not a question of the survey
      ]) {
        const res = await t.http().post(url).set('Accept', 'application/json').send({ answers: bad });
        expect({ bad, status: res.status, error: res.body.error }).toEqual({ bad, status: 400, error: 'Bad Request' });
        expect(typeof res.body.message).toBe('string');
      }
      const page = await t.http().post(url).type('form').send(new URLSearchParams([[`q-${scale.id}`, '11'], [`q-${text.id}`, 'y'.repeat(51)]]).toString()).expect(400);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('There is a problem');
      expect(page.text).toContain(`href="#q-${scale.id}">Choose a number from 1 to 10`);
      expect(page.text).toContain(`href="#q-${text.id}">Your answer must be 50 characters or fewer`);
      expect(page.text).toContain('y'.repeat(51)); // what was typed is kept
      expect(await tallies()).toEqual(before);
      expect(await t.sql('SELECT count(*)::int AS n FROM survey_response WHERE resident_id = $1', [r.id])).toEqual([{ n: 0 }]);
      // A tampered link.
      const tampered = await t.http().get(`${url.slice(0, -2)}xx`);
      expect(tampered.status).toBe(400);
    });

    it('results: exact counts and percentages; a changed answer moves the counters', async () => {
      // Ten more respondents in BE02 so no total is under the small-cell threshold.
      for (let i = 0; i < 10; i++) {
        const r = await makeResident(t, { ward: 'BE02' });
        await answer(link(survey.id, r.id), { [confidence.id]: i < 3 ? 'very_confident' : 'not_very_confident', [multi.id]: i < 5 ? ['speeding'] : ['burglary'], [scale.id]: String((i % 5) + 1) });
      }
      const first4 = await results(survey.id);
      let [c, , , , , m] = first4;
      const [, , , , , , s, f] = first4;
      expect(c.base).toBe(12);
      expect(counts(c)).toEqual({ very_confident: 4, fairly_confident: 1, not_very_confident: 7, not_at_all_confident: 0 });
      expect(percents(c)).toEqual({ very_confident: 33.3, fairly_confident: 8.3, not_very_confident: 58.3, not_at_all_confident: 0 });
      // Multiple choice: percentages of those who answered the question, not of choices (they add up to more than 100).
      expect(m.base).toBe(12);
      expect(counts(m)).toEqual({ burglary: 6, speeding: 6, asb: 1 });
      expect(percents(m)).toEqual({ burglary: 50, speeding: 50, asb: 8.3 });
      // Scale 1-10: 7, 4, then 1..5 twice → (7 + 4 + 30) / 12
      expect(s.base).toBe(12);
      expect(s.mean).toBe(3.42);
      // Free text: base 1 < 10, suppressed with its answers.
      expect(f.suppressed).toBe(true);
      expect(f.freeText).toBeUndefined();

      // The e-mail respondent changes their mind: very → not at all; speeding added.
      const [changer] = await t.sql<{ resident_id: string }>(`SELECT resident_id FROM survey_response WHERE survey_id = $1 AND answers->>'${confidence.id}' = 'very_confident' ORDER BY created_at LIMIT 1`, [survey.id]);
      await answer(link(survey.id, changer.resident_id), { [confidence.id]: 'not_at_all_confident', [multi.id]: ['burglary', 'speeding'], [scale.id]: '7' }).then((res) => expect(res.body).toEqual({ saved: true, changed: true }));
      [c, , , , , m] = await results(survey.id);
      expect(counts(c)).toEqual({ very_confident: 3, fairly_confident: 1, not_very_confident: 7, not_at_all_confident: 1 });
      expect(counts(m)).toEqual({ burglary: 6, speeding: 7, asb: 0 });
      expect(await t.sql('SELECT count(*)::int AS n FROM survey_response WHERE survey_id = $1', [survey.id])).toEqual([{ n: 12 }]);
      // Breakdown by ward: BE01 has 2 respondents (suppressed), so BE02 (10) is hidden too, or BE01 = total − BE02.
      expect(c.breakdowns.ward.map((g) => [g.group, g.base, g.suppressed])).toEqual([['BE01', null, true], ['BE02', null, true]]);
      expect(c.breakdowns.npu.map((g) => [g.group, g.base])).toEqual([['BE', 12]]);
      // CSV export, same figures.
      const csv = await t.http().get(`/api/v1/surveys/${survey.id}/results?format=csv`).set(...ecoBE).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text).toContain('"Taking everything into account, how confident are you in the police in this area?",all,,Very confident,3,25,,12,false');
    });

    it('close: further answers are 410 (page and API), nothing changes; results stay readable', async () => {
      await t.http().post(`/api/v1/surveys/${survey.id}/close`).set(...ecoBE).expect(200, { status: 'closed' });
      const before = await tallies();
      const r = await makeResident(t, { ward: 'BE01' });
      const url = link(survey.id, r.id);
      const res = await t.http().post(url).set('Accept', 'application/json').send({ answers: { [scale.id]: '3' } });
      expect([res.status, res.body.statusCode]).toEqual([410, 410]);
      const page = await t.http().post(url).type('form').send(`q-${scale.id}=3`);
      expect(page.status).toBe(410);
      expect(page.text).toContain('This survey has closed');
      expect((await t.http().get(url)).status).toBe(410);
      expect(await tallies()).toEqual(before);
      await t.http().post(`/api/v1/surveys/${survey.id}/close`).set(...ecoBE).expect(409);
      expect((await results(survey.id))[0].base).toBe(12);
    });
  });

  it('one response per resident under 20 parallel submissions; the counters count it once', async () => {
    const survey = await createOpen(ecoBE, { title: 'Parallel', questions: [{ kind: 'scale_5', text: 'How was it?' }] });
    const [q] = survey.questions;
    const r = await makeResident(t, { ward: 'BE01' });
    const url = link(survey.id, r.id);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.http().post(url).set('Accept', 'application/json').send({ answers: { [q.id]: String((i % 5) + 1) } })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((a) => a.body.changed === false)).toHaveLength(1);
    const rows = await t.sql<{ answers: Record<string, string> }>('SELECT answers FROM survey_response WHERE survey_id = $1', [survey.id]);
    expect(rows).toHaveLength(1);
    const tally = await t.sql<{ option: string; respondents: number }>('SELECT option, respondents FROM survey_tally WHERE survey_id = $1 AND respondents > 0 ORDER BY option', [survey.id]);
    expect(tally).toEqual([{ option: '*', respondents: 1 }, { option: rows[0].answers[q.id], respondents: 1 }]);
    expect(await t.sql('SELECT sum(respondents)::int AS n FROM survey_tally WHERE survey_id = $1', [survey.id])).toEqual([{ n: 2 }]);
  });

  it('small cells: groups under 10 are suppressed, and the next smallest too when one could be worked out by subtraction', async () => {
    const survey = await createOpen(ecoBE, { title: 'Cells', questions: [{ kind: 'single_choice', text: 'Yes or no?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] }] });
    const [q] = survey.questions;
    const plan: [string, number][] = [['BE01', 12], ['BE02', 11], ['BE03', 3]];
    for (const [ward, n] of plan) {
      for (let i = 0; i < n; i++) {
        const r = await makeResident(t, { ward });
        await answer(link(survey.id, r.id), { [q.id]: i % 2 ? 'no' : 'yes' });
      }
    }
    const [all] = await results(survey.id);
    expect(all.base).toBe(26);
    expect(all.breakdowns.ward.map((g) => [g.group, g.base, g.options.map((o) => o.count)])).toEqual([
      ['BE01', 12, [6, 6]],
      ['BE02', null, [null, null]],
      ['BE03', null, [null, null]],
    ]);
    const [be03] = await results(survey.id, '?ward=BE03');
    expect([be03.base, be03.suppressed, counts(be03)]).toEqual([null, true, { yes: null, no: null }]);
    const [be01] = await results(survey.id, '?ward=BE01');
    expect([be01.base, counts(be01)]).toEqual([12, { yes: 6, no: 6 }]);
  });

  it('weighted to the population: raking on age band × ethnicity matches a hand-computed figure; the SIM pack shows the month’s confidence', async () => {
    const csv = [
      'area_code,dimension,category,share_percent',
      ...['SW01', 'SW'].flatMap((a) => [`${a},age_band,16-24,25`, `${a},age_band,65-74,75`, `${a},ethnicity,asian,40`, `${a},ethnicity,white,60`]),
    ].join('\n');
    await t.http().post('/api/v1/population-shares').set(...admin).set('Content-Type', 'text/csv').send(csv).expect(200, { sets: 4, rows: 8 });
    await t.http().post('/api/v1/population-shares').set(...ecoBE).set('Content-Type', 'text/csv').send(csv).expect(403);
    const bad = await t.http().post('/api/v1/population-shares').set(...admin).set('Content-Type', 'text/csv').send('area_code,dimension,category,share_percent\nSW01,age_band,16-24,101\nNOPE,ethnicity,asian,5\nSW01,religion,x,5');
    expect([bad.status, bad.body.details]).toEqual([400, [
      'line 2: share_percent must be a number from 0 to 100 (at most 2 decimals)',
      'line 3: area_code must be FORCE, a known NPU or a known ward',
      'line 4: dimension must be age_band or ethnicity',
    ]]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM population_share`)).toEqual([{ n: 8 }]);

    const survey = await createOpen(ecoSW, { title: 'Confidence in Oldbury', templates: ['confidence'] });
    const confidence = survey.questions[0];
    // 10 respondents in each age × ethnicity cell; confident: 8, 5, 2, 6 of 10.
    const cells: [string, string, number][] = [['16-24', 'asian', 8], ['16-24', 'white', 5], ['65-74', 'asian', 2], ['65-74', 'white', 6]];
    for (const [age, eth, confident] of cells) {
      for (let i = 0; i < 10; i++) {
        const r = await makeResident(t, { ward: 'SW01' });
        await t.sql('UPDATE resident SET age_band = $2, ethnicity = $3 WHERE id = $1', [r.id, age, eth]);
        await answer(link(survey.id, r.id), { [confidence.id]: i < confident ? 'very_confident' : 'not_very_confident' });
      }
    }
    const [c] = await results(survey.id, '?ward=SW01&weighted=true', ecoSW);
    expect(c.base).toBe(40);
    expect(percents(c)).toEqual({ very_confident: 52.5, fairly_confident: 0, not_very_confident: 47.5, not_at_all_confident: 0 });
    // By hand: .25×.40×.8 + .25×.60×.5 + .75×.40×.2 + .75×.60×.6 = .08 + .075 + .06 + .27 = 48.5 %
    expect(Object.fromEntries(c.options.map((o) => [o.value, o.weightedPercent]))).toEqual({ very_confident: 48.5, fairly_confident: 0, not_very_confident: 51.5, not_at_all_confident: 0 });
    expect(c.weighting).toEqual({ method: 'raking', areas: { age_band: 'SW01', ethnicity: 'SW01' }, unweightedBase: 40 });
    expect(c.breakdowns.ageBand.map((g) => [g.group, g.base, g.options[0].count])).toEqual([['16-24', 20, 13], ['65-74', 20, 8]]);
    expect(c.breakdowns.ethnicity.map((g) => [g.group, g.base, g.options[0].count])).toEqual([['asian', 20, 10], ['white', 20, 11]]);

    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const sim = await t.http().get(`/api/v1/reports/sim?npu=SW&month=${month}`).set(...ecoSW).expect(200);
    expect(sim.body.confidence).toEqual(expect.objectContaining({ month, areaCode: 'SW', base: 40, suppressed: false, confidentPercent: 52.5, weightedConfidentPercent: 48.5 }));
  });

  it('GDPR: responses are in the resident’s export; erasure unlinks them and deletes free text, the counters keep the answers', async () => {
    const survey = await createOpen(ecoBE, { title: 'Erasable', questions: [{ kind: 'scale_5', text: 'Rate us' }, { kind: 'free_text', text: 'Why?' }] });
    const [scale, why] = survey.questions;
    const r = await makeResident(t, { ward: 'BE01' });
    await answer(link(survey.id, r.id), { [scale.id]: '2', [why.id]: 'My neighbour at number 4 knows why' });
    const me = residentAuth(t, r.id);
    const exported = await t.http().get('/api/v1/me/export').set(...me).expect(200);
    expect(exported.body.surveys).toEqual([expect.objectContaining({ surveyId: survey.id, surveyTitle: 'Erasable', answers: { [scale.id]: '2', [why.id]: 'My neighbour at number 4 knows why' } })]);
    const before = await t.sql('SELECT option, respondents FROM survey_tally WHERE survey_id = $1 ORDER BY 1', [survey.id]);
    await t.http().delete('/api/v1/me').set(...me).expect(204);
    const rows = await t.sql<{ resident_id: string | null; answers: Record<string, string>; ward_code: string; erased_at: Date | null }>('SELECT resident_id, answers, ward_code, erased_at FROM survey_response WHERE survey_id = $1', [survey.id]);
    expect(rows).toEqual([{ resident_id: null, answers: { [scale.id]: '2' }, ward_code: 'unknown', erased_at: expect.any(Date) }]);
    expect(await t.sql('SELECT option, respondents FROM survey_tally WHERE survey_id = $1 ORDER BY 1', [survey.id])).toEqual(before);
    // The erased resident's link no longer works.
    expect((await t.http().get(link(survey.id, r.id))).status).toBe(410);
  });

  it('force-wide surveys need a second person: an admin other than the author opens them', async () => {
    const ecoForce = (await loginAs(t, 'eco')).auth;
    const created = await t.http().post('/api/v1/surveys').set(...ecoForce).send({ title: 'Force-wide', templates: ['confidence'] }).expect(201);
    expect(created.body.npuCode).toBeNull();
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...ecoForce).expect(200, { status: 'pending_approval' });
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...ecoForce).expect(403);
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...leadBE).expect(403);
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...admin).expect(200, { status: 'open' });
    const own = await t.http().post('/api/v1/surveys').set(...admin).send({ title: 'Admin’s own', templates: ['confidence'] }).expect(201);
    await t.http().post(`/api/v1/surveys/${own.body.id}/open`).set(...admin).expect(200, { status: 'pending_approval' });
    // NPU staff read a force-wide survey's results for their NPU only.
    const res = await t.http().get(`/api/v1/surveys/${created.body.id}/results`).set(...ecoBE).expect(200);
    expect(res.body.filter).toEqual({ npuCode: 'BE' });
    await t.http().get(`/api/v1/surveys/${created.body.id}/results?npu=SW`).set(...ecoBE).expect(403);
  });

  it('the anonymous public link: counted apart, unweighted, rate limited per IP', async () => {
    const survey = await createOpen(ecoBE, { title: 'Public', publicLink: true, questions: [{ kind: 'likert', text: 'The park is safe.' }] });
    const [q] = survey.questions;
    const url = survey.publicUrl!.replace('http://beacon.test', '');
    expect(url).toMatch(/^\/s\/p\//);
    expect((await t.http().get(url).expect(200)).text).toContain('Your answers are anonymous');
    // From the 12th answer (fresh windows) to the last post: one window, away from its edge.
    await awayFromWindowEdge(3600, 30_000);
    for (let i = 0; i < 12; i++) await answer(url, { [q.id]: i < 9 ? 'agree' : 'disagree' });
    const [res] = await results(survey.id);
    expect(res.base).toBeNull(); // no resident answered
    expect(res.public).toEqual(expect.objectContaining({ base: 12, suppressed: false, unweighted: true }));
    expect(Object.fromEntries(res.public!.options.map((o) => [o.value, o.count]))).toEqual({ strongly_agree: 0, agree: 9, neither: 0, disagree: 3, strongly_disagree: 0 });
    // A resident token on the public route, and the public token on the resident route, are refused.
    expect((await t.http().get(url.replace('/s/p/', '/s/'))).status).toBe(400);
    const limited = [];
    for (let i = 0; i < 25; i++) limited.push((await t.http().post(url).set('Accept', 'application/json').send({ answers: { [q.id]: 'agree' } })).status);
    // 20 an hour per IP: the 12th answer above cleared the windows, so 19 more, then refused.
    expect(limited).toEqual([...Array<number>(19).fill(200), ...Array<number>(6).fill(429)]);
    await t.sql('DELETE FROM rate_limit_bucket');
  }, 120_000);

  it('markup typed by staff and residents is escaped on the page and in the error summary', async () => {
    const XSS = '<script>alert(1)</script>';
    const survey = await createOpen(ecoBE, { title: XSS, intro: '"><img src=x onerror=alert(1)>', questions: [{ kind: 'single_choice', text: XSS, options: [{ value: 'a', label: XSS }, { value: 'b', label: 'B' }] }, { kind: 'free_text', text: 'Say', maxLength: 10 }] });
    const r = await makeResident(t, { ward: 'BE01' });
    const url = link(survey.id, r.id);
    const raw = (h: string) => h.includes('<script>alert(1)') || h.includes('<img src=x');
    const page = await t.http().get(url).expect(200);
    expect(raw(page.text)).toBe(false);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const bad = await t.http().post(url).type('form').send(new URLSearchParams([[`q-${survey.questions[0].id}`, XSS], [`q-${survey.questions[1].id}`, `${XSS}${XSS}`]]).toString()).expect(400);
    expect(raw(bad.text)).toBe(false);
    expect(bad.text).toContain('There is a problem');
  });

  it('auto-close: a scheduled job closes open surveys past their closing date, once, and leaves the others', async () => {
    const { SurveyAutoCloseJob } = await import('../libs/surveys/src/survey-auto-close.job');
    expect(QUEUE_POLICIES[JobName.SurveyAutoClose].cron).toBeTruthy();
    const closesAt = new Date(Date.now() + 3_600_000).toISOString();
    const due = await createOpen(ecoBE, { title: 'Due', questions: [{ kind: 'scale_5', text: 'How?' }], closesAt });
    const later = await createOpen(ecoBE, { title: 'Later', questions: [{ kind: 'scale_5', text: 'How?' }], closesAt });
    const draft = (await t.http().post('/api/v1/surveys').set(...ecoBE).send({ title: 'Draft', questions: [{ kind: 'scale_5', text: 'How?' }], closesAt }).expect(201)).body as Survey;
    await t.sql(`UPDATE survey SET closes_at = now() - interval '1 minute' WHERE id = ANY($1)`, [[due.id, draft.id]]);
    const job = t.app.get(SurveyAutoCloseJob);
    expect(await job.run()).toBe(1);
    const state = async () => Object.fromEntries((await t.sql<{ id: string; status: string; closed: boolean }>(`SELECT id, status, closed_at = closes_at AS closed FROM survey WHERE id = ANY($1)`, [[due.id, later.id, draft.id]])).map((r) => [r.id, [r.status, r.closed]]));
    const after = await state();
    expect(after).toEqual({ [due.id]: ['closed', true], [later.id]: ['open', null], [draft.id]: ['draft', null] });
    expect(await job.run()).toBe(0);
    expect(await state()).toEqual(after);
  });

  it('NPU scoping: staff of another NPU get 403 on the survey, its results and its links to messages', async () => {
    const survey = await createOpen(ecoBE, { title: 'BE only', questions: [{ kind: 'scale_5', text: 'How?' }] });
    await t.http().get(`/api/v1/surveys/${survey.id}`).set(...ecoSW).expect(403);
    await t.http().get(`/api/v1/surveys/${survey.id}/results`).set(...ecoSW).expect(403);
    await t.http().post(`/api/v1/surveys/${survey.id}/close`).set(...ecoSW).expect(403);
    await t.http().post('/api/v1/surveys').set(...ecoSW).send({ title: 'x', npuCode: 'BE', templates: ['confidence'] }).expect(403);
    const analyst = (await loginAs(t, 'analyst', 'BE')).auth;
    await t.http().post('/api/v1/surveys').set(...analyst).send({ title: 'x', templates: ['confidence'] }).expect(403);
    await t.http().get(`/api/v1/surveys/${survey.id}/results`).set(...analyst).expect(200);
  });
});
