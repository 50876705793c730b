import { beforeAll, describe, expect, it } from '@jest/globals';
import { AccessTokenService } from '@beacon/auth';
import { londonDay, parseCsv } from '@beacon/core';
import { FundingService } from '@beacon/funding';
import { GeographyService } from '@beacon/geography';
import { NotificationComposerRegistry, type EmailMessage } from '@beacon/channels';
import type { NotificationJob } from '@beacon/core';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { useSuite } from './utils/suite';
import { loginAll, type Login } from './utils/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('funding (Active Citizens Fund)', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  let leadBE: Login;
  let leadSW: Login;
  let ecoBE: Login;
  let ecoSW: Login;
  let officerBE: Login;
  let officerSW: Login;
  let analyst: Login;
  let cadetsBE: Login;
  let render: (job: NotificationJob) => Promise<EmailMessage>;

  beforeAll(async () => {
    render = async (job: NotificationJob) => (await t.app.get(NotificationComposerRegistry).composer('email', job.template)!(job.ref))!;
    // A third NPU, for a fund with a zero budget.
    await t.app.get(GeographyService).importCsv('npu_code,npu_name,neighbourhood,ward_code,ward_name,population\nCV,Coventry,Coventry South,CV01,Earlsdon,16400\n');
    ({ admin, leadBE, leadSW, ecoBE, ecoSW, officerBE, officerSW, analyst, cadetsBE } = await loginAll(t, {
      admin: ['admin'],
      leadBE: ['npu_lead', 'BE'],
      leadSW: ['npu_lead', 'SW'],
      ecoBE: ['eco', 'BE'],
      ecoSW: ['eco', 'SW'],
      officerBE: ['officer', 'BE'],
      officerSW: ['officer', 'SW'],
      analyst: ['analyst'],
      cadetsBE: ['cadet_leader', 'BE'],
    }));
  });

  const count = async (table: string, where = 'true', values: unknown[] = []) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values))[0].n;

  const setFund = async (npuCode: string, year: string, budgetPence: number) =>
    (await t.http().put(`/api/v1/funds/${npuCode}/${year}`).set(...admin.auth).send({ budgetPence }).expect(200)).body;

  const fundRow = async (npuCode: string, year: string) =>
    (
      await t.sql<{ budget_pence: number; allocated_pence: number }>(
        'SELECT budget_pence::float8 AS budget_pence, allocated_pence::float8 AS allocated_pence FROM fund WHERE npu_code = $1 AND financial_year = $2',
        [npuCode, year],
      )
    )[0];

  let applicants = 0;
  const bidBody = (over: Record<string, unknown> = {}) => ({
    npuCode: 'BE',
    financialYear: '2020-21',
    applicantName: 'Hodge Hill Youth Boxing Club',
    applicantType: 'group',
    contactEmail: `applicant${++applicants}@example.org`,
    title: 'Friday night boxing',
    summary: 'Coached sessions for 11-17 year olds.',
    theme: 'youth_violence',
    amountRequestedPence: 150000,
    ...over,
  });

  /** Fixture bids straight into the table (the public route is rate limited). */
  const makeBid = async (o: { npu?: string; year?: string; amount?: number; status?: 'submitted' | 'under_review'; title?: string } = {}) => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence, status)
       VALUES ($1, $2, 'Fixture Group', 'group', 'fixture@example.org', $3, 'A fixture bid', 'other', $4, $5) RETURNING id`,
      [o.npu ?? 'BE', o.year ?? '2020-21', o.title ?? 'Fixture bid', o.amount ?? 100000, o.status ?? 'under_review'],
    );
    return row.id;
  };

  const bidRow = async (id: string) =>
    (
      await t.sql<{ status: string; amount_awarded_pence: number | null; paid_pence: number; decided_by_id: string | null; aligned_staff_id: string | null }>(
        'SELECT status, amount_awarded_pence::float8 AS amount_awarded_pence, paid_pence::float8 AS paid_pence, decided_by_id, aligned_staff_id FROM bid WHERE id = $1',
        [id],
      )
    )[0];

  const approve = (who: Login, id: string, amountAwardedPence: unknown) =>
    t.http().post(`/api/v1/bids/${id}/approve`).set(...who.auth).send({ amountAwardedPence });

  const pay = (who: Login, id: string, amountPence: unknown, paidOn: unknown = '2020-11-30') =>
    t.http().post(`/api/v1/bids/${id}/payments`).set(...who.auth).send({ amountPence, paidOn });

  const makeResident = async (wardCode: string, status = 'active') => {
    const [row] = await t.sql<{ id: string }>('INSERT INTO resident (ward_code, status, consent_at) VALUES ($1, $2, now()) RETURNING id', [
      wardCode,
      status,
    ]);
    return { id: row.id, auth: ['Authorization', `Bearer ${t.app.get(AccessTokenService).signResident(row.id)}`] as [string, string] };
  };

  beforeAll(async () => {
    await setFund('BE', '2020-21', 5_000_000);
    await setFund('SW', '2020-21', 5_000_000);
  });

  describe('funds', () => {
    it('an admin creates a fund and changes its budget', async () => {
      const created = await t.http().put('/api/v1/funds/CV/2020-21').set(...admin.auth).send({ budgetPence: 8032400 }).expect(200);
      expect(created.body).toEqual({ npuCode: 'CV', financialYear: '2020-21', budgetPence: 8032400, allocatedPence: 0 });
      const changed = await t.http().put('/api/v1/funds/CV/2020-21').set(...admin.auth).send({ budgetPence: 100000 }).expect(200);
      expect(changed.body).toEqual({ npuCode: 'CV', financialYear: '2020-21', budgetPence: 100000, allocatedPence: 0 });
      expect(await fundRow('CV', '2020-21')).toEqual({ budget_pence: 100000, allocated_pence: 0 });
      const audit = await t.sql(`SELECT actor FROM audit_event WHERE action = 'PUT /api/v1/funds/:npuCode/:year' AND subject = '/api/v1/funds/CV/2020-21'`);
      expect(audit).toEqual([{ actor: `staff:${admin.id}` }, { actor: `staff:${admin.id}` }]);
    });

    it('only admins set budgets', async () => {
      await t.http().put('/api/v1/funds/BE/2020-21').set(...leadBE.auth).send({ budgetPence: 1 }).expect(403);
      await t.http().put('/api/v1/funds/BE/2020-21').send({ budgetPence: 1 }).expect(401);
      expect(await fundRow('BE', '2020-21')).toEqual({ budget_pence: 5_000_000, allocated_pence: 0 });
    });

    it('rejects bad years, NPUs and amounts and writes nothing', async () => {
      const before = await count('fund');
      for (const [path, body] of [
        ['/api/v1/funds/BE/2020-22', { budgetPence: 1 }],
        ['/api/v1/funds/BE/20-21', { budgetPence: 1 }],
        ['/api/v1/funds/BE/2020-2021', { budgetPence: 1 }],
        ['/api/v1/funds/be/2030-31', { budgetPence: 1 }],
        ['/api/v1/funds/BE/2030-31', { budgetPence: -1 }],
        ['/api/v1/funds/BE/2030-31', { budgetPence: 1.5 }],
        ['/api/v1/funds/BE/2030-31', { budgetPence: '100' }],
        ['/api/v1/funds/BE/2030-31', { budgetPence: 1e12 }],
        ['/api/v1/funds/BE/2030-31', {}],
        ['/api/v1/funds/BE/2030-31', { budgetPence: 1, allocatedPence: 0 }],
      ] as const) {
        const res = await t.http().put(path).set(...admin.auth).send(body);
        expect([path, body, res.status]).toEqual([path, body, 400]);
      }
      const unknown = await t.http().put('/api/v1/funds/ZZ/2030-31').set(...admin.auth).send({ budgetPence: 1 }).expect(404);
      expect(unknown.body.message).toBe('NPU ZZ not found');
      expect(await count('fund')).toBe(before);
    });
  });

  describe('bid submission (public)', () => {
    it('accepts a bid, answers only {id, status} and records the acknowledgement e-mail in the same transaction', async () => {
      const res = await t.http().post('/api/v1/bids').send(bidBody({ contactEmail: ' Boxing@Example.org ' })).expect(201);
      expect(res.body).toEqual({ id: expect.stringMatching(UUID), status: 'submitted' });
      const [row] = await t.sql('SELECT npu_code, financial_year, applicant_name, applicant_type, contact_email, title, theme, amount_requested_pence::float8 AS amount_requested_pence, status, paid_pence::float8 AS paid_pence, amount_awarded_pence::float8 AS amount_awarded_pence FROM bid WHERE id = $1', [res.body.id]);
      expect(row).toEqual({
        npu_code: 'BE',
        financial_year: '2020-21',
        applicant_name: 'Hodge Hill Youth Boxing Club',
        applicant_type: 'group',
        contact_email: 'boxing@example.org',
        title: 'Friday night boxing',
        theme: 'youth_violence',
        amount_requested_pence: 150000,
        status: 'submitted',
        paid_pence: 0,
        amount_awarded_pence: null,
      });
      const jobs = await t.sql<{ data: NotificationJob }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data->'ref'->>'bidId' = $1`, [res.body.id]);
      expect(jobs.map((j) => j.data)).toEqual([{ template: 'funding.bid-submitted', ref: { bidId: res.body.id } }]); // ids only
      const mail = await render(jobs[0].data);
      expect(mail.to).toBe('boxing@example.org');
      expect(mail.subject).toBe('We have received your Active Citizens Fund bid'); // fixed text: the address is not verified (issue 14, finding 13)
      expect(mail.text).not.toContain('Friday night boxing');
      expect(mail.text).toContain('asking for £1,500.00');
      expect(mail.text).toContain(res.body.id);
    });

    it('needs the fund of that NPU and year to exist (400, nothing written)', async () => {
      const before = await count('bid');
      const res = await t.http().post('/api/v1/bids').send(bidBody({ financialYear: '2030-31' })).expect(400);
      expect(res.body.message).toBe('There is no Active Citizens Fund for BE in 2030-31');
      expect(await count('bid')).toBe(before);
      expect(await count('pgboss.job', `name = 'notify-email'`)).toBe(1);
    });

    it('rejects bad input with 400 and writes nothing', async () => {
      const before = await count('bid');
      const cases: [string, Record<string, unknown>][] = [
        ['amountRequestedPence', { amountRequestedPence: '150000' }],
        ['amountRequestedPence', { amountRequestedPence: -5 }],
        ['amountRequestedPence', { amountRequestedPence: 0 }],
        ['amountRequestedPence', { amountRequestedPence: 99.5 }],
        ['amountRequestedPence', { amountRequestedPence: 2 ** 31 }],
        ['applicantType', { applicantType: 'company' }],
        ['theme', { theme: 'knife_crime' }],
        ['financialYear', { financialYear: '2020-22' }],
        ['financialYear', { financialYear: 2020 }],
        ['contactEmail', { contactEmail: 'not-an-email' }],
        ['title', { title: 'x'.repeat(201) }],
        ['summary', { summary: 'x'.repeat(100_000) }],
        ['applicantName', { applicantName: '   ' }],
        ['npuCode', { npuCode: 'BE; DROP TABLE bid' }],
        ['status', { status: 'approved' }],
      ];
      for (const [field, over] of cases) {
        const res = await t.http().post('/api/v1/bids').send(bidBody(over));
        expect([field, res.status]).toEqual([field, 400]);
        expect(res.body.message).toContain(field);
      }
      expect(await count('bid')).toBe(before);
    });

    it('is rate limited per contact e-mail', async () => {
      const statuses: number[] = [];
      await awayFromWindowEdge(3600, 20_000);
      for (let i = 0; i < 11; i++) {
        const res = await t.http().post('/api/v1/bids').send(bidBody({ contactEmail: 'busy@example.org', title: `Bid ${i}` }));
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array(10).fill(201), 429]);
      expect(await count('bid', `contact_email = 'busy@example.org'`)).toBe(10);
    }, 120_000);
  });

  describe('status machine', () => {
    const post = (who: Login, id: string, action: string, body: object = {}) =>
      t.http().post(`/api/v1/bids/${id}/${action}`).set(...who.auth).send(body);

    it('submitted → under_review → approved → completed, with 409 INVALID_TRANSITION for everything else', async () => {
      const id = await makeBid({ status: 'submitted', amount: 20000 });
      const early = await approve(leadBE, id, 20000).expect(409);
      expect(early.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'INVALID_TRANSITION', message: 'A submitted bid cannot become approved' });
      await post(leadBE, id, 'reject', { reason: 'too early' }).expect(409);
      await post(ecoBE, id, 'evaluation', { outcome: 'achieved', notes: 'n/a' }).expect(409);

      const reviewed = await post(ecoBE, id, 'review').expect(200);
      expect(reviewed.body).toMatchObject({ id, status: 'under_review', amountAwardedPence: null });
      expect((await post(ecoBE, id, 'review').expect(409)).body.code).toBe('INVALID_TRANSITION');
      await post(ecoBE, id, 'evaluation', { outcome: 'achieved', notes: 'n/a' }).expect(409);

      const approved = await approve(leadBE, id, 15000).expect(200);
      expect(approved.body).toMatchObject({ id, status: 'approved', amountRequestedPence: 20000, amountAwardedPence: 15000, decidedById: leadBE.id });
      for (const action of ['review', 'withdraw']) expect((await post(ecoBE, id, action).expect(409)).body.code).toBe('INVALID_TRANSITION');
      await post(leadBE, id, 'reject', { reason: 'changed my mind' }).expect(409);
      await approve(leadBE, id, 15000).expect(409);

      const evaluation = await post(ecoBE, id, 'evaluation', { outcome: 'partly_achieved', notes: '40 young people attended' }).expect(201);
      expect(evaluation.body).toEqual({
        bidId: id,
        outcome: 'partly_achieved',
        notes: '40 young people attended',
        evaluatedById: ecoBE.id,
        evaluatedAt: expect.any(String),
        status: 'completed',
      });
      expect((await post(ecoBE, id, 'evaluation', { outcome: 'achieved', notes: 'again' }).expect(409)).body.code).toBe('INVALID_TRANSITION');
      for (const action of ['review', 'withdraw']) await post(ecoBE, id, action).expect(409);
      await approve(leadBE, id, 15000).expect(409);
      expect(await bidRow(id)).toMatchObject({ status: 'completed', amount_awarded_pence: 15000 });
      expect(await count('bid_evaluation', 'bid_id = $1', [id])).toBe(1);

      const detail = await t.http().get(`/api/v1/bids/${id}`).set(...ecoBE.auth).expect(200);
      expect(detail.body).toMatchObject({ id, status: 'completed', payments: [], evaluation: { outcome: 'partly_achieved', evaluatedById: ecoBE.id } });
    });

    it('rejects only bids under review and keeps the reason', async () => {
      const id = await makeBid({ status: 'under_review' });
      const res = await post(leadBE, id, 'reject', { reason: 'Outside the fund criteria' }).expect(200);
      expect(res.body).toMatchObject({ id, status: 'rejected', decisionReason: 'Outside the fund criteria', decidedById: leadBE.id, amountAwardedPence: null });
      for (const action of ['review', 'withdraw']) await post(ecoBE, id, action).expect(409);
      await approve(leadBE, id, 1).expect(409);
      await post(leadBE, id, 'reject', { reason: 'again' }).expect(409);
    });

    it('withdraws open bids only', async () => {
      const submitted = await makeBid({ status: 'submitted' });
      const reviewing = await makeBid({ status: 'under_review' });
      expect((await post(officerBE, submitted, 'withdraw').expect(200)).body.status).toBe('withdrawn');
      expect((await post(officerBE, reviewing, 'withdraw').expect(200)).body.status).toBe('withdrawn');
      expect((await post(officerBE, submitted, 'withdraw').expect(409)).body.message).toBe('A withdrawn bid cannot become withdrawn');
      await post(officerBE, submitted, 'review').expect(409);
      await approve(leadBE, reviewing, 1).expect(409);
    });

    it('concurrent approvals of one bid: exactly one wins', async () => {
      const id = await makeBid({ npu: 'SW', amount: 40000 });
      const before = await fundRow('SW', '2020-21');
      const results = await Promise.all(Array.from({ length: 10 }, () => approve(leadSW, id, 40000)));
      expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
      expect(await fundRow('SW', '2020-21')).toEqual({ ...before, allocated_pence: before.allocated_pence + 40000 });
      expect(await count('audit_event', `action = 'bid.approve' AND subject = $1`, [`bid:${id}`])).toBe(1);
    });

    it('404 for an unknown bid, 400 for a malformed id', async () => {
      await t.http().post(`/api/v1/bids/${MISSING}/review`).set(...ecoBE.auth).expect(404);
      const bad = await t.http().post('/api/v1/bids/not-a-uuid/review').set(...ecoBE.auth).expect(400);
      expect(bad.body.message).toContain('id must be a UUID');
      await t.http().get('/api/v1/bids/1%20OR%201=1').set(...ecoBE.auth).expect(400);
    });

    it('analysts and cadet leaders cannot work bids; residents and the public cannot either', async () => {
      const id = await makeBid({ status: 'submitted' });
      await post(analyst, id, 'review').expect(403);
      await post(cadetsBE, id, 'review').expect(403);
      const resident = await makeResident('BE01');
      await t.http().post(`/api/v1/bids/${id}/review`).set(...resident.auth).expect(401);
      await t.http().post(`/api/v1/bids/${id}/review`).expect(401);
      expect((await bidRow(id)).status).toBe('submitted');
    });
  });

  describe('approval: NPU scope and the budget', () => {
    it('a BE lead cannot approve an SW bid (403); an ECO cannot approve at all; the SW lead and an admin can', async () => {
      const sw1 = await makeBid({ npu: 'SW', amount: 30000 });
      const sw2 = await makeBid({ npu: 'SW', amount: 30000 });
      const before = await fundRow('SW', '2020-21');
      const res = await approve(leadBE, sw1, 30000).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'Your role is limited to NPU BE' });
      await approve(ecoSW, sw1, 30000).expect(403);
      await t.http().post(`/api/v1/bids/${sw1}/reject`).set(...leadBE.auth).send({ reason: 'no' }).expect(403);
      expect(await bidRow(sw1)).toMatchObject({ status: 'under_review', amount_awarded_pence: null, decided_by_id: null });
      expect(await fundRow('SW', '2020-21')).toEqual(before);

      expect((await approve(leadSW, sw1, 30000).expect(200)).body).toMatchObject({ status: 'approved', decidedById: leadSW.id });
      expect((await approve(admin, sw2, 25000).expect(200)).body).toMatchObject({ status: 'approved', amountAwardedPence: 25000, decidedById: admin.id });
      expect(await fundRow('SW', '2020-21')).toEqual({ ...before, allocated_pence: before.allocated_pence + 55000 });
    });

    it('the award is whole pence, above 0 and at most what was asked (400, nothing written)', async () => {
      const id = await makeBid({ amount: 50000 });
      const before = await fundRow('BE', '2020-21');
      for (const amount of [50001, 0, -100, 100.5, '50000', null, 1e15]) {
        const res = await approve(leadBE, id, amount);
        expect([amount, res.status]).toEqual([amount, 400]);
      }
      const res = await t.http().post(`/api/v1/bids/${id}/approve`).set(...leadBE.auth).send({ amountAwardedPence: 100, bonus: 1 }).expect(400);
      expect(res.body.message).toContain('bonus');
      expect(await bidRow(id)).toMatchObject({ status: 'under_review', amount_awarded_pence: null });
      expect(await fundRow('BE', '2020-21')).toEqual(before);
      expect(await count('audit_event', `subject = $1`, [`bid:${id}`])).toBe(0);
    });

    it('approves within the budget, audits the amounts and e-mails the applicant; 409 BUDGET_EXCEEDED beyond it', async () => {
      await setFund('CV', '2021-22', 100000);
      const a = await makeBid({ npu: 'CV', year: '2021-22', amount: 70000 });
      const b = await makeBid({ npu: 'CV', year: '2021-22', amount: 50000 });
      const ok = await approve(admin, a, 60000).expect(200);
      expect(ok.body).toMatchObject({ id: a, status: 'approved', amountAwardedPence: 60000, paidPence: 0 });
      const [audit] = await t.sql<{ actor: string; data: unknown }>(`SELECT actor, data FROM audit_event WHERE action = 'bid.approve' AND subject = $1`, [`bid:${a}`]);
      expect(audit).toEqual({
        actor: `staff:${admin.id}`,
        data: { npuCode: 'CV', financialYear: '2021-22', amountRequestedPence: 70000, amountAwardedPence: 60000, fundBudgetPence: 100000, fundAllocatedPence: 60000 },
      });
      const jobs = await t.sql<{ data: NotificationJob }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data->'ref'->>'bidId' = $1`, [a]);
      expect(jobs.map((j) => j.data)).toEqual([{ template: 'funding.bid-approved', ref: { bidId: a } }]);
      const mail = await render(jobs[0].data);
      expect(mail.subject).toBe('Your Active Citizens Fund bid has been approved');
      expect(mail.text).toContain(a);
      expect(mail.text).toContain('you have been awarded £600.00');

      const over = await approve(admin, b, 40001).expect(409);
      expect(over.body).toMatchObject({ statusCode: 409, code: 'BUDGET_EXCEEDED', message: 'Awarding £400.01 would exceed the CV 2021-22 budget: £400.00 is left' });
      expect(await bidRow(b)).toMatchObject({ status: 'under_review', amount_awarded_pence: null, decided_by_id: null });
      expect(await fundRow('CV', '2021-22')).toEqual({ budget_pence: 100000, allocated_pence: 60000 });
      expect(await count('audit_event', `subject = $1`, [`bid:${b}`])).toBe(0);

      // exactly the rest fits
      await approve(admin, b, 40000).expect(200);
      expect(await fundRow('CV', '2021-22')).toEqual({ budget_pence: 100000, allocated_pence: 100000 });
    });

    it('the budget cannot go below what is allocated (409); down to it is fine', async () => {
      const res = await t.http().put('/api/v1/funds/CV/2021-22').set(...admin.auth).send({ budgetPence: 99999 }).expect(409);
      expect(res.body).toMatchObject({ code: 'BUDGET_EXCEEDED', message: 'The budget cannot be set to £999.99: £1,000.00 is already allocated' });
      expect(await fundRow('CV', '2021-22')).toEqual({ budget_pence: 100000, allocated_pence: 100000 });
      await t.http().put('/api/v1/funds/CV/2021-22').set(...admin.auth).send({ budgetPence: 100000 }).expect(200);
    });

    // Issue 14 (Lower 15): an award taking allocated_pence past 2^31 answered 400 "Invalid value".
    it('sums past 2^31 pence are money, not errors: 409 BUDGET_EXCEEDED beyond the budget, then the position report adds up', async () => {
      const MAX = 2_147_483_647; // the largest single amount a request may carry
      await setFund('BE', '2031-32', MAX);
      await setFund('SW', '2031-32', MAX);
      const a = await makeBid({ year: '2031-32', amount: 2_000_000_000 });
      const b = await makeBid({ year: '2031-32', amount: 2_000_000_000 });
      expect((await approve(admin, a, 2_000_000_000).expect(200)).body.amountAwardedPence).toBe(2_000_000_000);
      const over = await approve(admin, b, 2_000_000_000).expect(409);
      expect(over.body).toMatchObject({ code: 'BUDGET_EXCEEDED' });
      expect(await bidRow(b)).toMatchObject({ status: 'under_review', amount_awarded_pence: null });
      // A payment past 2^31 in total against an award: 409 too.
      const c = await makeBid({ npu: 'SW', year: '2031-32', amount: MAX });
      await approve(admin, c, MAX).expect(200);
      await pay(admin, c, 2_000_000_000).expect(201);
      expect((await pay(admin, c, 2_000_000_000).expect(409)).body).toMatchObject({ code: 'BUDGET_EXCEEDED' });
      // Totals across NPUs pass 2^31 (and the budget can be lowered down to what is allocated).
      const position = await t.http().get('/api/v1/funds/2031-32/position').set(...admin.auth).expect(200);
      expect(position.body.totals).toMatchObject({ budgetPence: 2 * MAX, allocatedPence: 2_000_000_000 + MAX, spentPence: 2_000_000_000 });
      expect((await t.http().put('/api/v1/funds/BE/2031-32').set(...admin.auth).send({ budgetPence: 1_999_999_999 }).expect(409)).body.code).toBe('BUDGET_EXCEEDED');
      expect(await t.sql(`SELECT data_type FROM information_schema.columns WHERE column_name LIKE '%pence' AND table_schema = 'public' GROUP BY data_type`)).toEqual([{ data_type: 'bigint' }]);
    });

    it('50 parallel approvals never over-allocate the fund', async () => {
      await setFund('BE', '2021-22', 1_000_000);
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => makeBid({ year: '2021-22', amount: 30000, title: `Parallel ${i}` })));
      const results = await Promise.all(ids.map((id, i) => approve(i % 2 ? leadBE : admin, id, 30000)));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(33); // 33 × £300 = £9,900 of £10,000
      expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array(17).fill([409, 'BUDGET_EXCEEDED']));
      const fund = await fundRow('BE', '2021-22');
      expect(fund).toEqual({ budget_pence: 1_000_000, allocated_pence: 990_000 });
      const [{ awarded, approved }] = await t.sql<{ awarded: number; approved: number }>(
        `SELECT COALESCE(sum(amount_awarded_pence), 0)::int AS awarded, count(*)::int AS approved
           FROM bid WHERE npu_code = 'BE' AND financial_year = '2021-22' AND status IN ('approved', 'completed')`,
      );
      expect({ awarded, approved }).toEqual({ awarded: fund.allocated_pence, approved: 33 });
      expect(await count('bid', `npu_code = 'BE' AND financial_year = '2021-22' AND status = 'under_review'`)).toBe(17);
      expect(await count('audit_event', `action = 'bid.approve' AND subject = ANY($1)`, [ids.map((id) => `bid:${id}`)])).toBe(33);
    });
  });

  describe('payments', () => {
    let awarded: string;
    beforeAll(async () => {
      awarded = await makeBid({ amount: 150000 });
      await approve(leadBE, awarded, 150000).expect(200);
    });

    it('only against approved or completed bids', async () => {
      const open = await makeBid({});
      const res = await pay(leadBE, open, 100).expect(409);
      expect(res.body.message).toBe('Payments are recorded only against approved or completed bids; this bid is under_review');
      expect(await count('bid_payment', 'bid_id = $1', [open])).toBe(0);
    });

    it('never above the award', async () => {
      const first = await pay(leadBE, awarded, 100000, '2020-10-01').expect(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(UUID),
        bidId: awarded,
        amountPence: 100000,
        paidOn: '2020-10-01',
        recordedById: leadBE.id,
        recordedAt: expect.any(String),
        paidPence: 100000,
        amountAwardedPence: 150000,
      });
      const over = await pay(leadBE, awarded, 50001).expect(409);
      expect(over.body).toMatchObject({ code: 'BUDGET_EXCEEDED', message: 'Paying £500.01 would exceed the award: £500.00 is left to pay' });
      expect((await pay(admin, awarded, 50000, '2021-03-31').expect(201)).body.paidPence).toBe(150000);
      await pay(admin, awarded, 1).expect(409);
      expect(await bidRow(awarded)).toMatchObject({ paid_pence: 150000 });
      expect(await t.sql('SELECT amount_pence::float8 AS amount_pence, paid_on::text FROM bid_payment WHERE bid_id = $1 ORDER BY paid_on', [awarded])).toEqual([
        { amount_pence: 100000, paid_on: '2020-10-01' },
        { amount_pence: 50000, paid_on: '2021-03-31' },
      ]);
      const audit = await t.sql<{ data: Record<string, unknown> }>(
        `SELECT data FROM audit_event WHERE action = 'bid.payment' AND subject = $1 ORDER BY at`,
        [`bid:${awarded}`],
      );
      expect(audit.map((a) => ({ ...a.data, paymentId: undefined }))).toEqual([
        { amountPence: 100000, paidOn: '2020-10-01', paidPence: 100000, amountAwardedPence: 150000, paymentId: undefined },
        { amountPence: 50000, paidOn: '2021-03-31', paidPence: 150000, amountAwardedPence: 150000, paymentId: undefined },
      ]);
    });

    it('20 parallel payments: exactly the award is paid', async () => {
      const id = await makeBid({ amount: 10000 });
      await approve(leadBE, id, 10000).expect(200);
      const results = await Promise.all(Array.from({ length: 20 }, () => pay(leadBE, id, 1000)));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
      expect(await bidRow(id)).toMatchObject({ paid_pence: 10000, amount_awarded_pence: 10000 });
      const [{ total, n }] = await t.sql<{ total: number; n: number }>('SELECT sum(amount_pence)::int AS total, count(*)::int AS n FROM bid_payment WHERE bid_id = $1', [id]);
      expect({ total, n }).toEqual({ total: 10000, n: 10 });
    });

    it('rejects bad amounts and dates (400) and other roles and NPUs (403), writing nothing', async () => {
      const id = await makeBid({ amount: 10000 });
      await approve(leadBE, id, 10000).expect(200);
      for (const [amount, paidOn] of [
        [0, '2020-11-30'],
        [-1, '2020-11-30'],
        [1.5, '2020-11-30'],
        ['100', '2020-11-30'],
        [2 ** 31, '2020-11-30'],
        [100, '2021-02-29'],
        [100, '30/11/2020'],
        [100, '2020-11-30T10:00:00Z'],
        [100, null],
        [100, '2999-12-31'], // in the future
      ]) {
        const res = await pay(leadBE, id, amount, paidOn);
        expect([amount, paidOn, res.status]).toEqual([amount, paidOn, 400]);
      }
      await pay(ecoBE, id, 100).expect(403);
      await pay(leadSW, id, 100).expect(403);
      expect(await count('bid_payment', 'bid_id = $1', [id])).toBe(0);
      expect(await bidRow(id)).toMatchObject({ paid_pence: 0 });
    });

    it('a completed bid can still be paid up to its award', async () => {
      const id = await makeBid({ amount: 5000 });
      await approve(leadBE, id, 5000).expect(200);
      await t.http().post(`/api/v1/bids/${id}/evaluation`).set(...ecoBE.auth).send({ outcome: 'achieved', notes: 'Done' }).expect(201);
      expect((await pay(leadBE, id, 5000).expect(201)).body.paidPence).toBe(5000);
    });
  });

  describe('alignment to a staff member', () => {
    const assign = (who: Login, id: string, staffId: unknown) => t.http().post(`/api/v1/bids/${id}/assign`).set(...who.auth).send({ staffId });

    it('to an active staff member of the bid\'s NPU only', async () => {
      const id = await makeBid({});
      const res = await assign(ecoBE, id, officerBE.id).expect(200);
      expect(res.body).toMatchObject({ id, alignedStaffId: officerBE.id });
      expect((await assign(ecoBE, id, officerSW.id).expect(400)).body.message).toBe('staffId must be a staff member of NPU BE');
      expect((await assign(ecoBE, id, analyst.id).expect(400)).body.message).toBe('staffId must be a staff member of NPU BE');
      expect((await assign(ecoBE, id, MISSING).expect(400)).body.message).toBe('staffId is not an active staff member');
      await assign(ecoBE, id, 'nobody').expect(400);
      await assign(ecoSW, id, officerSW.id).expect(403);
      await assign(analyst, id, officerBE.id).expect(403);
      expect((await bidRow(id)).aligned_staff_id).toBe(officerBE.id);
      expect((await assign(admin, id, leadBE.id).expect(200)).body.alignedStaffId).toBe(leadBE.id);
      expect((await assign(cadetsBE, id, cadetsBE.id).expect(200)).body.alignedStaffId).toBe(cadetsBE.id);
    });
  });

  describe('listing bids', () => {
    it('pages with a keyset cursor and filters by year and status', async () => {
      await setFund('SW', '2024-25', 1_000_000);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await makeBid({ npu: 'SW', year: '2024-25', title: `List ${i}`, status: i === 2 ? 'submitted' : 'under_review' }));
      const seen: string[] = [];
      let cursor: string | null = null;
      type Listed = { body: { items: { id: string }[]; nextCursor: string | null } };
      do {
        const res: Listed = await t
          .http()
          .get('/api/v1/bids')
          .query({ npu: 'SW', year: '2024-25', limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...leadSW.auth)
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((b) => b.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const submitted = await t.http().get('/api/v1/bids?year=2024-25&status=submitted').set(...admin.auth).expect(200);
      expect(submitted.body).toEqual({ items: [expect.objectContaining({ id: ids[2], status: 'submitted', title: 'List 2' })], nextCursor: null });
    });

    it('NPU-bound staff see their NPU only; ?npu of another NPU is 403', async () => {
      const res = await t.http().get('/api/v1/bids?limit=200').set(...ecoBE.auth).expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(new Set(res.body.items.map((b: { npuCode: string }) => b.npuCode))).toEqual(new Set(['BE']));
      await t.http().get('/api/v1/bids?npu=SW').set(...ecoBE.auth).expect(403);
      const sw = await makeBid({ npu: 'SW' });
      await t.http().get(`/api/v1/bids/${sw}`).set(...ecoBE.auth).expect(403);
    });

    it('rejects bad filters and cursors', async () => {
      for (const q of ['status=paid', 'year=2024', 'npu=sw', 'limit=0', 'limit=201', 'cursor=!!!', 'sort=title']) {
        const res = await t.http().get(`/api/v1/bids?${q}`).set(...admin.auth);
        expect([q, res.status]).toEqual([q, 400]);
      }
    });
  });

  describe('participatory budgeting', () => {
    const YEAR = '2022-23';
    const base = `/api/v1/funds/BE/${YEAR}`;
    let b1: string, b2: string, b3: string, b4: string, offBallot: string, swBid: string;
    const residents: Awaited<ReturnType<typeof makeResident>>[] = [];
    const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
    const inAWeek = () => new Date(Date.now() + 7 * 86400_000).toISOString();
    const vote = (who: { auth: [string, string] }, bidIds: unknown) => t.http().post(`${base}/votes`).set(...who.auth).send({ bidIds });

    beforeAll(async () => {
      await setFund('BE', YEAR, 100_000);
      await setFund('SW', YEAR, 100_000);
      b1 = await makeBid({ year: YEAR, amount: 60_000, title: 'Boxing', status: 'submitted' });
      b2 = await makeBid({ year: YEAR, amount: 50_000, title: 'Garden' });
      b3 = await makeBid({ year: YEAR, amount: 30_000, title: 'Bike marking' });
      b4 = await makeBid({ year: YEAR, amount: 20_000, title: 'Signs' });
      offBallot = await makeBid({ year: YEAR, amount: 10_000, title: 'Approved outside the vote' });
      swBid = await makeBid({ npu: 'SW', year: YEAR });
      for (const ward of ['BE01', 'BE02', 'BE03', 'BE01', 'BE02', 'BE03']) residents.push(await makeResident(ward));
    });

    it('validates the round: dates, K, bids of this fund that are still open, roles and NPU', async () => {
      const good = { opensAt: inAnHour(), closesAt: inAWeek(), maxVotesPerResident: 2, bidIds: [b1, b2, b3, b4] };
      const bad: [string, Record<string, unknown>, number][] = [
        ['closes before it opens', { ...good, closesAt: good.opensAt, opensAt: good.closesAt }, 400],
        ['closed already', { ...good, opensAt: '2020-01-01T00:00:00Z', closesAt: '2020-02-01T00:00:00Z' }, 400],
        ['K above the ballot', { ...good, maxVotesPerResident: 5 }, 400],
        ['K zero', { ...good, maxVotesPerResident: 0 }, 400],
        ['K float', { ...good, maxVotesPerResident: 1.5 }, 400],
        ['bid of another NPU', { ...good, bidIds: [b1, swBid] }, 400],
        ['unknown bid', { ...good, bidIds: [b1, MISSING] }, 400],
        ['same bid twice', { ...good, bidIds: [b1, b1] }, 400],
        ['not a uuid', { ...good, bidIds: ['b1'] }, 400],
        ['empty ballot', { ...good, bidIds: [] }, 400],
        ['bad date', { ...good, opensAt: 'tomorrow' }, 400],
        ['unknown field', { ...good, public: true }, 400],
      ];
      for (const [label, body, status] of bad) {
        const res = await t.http().post(`${base}/voting`).set(...leadBE.auth).send(body);
        expect([label, res.status]).toEqual([label, status]);
      }
      const withdrawn = await makeBid({ year: YEAR, title: 'Withdrawn' });
      await t.http().post(`/api/v1/bids/${withdrawn}/withdraw`).set(...ecoBE.auth).expect(200);
      const closedBid = await t.http().post(`${base}/voting`).set(...leadBE.auth).send({ ...good, bidIds: [b1, withdrawn] }).expect(409);
      expect(closedBid.body.message).toBe(`Only submitted or under-review bids can be voted on: ${withdrawn} is withdrawn`);
      await t.http().post(`${base}/voting`).set(...ecoBE.auth).send(good).expect(403);
      await t.http().post(`${base}/voting`).set(...leadSW.auth).send(good).expect(403);
      await t.http().post('/api/v1/funds/BE/2030-31/voting').set(...leadBE.auth).send(good).expect(404);
      expect(await count('voting_round')).toBe(0);
      expect(await count('voting_round_bid')).toBe(0);
    });

    it('can be changed until it opens; votes before then are 409', async () => {
      const set = await t
        .http()
        .post(`${base}/voting`)
        .set(...leadBE.auth)
        .send({ opensAt: inAnHour(), closesAt: inAWeek(), maxVotesPerResident: 3, bidIds: [b1, b2, b3] })
        .expect(200);
      expect(set.body).toMatchObject({ npuCode: 'BE', financialYear: YEAR, maxVotesPerResident: 3, state: 'scheduled', bidIds: [b1, b2, b3] });
      const early = await vote(residents[0], [b1]).expect(409);
      expect(early.body.message).toBe('Voting has not opened yet');

      const opened = await t
        .http()
        .post(`${base}/voting`)
        .set(...admin.auth)
        .send({ opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: inAWeek(), maxVotesPerResident: 2, bidIds: [b1, b2, b3, b4] })
        .expect(200);
      expect(opened.body).toMatchObject({ maxVotesPerResident: 2, state: 'open', bidIds: [b1, b2, b3, b4] });
      expect(await count('voting_round')).toBe(1);
      expect(await count('voting_round_bid')).toBe(4);
    });

    it('is frozen once open (409)', async () => {
      const res = await t
        .http()
        .post(`${base}/voting`)
        .set(...leadBE.auth)
        .send({ opensAt: inAnHour(), closesAt: inAWeek(), maxVotesPerResident: 4, bidIds: [b1, b2, b3, b4] })
        .expect(409);
      expect(res.body.message).toBe('Voting has opened: the round can no longer be changed');
      const [round] = await t.sql('SELECT max_votes_per_resident FROM voting_round');
      expect(round).toEqual({ max_votes_per_resident: 2 });
    });

    it('shows the ballot to anyone, without applicant details', async () => {
      const res = await t.http().get(`${base}/voting`).expect(200);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        npuCode: 'BE',
        financialYear: YEAR,
        opensAt: expect.any(String),
        closesAt: expect.any(String),
        maxVotesPerResident: 2,
        state: 'open',
        bids: [
          { id: b1, title: 'Boxing', summary: 'A fixture bid', theme: 'other', amountRequestedPence: 60_000 },
          { id: b2, title: 'Garden', summary: 'A fixture bid', theme: 'other', amountRequestedPence: 50_000 },
          { id: b3, title: 'Bike marking', summary: 'A fixture bid', theme: 'other', amountRequestedPence: 30_000 },
          { id: b4, title: 'Signs', summary: 'A fixture bid', theme: 'other', amountRequestedPence: 20_000 },
        ],
      });
      await t.http().get('/api/v1/funds/SW/2022-23/voting').expect(404);
    });

    it('limits each resident to one ballot of up to K bids from the ballot', async () => {
      const [r1] = residents;
      const tooMany = await vote(r1, [b1, b2, b3]).expect(400);
      expect(tooMany.body.message).toBe('You can vote for at most 2 bids');
      await vote(r1, [b1, b1]).expect(400);
      expect((await vote(r1, [b1, offBallot]).expect(400)).body.message).toBe(`Not on this ballot: ${offBallot}`);
      await vote(r1, ['not-a-uuid']).expect(400);
      await vote(r1, []).expect(400);
      await vote(r1, b1).expect(400);
      expect(await count('bid_vote')).toBe(0);

      expect((await vote(r1, [b1, b2]).expect(201)).body).toEqual({ bidIds: [b1, b2] });
      const again = await vote(r1, [b3]).expect(409);
      expect(again.body.message).toBe('You have already voted in this round');
      await vote(r1, [b1]).expect(409);
      expect(await t.sql('SELECT bid_id FROM bid_vote WHERE resident_id = $1 ORDER BY bid_id', [r1.id])).toEqual(
        [b1, b2].sort().map((bid_id) => ({ bid_id })),
      );
    });

    it('one ballot even when sent in parallel', async () => {
      const r2 = residents[1];
      const results = await Promise.all(Array.from({ length: 6 }, () => vote(r2, [b2, b3])));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(await count('bid_vote', 'resident_id = $1', [r2.id])).toBe(2);
      expect(await count('voting_ballot', 'resident_id = $1', [r2.id])).toBe(1);
    });

    it('only verified residents of the NPU vote; staff tokens cannot', async () => {
      const sw = await makeResident('SW01');
      expect((await vote(sw, [b1]).expect(403)).body.message).toBe('Only residents of BE can vote in this round');
      const pending = await makeResident('BE01', 'pending');
      expect((await vote(pending, [b1]).expect(403)).body.message).toBe('Only verified residents can vote');
      const unsubscribed = await makeResident('BE02', 'unsubscribed');
      await vote(unsubscribed, [b1]).expect(403);
      await vote(ecoBE, [b1]).expect(401);
      await t.http().post(`${base}/votes`).send({ bidIds: [b1] }).expect(401);
      expect(await count('voting_ballot')).toBe(2);
    });

    it('ranks the bids and funds the winners while the money lasts', async () => {
      await vote(residents[2], [b2, b4]).expect(201);
      await vote(residents[3], [b1, b3]).expect(201);
      // Money already allocated outside the vote comes off the pot first.
      await approve(leadBE, offBallot, 10_000).expect(200);

      const res = await t.http().get(`${base}/voting/results`).set(...ecoBE.auth).expect(200);
      const row = (bidId: string, title: string, amountRequestedPence: number, status: string) => ({
        bidId,
        title,
        applicantName: 'Fixture Group',
        amountRequestedPence,
        status,
      });
      expect(res.body).toEqual({
        round: expect.objectContaining({ npuCode: 'BE', financialYear: YEAR, maxVotesPerResident: 2, state: 'open' }),
        ballots: 4,
        availablePence: 90_000,
        items: [
          { rank: 1, ...row(b2, 'Garden', 50_000, 'under_review'), votes: 3, funding: 'fund', remainingAfterPence: 40_000 },
          { rank: 2, ...row(b1, 'Boxing', 60_000, 'submitted'), votes: 2, funding: 'does_not_fit', remainingAfterPence: 40_000 },
          { rank: 2, ...row(b3, 'Bike marking', 30_000, 'under_review'), votes: 2, funding: 'fund', remainingAfterPence: 10_000 },
          { rank: 4, ...row(b4, 'Signs', 20_000, 'under_review'), votes: 1, funding: 'does_not_fit', remainingAfterPence: 10_000 },
        ],
        fundedPence: 80_000,
        leftoverPence: 10_000,
      });
      await t.http().get(`${base}/voting/results`).set(...ecoSW.auth).expect(403);
      await t.http().get(`${base}/voting/results`).set(...residents[0].auth).expect(401);
    });

    it('refuses votes once closed (409)', async () => {
      await t.sql(`UPDATE voting_round SET closes_at = now() - interval '1 second', opens_at = now() - interval '1 day'`);
      const res = await vote(residents[4], [b1]).expect(409);
      expect(res.body.message).toBe('Voting has closed');
      expect(await count('voting_ballot')).toBe(4);
      const results = await t.http().get(`${base}/voting/results`).set(...admin.auth).expect(200);
      expect(results.body.round.state).toBe('closed');
    });
  });

  describe('position report', () => {
    const YEAR = '2023-24';
    beforeAll(async () => {
      await setFund('BE', YEAR, 10099600);
      await setFund('SW', YEAR, 6256200);
      await setFund('CV', YEAR, 0);
      const big = await makeBid({ year: YEAR, amount: 5_000_000 });
      const other = await makeBid({ year: YEAR, amount: 3_000_000 });
      await approve(leadBE, big, 5_000_000).expect(200);
      await approve(leadBE, other, 3_000_000).expect(200);
      await pay(leadBE, big, 4_696_200, '2023-06-01').expect(201);
      await pay(leadBE, other, 3_000_000, '2023-09-01').expect(201);
    });

    // Nothing awaits a decision here (issue 22 added the awaiting figures and themes; test/as-at.e2e-spec.ts covers them).
    const none = { awaitingBids: 0, awaitingPence: 0 };
    const expected = {
      asAt: londonDay(),
      items: [
        { npuCode: 'BE', budgetPence: 10099600, allocatedPence: 8000000, spentPence: 7696200, outstandingPence: 2403400, percentSpent: 76, percentAllocated: 79, ...none, percentAllocatedIfApproved: 79 },
        { npuCode: 'CV', budgetPence: 0, allocatedPence: 0, spentPence: 0, outstandingPence: 0, percentSpent: 0, percentAllocated: 0, ...none, percentAllocatedIfApproved: 0 },
        { npuCode: 'SW', budgetPence: 6256200, allocatedPence: 0, spentPence: 0, outstandingPence: 6256200, percentSpent: 0, percentAllocated: 0, ...none, percentAllocatedIfApproved: 0 },
      ],
      totals: { budgetPence: 16355800, allocatedPence: 8000000, spentPence: 7696200, outstandingPence: 8659600, percentSpent: 47, percentAllocated: 49, ...none, percentAllocatedIfApproved: 49 },
      byTheme: [{ theme: 'other', approvedBids: 2, allocatedPence: 8000000, ...none }],
    };

    it('gives budget, allocated, spent and outstanding per NPU with totals (£100,996 − £76,962 = £24,034, 76 %)', async () => {
      const res = await t.http().get(`/api/v1/funds/${YEAR}/position`).set(...analyst.auth).expect(200);
      expect(res.body).toEqual(expected);
    });

    it('as CSV with the same numbers and a TOTAL row', async () => {
      const res = await t.http().get(`/api/v1/funds/${YEAR}/position?format=csv&columns=keys`).set(...admin.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      // For people (the default): the shared report vocabulary's headings, the same figures.
      const forPeople = await t.http().get(`/api/v1/funds/${YEAR}/position?format=csv`).set(...admin.auth).expect(200);
      expect(forPeople.text.split('\r\n')[0]).toBe(
        'NPU,Budget (pence),Allocated (pence),Spent (pence),Outstanding (pence),Spent (% of budget),Allocated (% of budget),Bids awaiting a decision,Awaiting a decision (pence),Allocated if all awaiting bids are approved (% of budget)',
      );
      // The same lines, the totals line "Total" for people (TOTAL for machines).
      expect(forPeople.text.split('\r\n').slice(1)).toEqual(res.text.split('\r\n').slice(1).map((l) => l.replace(/^TOTAL,/, 'Total,')));
      expect(forPeople.text).toMatch(/\r\nTotal,/);
      const { header, records } = parseCsv(res.text);
      expect(header).toEqual([
        'npucode', 'budgetpence', 'allocatedpence', 'spentpence', 'outstandingpence', 'percentspent', 'percentallocated', 'awaitingbids', 'awaitingpence', 'percentallocatedifapproved',
      ]);
      const rows = records.map(({ values: v }) => ({
        npuCode: v.npucode,
        budgetPence: Number(v.budgetpence),
        allocatedPence: Number(v.allocatedpence),
        spentPence: Number(v.spentpence),
        outstandingPence: Number(v.outstandingpence),
        percentSpent: Number(v.percentspent),
        percentAllocated: Number(v.percentallocated),
        awaitingBids: Number(v.awaitingbids),
        awaitingPence: Number(v.awaitingpence),
        percentAllocatedIfApproved: Number(v.percentallocatedifapproved),
      }));
      expect(rows).toEqual([...expected.items, { npuCode: 'TOTAL', ...expected.totals }]);
    });

    it('is force-wide management information for admins, analysts, leads and ECOs only', async () => {
      expect((await t.http().get(`/api/v1/funds/${YEAR}/position`).set(...ecoSW.auth).expect(200)).body).toEqual(expected);
      await t.http().get(`/api/v1/funds/${YEAR}/position`).set(...leadBE.auth).expect(200);
      await t.http().get(`/api/v1/funds/${YEAR}/position`).set(...officerBE.auth).expect(403);
      await t.http().get(`/api/v1/funds/${YEAR}/position`).set(...cadetsBE.auth).expect(403);
      await t.http().get(`/api/v1/funds/${YEAR}/position`).expect(401);
    });

    it('an empty year, and bad input', async () => {
      const empty = await t.http().get('/api/v1/funds/2040-41/position').set(...admin.auth).expect(200);
      expect(empty.body).toEqual({
        asAt: londonDay(),
        items: [],
        totals: { budgetPence: 0, allocatedPence: 0, spentPence: 0, outstandingPence: 0, percentSpent: 0, percentAllocated: 0, awaitingBids: 0, awaitingPence: 0, percentAllocatedIfApproved: 0 },
        byTheme: [],
      });
      await t.http().get('/api/v1/funds/2023-25/position').set(...admin.auth).expect(400);
      await t.http().get(`/api/v1/funds/${YEAR}/position?format=xml`).set(...admin.auth).expect(400);
    });
  });

  describe('demo seed', () => {
    it('loads the ACF 2019/20 budgets of the NPUs that exist and a few bids, once', async () => {
      const funding = t.app.get(FundingService);
      expect(await funding.seedDemo()).toEqual({ funds: 3, bids: 4 });
      expect(await funding.seedDemo()).toEqual({ funds: 0, bids: 0 });
      expect(await t.sql(`SELECT npu_code, budget_pence::float8 AS budget_pence, allocated_pence::float8 AS allocated_pence FROM fund WHERE financial_year = '2019-20' ORDER BY npu_code`)).toEqual([
        { npu_code: 'BE', budget_pence: 10099600, allocated_pence: 0 },
        { npu_code: 'CV', budget_pence: 8032400, allocated_pence: 0 },
        { npu_code: 'SW', budget_pence: 6256200, allocated_pence: 0 },
      ]);
      expect(await t.sql(`SELECT npu_code, status, count(*)::int AS n FROM bid WHERE financial_year = '2019-20' GROUP BY 1, 2 ORDER BY 1, 2`)).toEqual([
        { npu_code: 'BE', status: 'submitted', n: 1 },
        { npu_code: 'BE', status: 'under_review', n: 2 },
        { npu_code: 'SW', status: 'submitted', n: 1 },
      ]);
    });
  });
});
