import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CadetsService } from '@beacon/cadets';
import type { StaffPrincipal } from '@beacon/core';
import { BidService, FundingService, financialYearOf } from '@beacon/funding';
import { checkPage, consoleAgent, expectContains, hasChromium, signInPage, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import type { TestApp } from './utils/test-app';

// The console's Active Citizens Fund and Cadets pages (issue 16): the rules over HTTP, each workflow in Chromium.
const PASSWORD = 'console-acf-cadets-password';
const YEAR = financialYearOf();
let t: TestApp;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  ({ t, base, ids } = await startConsoleApp({
    name: 'console-acf',
    domain: 'acf.test',
    password: PASSWORD,
    staff: [
      ['admin', 'Adam Admin', 'admin', null],
      ['leadBE', 'Lara Lead', 'npu_lead', 'BE'],
      ['leadSW', 'Sam Lead', 'npu_lead', 'SW'],
      ['ecoBE', 'Erin Eco', 'eco', 'BE'],
      ['cadetBE', 'Cara Leader', 'cadet_leader', 'BE'],
      ['cadetSW', 'Colm Leader', 'cadet_leader', 'SW'],
    ],
  }));
});
afterAll(async () => {
  await t?.close();
});

const signIn = (key: string) => consoleAgent(t, `${key}@acf.test`, PASSWORD);
const count = async (table: string, where = 'true', params: unknown[] = []) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;
const fundRow = async (npu: string) => (await t.sql<{ budget: number; allocated: number }>(`SELECT budget_pence::int AS budget, allocated_pence::int AS allocated FROM fund WHERE npu_code = $1 AND financial_year = $2`, [npu, YEAR]))[0];

async function makeBid(npuCode: string, title: string, pence: number, review = true): Promise<string> {
  const bids = t.app.get(BidService);
  const { id } = await bids.submit({ npuCode, financialYear: YEAR, applicantName: `${title} group`, applicantType: 'group', contactEmail: 'group@example.org', title, summary: `What ${title} is for.`, theme: 'crime_prevention', amountRequestedPence: pence });
  if (review) await t.sql(`UPDATE bid SET status = 'under_review' WHERE id = $1`, [id]);
  return id;
}

describe('console ACF: the rules over HTTP', () => {
  beforeAll(async () => {
    const funding = t.app.get(FundingService);
    await funding.setBudget('SW', YEAR, 100_000);
  });

  it('a form post without the CSRF token is a 403 and writes nothing', async () => {
    const id = await makeBid('SW', 'No token', 10_000);
    const lead = await signIn('leadSW');
    await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ amount: '100' }).expect(403);
    await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ amount: '100', csrfToken: 'forged' }).expect(403);
    const admin = await signIn('admin');
    await admin.agent.post('/console/acf/budgets').type('form').send({ year: YEAR, npuCode: 'SW', budget: '5' }).expect(403);
    expect((await t.sql(`SELECT status FROM bid WHERE id = $1`, [id]))[0]).toEqual({ status: 'under_review' });
    expect(await fundRow('SW')).toEqual({ budget: 100_000, allocated: 0 });
  });

  it('approving more than is left to allocate comes back with the error summary and writes nothing', async () => {
    const id = await makeBid('SW', 'Too big', 150_000);
    const lead = await signIn('leadSW');
    const res = await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ csrfToken: lead.csrf, amount: '1,500.00' }).expect(409);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('is more than the fund has left to allocate (£1,000.00)');
    expect((await t.sql(`SELECT status, amount_awarded_pence FROM bid WHERE id = $1`, [id]))[0]).toEqual({ status: 'under_review', amount_awarded_pence: null });
    expect(await fundRow('SW')).toEqual({ budget: 100_000, allocated: 0 });
    expect(await count('audit_event', `action = 'bid.approve' AND subject = $1`, [`bid:${id}`])).toBe(0);
  });

  it('less than asked needs a reason; an amount that is not money is refused; a payment cannot be in the future', async () => {
    const id = await makeBid('SW', 'Partly', 20_000);
    const lead = await signIn('leadSW');
    for (const amount of ['', 'ten', '1.234', '-5', '200.01', '0']) {
      const bad = await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ csrfToken: lead.csrf, amount }).expect(400);
      expect(bad.text).toContain('href="#amount"');
    }
    const noReason = await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ csrfToken: lead.csrf, amount: '150' }).expect(400);
    expect(noReason.text).toContain('href="#approveReason"');
    expect((await t.sql(`SELECT status FROM bid WHERE id = $1`, [id]))[0]).toEqual({ status: 'under_review' });
    await lead.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ csrfToken: lead.csrf, amount: '150', approveReason: 'The venue is free' }).expect(303);
    expect((await t.sql(`SELECT status, amount_awarded_pence::int AS a, decision_reason AS r FROM bid WHERE id = $1`, [id]))[0]).toEqual({ status: 'approved', a: 15_000, r: 'The venue is free' });
    const next = new Date(Date.now() + 3 * 86_400_000);
    const future = await lead.agent
      .post(`/console/acf/bids/${id}/payments`)
      .type('form')
      .send({ csrfToken: lead.csrf, paymentAmount: '10', 'paidOn-day': String(next.getUTCDate()), 'paidOn-month': String(next.getUTCMonth() + 1), 'paidOn-year': String(next.getUTCFullYear()) })
      .expect(400);
    expect(future.text).toContain('href="#paidOn-day"');
    expect(await count('bid_payment', 'bid_id = $1', [id])).toBe(0);
  });

  it('staff outside the bid’s NPU get the 403 page; roles that may not decide get no form and a 403 on post', async () => {
    const id = await makeBid('SW', 'Elsewhere', 1_000);
    const leadBE = await signIn('leadBE');
    const page = await leadBE.agent.get(`/console/acf/bids/${id}`).expect(403);
    expect(page.text).toContain('govuk-heading-l');
    expect(page.text).not.toContain('Elsewhere');
    await leadBE.agent.post(`/console/acf/bids/${id}/approve`).type('form').send({ csrfToken: leadBE.csrf, amount: '10' }).expect(403);
    await leadBE.agent.get(`/console/acf/voting/SW/${YEAR}`).expect(403);
    await leadBE.agent.get('/console/acf/bids/00000000-0000-4000-8000-000000000000').expect(404);
    const eco = await signIn('ecoBE');
    await eco.agent.post('/console/acf/budgets').type('form').send({ csrfToken: eco.csrf, year: YEAR, npuCode: 'BE', budget: '5' }).expect(403);
    expect((await t.sql(`SELECT status FROM bid WHERE id = $1`, [id]))[0]).toEqual({ status: 'under_review' });
  });
});

describe('console cadets: children’s details as the API decides', () => {
  let unitId: string;
  beforeAll(async () => {
    const cadets = t.app.get(CadetsService);
    const unit = await cadets.createUnit({ npuCode: 'BE', name: 'Hodge Hill Cadets', kind: 'cadets' });
    unitId = unit.id;
    const admin = { id: ids.admin, role: 'admin', npuCode: null } as StaffPrincipal;
    await cadets.addMember(admin, unitId, { firstName: 'Tilly', lastName: 'Young', dateOfBirth: '2012-05-17', guardianName: 'Gwen Young', guardianPhone: '07911 123456', role: 'cadet' });
  });

  it('an ECO and an NPU lead see names only: no date of birth or guardian in the HTML; a cadet leader of the NPU sees them, audited', async () => {
    for (const key of ['ecoBE', 'leadBE']) {
      const html = (await (await signIn(key)).agent.get(`/console/cadets/${unitId}`).expect(200)).text;
      expect(html).toContain('Tilly Young');
      for (const secret of ['Gwen', '+447911123456', '07911 123456', '2012-05-17', '17 May 2012', 'Date of birth', 'Parent or guardian']) expect([key, html.includes(secret)]).toEqual([key, false]);
      expect(html).not.toContain('data-action="add-member"');
    }
    const before = await count('audit_event', `action = 'read cadet_member'`);
    const leader = (await (await signIn('cadetBE')).agent.get(`/console/cadets/${unitId}`).expect(200)).text;
    expect(leader).toContain('Gwen Young, +447911123456');
    expect(leader).toContain('17 May 2012');
    expect(await count('audit_event', `action = 'read cadet_member'`)).toBe(before + 1);
  });

  it('a cadet leader of another NPU gets the 403 page and cannot write to the unit', async () => {
    const other = await signIn('cadetSW');
    const res = await other.agent.get(`/console/cadets/${unitId}`).expect(403);
    expect(res.text).not.toContain('Tilly');
    await other.agent.post(`/console/cadets/${unitId}/members`).type('form').send({ csrfToken: other.csrf, firstName: 'X', lastName: 'Y', role: 'leader', 'dateOfBirth-day': '1', 'dateOfBirth-month': '1', 'dateOfBirth-year': '1980' }).expect(403);
    // An NPU-bound leader's unit is always in their own NPU, whatever the form says.
    await other.agent.post('/console/cadets').type('form').send({ csrfToken: other.csrf, name: 'Sneaky', kind: 'cadets', npuCode: 'BE' }).expect(303);
    expect(await count('cadet_member')).toBe(1);
    expect(await t.sql(`SELECT npu_code FROM cadet_unit WHERE name = 'Sneaky'`)).toEqual([{ npu_code: 'SW' }]);
  });
});

(hasChromium ? describe : describe.skip)('console ACF and cadets in Chromium', () => {
  const b = useConsoleBrowser();

  it('an admin sets a budget (pounds with a comma) and reads the position with what is left to allocate', async () => {
    const { page } = b;
    await signInPage(page, base, 'admin@acf.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Active Citizens Fund")');
    await page.waitForURL(/\/console\/acf$/);
    await page.click('[data-action="save-budget"]');
    await page.waitForSelector('.govuk-error-summary a[href="#npuCode"]');
    await checkPage(b, 'acf-budget-errors');
    await page.selectOption('#npuCode', 'BE');
    await page.fill('#budget', '1,250.50');
    await page.click('[data-action="save-budget"]');
    await page.waitForURL(/done=budget/);
    expect(await fundRow('BE')).toEqual({ budget: 125_050, allocated: 0 });
    const row = page.locator('#fund-position tr', { hasText: 'Birmingham East' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('£1,250.50 £0.00 £1,250.50 £0.00 £1,250.50');
    await checkPage(b, 'acf');
  });

  it('an NPU lead reviews a bid, assigns it, awards less than asked with a reason, pays it and records the evaluation', async () => {
    const { page } = b;
    const id = await makeBid('BE', 'Bike marking days', 60_000, false);
    await signInPage(page, base, 'leadBE@acf.test', PASSWORD);
    await page.goto(`${base}/console/acf`);
    await page.click(`#bid-list a:has-text("Bike marking days")`);
    await page.waitForURL(new RegExp(`/console/acf/bids/${id}$`));
    await checkPage(b, 'acf-bid-submitted');
    await page.click('[data-action="review"]');
    await page.waitForURL(/done=review/);
    await expectContains(page, '#bid-status', 'Under review');
    await page.selectOption('#staffId', ids.ecoBE);
    await page.click('[data-action="assign"]');
    await page.waitForURL(/done=assigned/);
    await expectContains(page, '#bid-summary', 'Erin Eco');
    await page.fill('#amount', '400');
    await page.click('[data-action="approve"]');
    await page.waitForSelector('.govuk-error-summary a[href="#approveReason"]');
    await checkPage(b, 'acf-bid-approve-errors');
    await page.fill('#approveReason', 'The stencils are donated');
    await page.click('[data-action="approve"]');
    await page.waitForURL(/done=approved/);
    await expectContains(page, '#bid-summary', 'The stencils are donated');
    await expectContains(page, '#bid-fund', '£850.50');
    expect(await fundRow('BE')).toEqual({ budget: 125_050, allocated: 40_000 });
    await page.fill('#paymentAmount', '150.25');
    await page.click('[data-action="record-payment"]');
    await page.waitForURL(/done=payment/);
    await expectContains(page, '#payments', '£150.25');
    await expectContains(page, '#bid-summary', '£249.75 left to pay');
    await checkPage(b, 'acf-bid-approved');
    await page.click('[data-action="evaluate"]');
    await page.waitForSelector('.govuk-error-summary a[href="#outcome"]');
    await page.check('#outcome-2');
    await page.fill('#notes', '240 bikes marked over six sessions.');
    await page.click('[data-action="evaluate"]');
    await page.waitForURL(/done=evaluation/);
    await expectContains(page, '#bid-status', 'Completed');
    await expectContains(page, '#evaluation', 'Partly achieved');
    await checkPage(b, 'acf-bid-completed');

    // The position: allocated and left to allocate, spent and outstanding.
    await page.goto(`${base}/console/acf`);
    const row = page.locator('#fund-position tr', { hasText: 'Birmingham East' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('£1,250.50 £400.00 £850.50 £150.25 £1,100.25');
  });

  it('an NPU lead rejects a bid with a reason, and sets a voting round whose results show', async () => {
    const { page } = b;
    const rejected = await makeBid('BE', 'Fireworks night', 90_000);
    await makeBid('BE', 'Canal clean-up', 30_000);
    await makeBid('BE', 'Youth football', 20_000);
    await signInPage(page, base, 'leadBE@acf.test', PASSWORD);
    await page.goto(`${base}/console/acf/bids/${rejected}`);
    await page.click('#reject-details summary');
    await page.click('[data-action="reject"]');
    await page.waitForSelector('.govuk-error-summary a[href="#rejectReason"]');
    await page.fill('#rejectReason', 'Fireworks are outside the fund’s themes');
    await page.click('[data-action="reject"]');
    await page.waitForURL(/done=rejected/);
    await expectContains(page, '#bid-status', 'Rejected');

    await page.goto(`${base}/console/acf`);
    await page.click('#voting-links a:has-text("Birmingham East")');
    await page.waitForURL(new RegExp(`/console/acf/voting/BE/${YEAR}$`));
    await checkPage(b, 'acf-voting-empty');
    await page.click('[data-action="save-round"]');
    await page.waitForSelector('.govuk-error-summary a[href="#bidIds"]');
    await checkPage(b, 'acf-voting-errors');
    const local = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d).replace(' ', 'T');
    await page.fill('#opensAt', local(new Date(Date.now() + 86_400_000)));
    await page.fill('#closesAt', local(new Date(Date.now() + 10 * 86_400_000)));
    await page.fill('#maxVotes', '1');
    await page.locator('label:has-text("Canal clean-up")').click();
    await page.locator('label:has-text("Youth football")').click();
    await page.click('[data-action="save-round"]');
    await page.waitForURL(/done=set/);
    await expectContains(page, '#round-summary', 'Not open yet');
    await expectContains(page, '#results', 'Canal clean-up');
    await expectContains(page, '#results-summary', '0 residents have voted');
    // The link staff put in the message announcing the round: the residents' ballot (sign-in first).
    await expectContains(page, '#ballot-link', '/me/vote');
    expect(await count('voting_round_bid')).toBe(2);
    await checkPage(b, 'acf-voting');
  });

  it('a cadet leader sets up a unit, adds a cadet and a leader, records a session and marks a member as left', async () => {
    const { page } = b;
    await signInPage(page, base, 'cadetBE@acf.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Cadets")');
    await page.waitForURL(/\/console\/cadets$/);
    await checkPage(b, 'cadets');
    await page.fill('#name', 'Shard End Mini Police');
    await page.check('#kind-2');
    await page.click('[data-action="create-unit"]');
    await page.waitForURL(/\/console\/cadets\/[0-9a-f-]{36}\?done=created$/);
    await checkPage(b, 'cadet-unit-empty');

    // A child without a guardian, then too young: the error summary, nothing stored.
    await page.fill('#firstName', 'Ada');
    await page.fill('#lastName', 'Small');
    await page.check('#role');
    await page.fill('#dateOfBirth-day', '3');
    await page.fill('#dateOfBirth-month', '4');
    await page.fill('#dateOfBirth-year', String(new Date().getFullYear() - 5));
    await page.click('[data-action="add-member"]');
    await page.waitForSelector('.govuk-error-summary a[href="#guardianName"]');
    await page.fill('#guardianName', 'Bea Small');
    await page.fill('#guardianPhone', '07911 123457');
    await page.click('[data-action="add-member"]');
    await page.waitForSelector('.govuk-error-summary a[href="#dateOfBirth-day"]');
    await checkPage(b, 'cadet-unit-member-errors');
    expect(await count('cadet_member', `first_name = 'Ada'`)).toBe(0);
    await page.fill('#dateOfBirth-year', String(new Date().getFullYear() - 10));
    await page.click('[data-action="add-member"]');
    await page.waitForURL(/done=added/);
    await page.fill('#firstName', 'Len');
    await page.fill('#lastName', 'Leader');
    await page.check('#role-2');
    await page.fill('#dateOfBirth-day', '9');
    await page.fill('#dateOfBirth-month', '10');
    await page.fill('#dateOfBirth-year', '1980');
    await page.click('[data-action="add-member"]');
    await page.waitForURL(/done=added/);
    await expectContains(page, '#member-list', 'Bea Small, +447911123457');

    await page.locator('label:has-text("Ada Small")').click();
    await page.locator('label:has-text("Len Leader")').click();
    await page.click('[data-action="record-session"]');
    await page.waitForURL(/done=session/);
    await expectContains(page, '#session-list', '2');
    await checkPage(b, 'cadet-unit');
    await page.locator('#member-list tr', { hasText: 'Len Leader' }).locator('[data-action="leave"]').click();
    await page.waitForURL(/done=left/);
    expect(await t.sql(`SELECT first_name, left_at IS NOT NULL AS left FROM cadet_member WHERE first_name IN ('Ada', 'Len') ORDER BY first_name`)).toEqual([
      { first_name: 'Ada', left: false },
      { first_name: 'Len', left: true },
    ]);
  });

  it('no page logged a script error or CSP violation', () => {
    expect([...b.visited].sort()).toEqual(['/console/acf', '/console/acf/bids/:id', '/console/acf/bids/:id/approve', '/console/acf/budgets', '/console/acf/voting/BE/:year', '/console/cadets', '/console/cadets/:id', '/console/cadets/:id/members'].map((p) => p.replace(':year', YEAR)).sort());
    expect(b.problems).toEqual([]);
  });
});
