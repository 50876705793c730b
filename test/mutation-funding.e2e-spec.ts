import { beforeAll, describe, expect, it } from '@jest/globals';
import { BidDecisionService } from '@beacon/funding';
import { londonDay, type StaffPrincipal } from '@beacon/core';
import { NotificationComposerRegistry, type EmailMessage } from '@beacon/channels';
import type { NotificationJob } from '@beacon/core';
import { useSuite } from './utils/suite';
import { loginAll, type Login } from './utils/test-app';

// Issue 27: the ACF decision and payment rules that libs/funding/src/bids/bid-decision.service.ts
// mutants survived in test/funding.e2e-spec.ts (scripts/mutation.mjs TESTS). Real PostgreSQL.
describe('funding decisions and payments (mutation survivors)', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  let leadBE: Login;
  let render: (job: NotificationJob) => Promise<EmailMessage>;
  const YEAR = '2022-23';

  beforeAll(async () => {
    render = async (job: NotificationJob) => (await t.app.get(NotificationComposerRegistry).composer('email', job.template)!(job.ref))!;
    ({ admin, leadBE } = await loginAll(t, { admin: ['admin'], leadBE: ['npu_lead', 'BE'] }));
    await t.http().put(`/api/v1/funds/BE/${YEAR}`).set(...admin.auth).send({ budgetPence: 1_000_000 }).expect(200);
  });

  /** The principal the console passes (the JSON API does not carry an approval reason). */
  const principal = async (who: Login): Promise<StaffPrincipal> => {
    const [row] = await t.sql<StaffPrincipal>(`SELECT 'staff' AS kind, id, email, name, role, npu_code AS "npuCode" FROM staff WHERE id = $1`, [who.id]);
    return row;
  };

  const makeBid = async (o: { year?: string; amount?: number; status?: string } = {}) => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence, status)
       VALUES ('BE', $1, 'Fixture Group', 'group', 'fixture@example.org', 'Fixture bid', 'A fixture bid', 'other', $2, $3) RETURNING id`,
      [o.year ?? YEAR, o.amount ?? 100000, o.status ?? 'under_review'],
    );
    return row.id;
  };

  const bidRow = async (id: string) =>
    (
      await t.sql<{ status: string; amount_awarded_pence: number | null; paid_pence: number; decided_by_id: string | null; decision_reason: string | null }>(
        'SELECT status, amount_awarded_pence::float8 AS amount_awarded_pence, paid_pence::float8 AS paid_pence, decided_by_id, decision_reason FROM bid WHERE id = $1',
        [id],
      )
    )[0];

  const count = async (table: string, where: string, values: unknown[]) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values))[0].n;

  const approve = (who: Login, id: string, amountAwardedPence: number) =>
    t.http().post(`/api/v1/bids/${id}/approve`).set(...who.auth).send({ amountAwardedPence });

  const pay = (who: Login, id: string, amountPence: number, paidOn: string) =>
    t.http().post(`/api/v1/bids/${id}/payments`).set(...who.auth).send({ amountPence, paidOn });

  /**
   * Runs `request` while another transaction holds the bid's row lock, and moves the bid to
   * `status` in that transaction once the request is seen waiting on the lock: the request has
   * passed its own status check and meets the change only in its conditional UPDATE.
   */
  const raceOnBid = async <R>(id: string, status: string, request: () => Promise<R>): Promise<R> => {
    const locker = await t.db.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM bid WHERE id = $1 FOR UPDATE', [id]);
      // A request that never waits on the lock (it failed, or wrote without the conditional
      // UPDATE) ends the wait too, and so does a deadline: the test then fails on its assertions
      // at once instead of hanging until Jest's (or a mutation run's) timeout.
      let settled = false;
      const pending = request().finally(() => (settled = true));
      pending.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [{ n }] = await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE bid AS b%'`,
        );
        if (n > 0 || settled) break;
        if (Date.now() > deadline) throw new Error('The request neither waited on the bid lock nor ended within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      await locker.query('UPDATE bid SET status = $2 WHERE id = $1', [id, status]);
      await locker.query('COMMIT');
      return await pending;
    } finally {
      locker.release();
    }
  };

  describe('approval', () => {
    it('keeps the reason given with an award (the console passes it), and an empty reason as none', async () => {
      const decisions = t.app.get(BidDecisionService);
      const withReason = await makeBid({ amount: 20000 });
      const view = await decisions.approve(await principal(leadBE), withReason, 15000, 'Less than asked: the venue is free');
      expect(view).toMatchObject({ id: withReason, status: 'approved', amountAwardedPence: 15000, decisionReason: 'Less than asked: the venue is free' });
      expect(await bidRow(withReason)).toMatchObject({ status: 'approved', decision_reason: 'Less than asked: the venue is free', decided_by_id: leadBE.id });

      const blank = await makeBid({ amount: 20000 });
      expect((await decisions.approve(await principal(leadBE), blank, 20000, '')).decisionReason).toBeNull();
      expect((await bidRow(blank)).decision_reason).toBeNull();
    });

    it('a bid decided by someone else while the approval waits: 409 INVALID_TRANSITION, nothing allocated or audited', async () => {
      const id = await makeBid({ amount: 7000 });
      const before = await t.sql('SELECT allocated_pence::float8 AS a FROM fund WHERE npu_code = $1 AND financial_year = $2', ['BE', YEAR]);
      const res = await raceOnBid(id, 'rejected', () => approve(admin, id, 7000).then((r) => r));
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'INVALID_TRANSITION', message: 'A under_review bid cannot become approved' });
      expect(await t.sql('SELECT allocated_pence::float8 AS a FROM fund WHERE npu_code = $1 AND financial_year = $2', ['BE', YEAR])).toEqual(before);
      expect(await bidRow(id)).toMatchObject({ status: 'rejected', amount_awarded_pence: null, decided_by_id: null });
      expect(await count('audit_event', 'subject = $1', [`bid:${id}`])).toBe(0);
      expect(await count('pgboss.job', `data->'ref'->>'bidId' = $1`, [id])).toBe(0);
    });

    it('an award of exactly what was asked is allowed; one penny more is 400 naming the amount, and nothing is written', async () => {
      const id = await makeBid({ amount: 30000 });
      const over = await approve(admin, id, 30001).expect(400);
      expect(over.body).toMatchObject({ statusCode: 400, message: 'amountAwardedPence must not exceed the 30000 pence requested' });
      expect(await bidRow(id)).toMatchObject({ status: 'under_review', amount_awarded_pence: null });
      expect((await approve(admin, id, 30000).expect(200)).body).toMatchObject({ status: 'approved', amountAwardedPence: 30000 });
    });
  });

  describe('the applicant e-mail is queued in the decision\'s own transaction', () => {
    // Both rows take now() (the transaction's start) by default: a job queued on a connection of
    // its own, outside the decision's transaction, would have a later time than the audit row.
    const sameTransaction = async (id: string) =>
      (
        await t.sql<{ same: boolean }>(
          `SELECT (SELECT at FROM audit_event WHERE subject = $1) = (SELECT created_on FROM pgboss.job WHERE name = 'notify-email' AND data->'ref'->>'bidId' = $2) AS same`,
          [`bid:${id}`, id],
        )
      )[0].same;

    it('on approval', async () => {
      const id = await makeBid({ amount: 5000 });
      await approve(admin, id, 5000).expect(200);
      expect(await sameTransaction(id)).toBe(true);
    });

    it('on rejection', async () => {
      const id = await makeBid();
      await t.http().post(`/api/v1/bids/${id}/reject`).set(...leadBE.auth).send({ reason: 'Outside the fund criteria' }).expect(200);
      expect(await sameTransaction(id)).toBe(true);
    });
  });

  describe('rejection', () => {
    it('audits the reason and e-mails the applicant in the same transaction', async () => {
      const id = await makeBid();
      const res = await t.http().post(`/api/v1/bids/${id}/reject`).set(...leadBE.auth).send({ reason: 'Outside the fund criteria' }).expect(200);
      expect(res.body).toMatchObject({ id, status: 'rejected', amountAwardedPence: null, decidedById: leadBE.id, decisionReason: 'Outside the fund criteria' });
      const audit = await t.sql<{ actor: string; action: string; data: unknown }>(`SELECT actor, action, data FROM audit_event WHERE subject = $1`, [`bid:${id}`]);
      expect(audit).toEqual([{ actor: `staff:${leadBE.id}`, action: 'bid.reject', data: { npuCode: 'BE', financialYear: YEAR, reason: 'Outside the fund criteria' } }]);
      const jobs = await t.sql<{ data: NotificationJob }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data->'ref'->>'bidId' = $1`, [id]);
      expect(jobs.map((j) => j.data)).toEqual([{ template: 'funding.bid-rejected', ref: { bidId: id } }]);
      expect((await render(jobs[0].data)).text).toContain(id);
    });

    it('a bid decided by someone else while the rejection waits: 409 INVALID_TRANSITION, nothing audited or e-mailed', async () => {
      const id = await makeBid();
      const res = await raceOnBid(id, 'withdrawn', () =>
        t.http().post(`/api/v1/bids/${id}/reject`).set(...leadBE.auth).send({ reason: 'Late' }).then((r) => r),
      );
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'INVALID_TRANSITION', message: 'A under_review bid cannot become rejected' });
      expect(await bidRow(id)).toMatchObject({ status: 'withdrawn', decided_by_id: null, decision_reason: null });
      expect(await count('audit_event', 'subject = $1', [`bid:${id}`])).toBe(0);
      expect(await count('pgboss.job', `data->'ref'->>'bidId' = $1`, [id])).toBe(0);
    });

    it('a rejected bid cannot be paid (409, nothing written)', async () => {
      const id = await makeBid();
      await t.http().post(`/api/v1/bids/${id}/reject`).set(...leadBE.auth).send({ reason: 'No' }).expect(200);
      const res = await pay(admin, id, 100, '2022-06-01').expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, message: 'Payments are recorded only against approved or completed bids; this bid is rejected' });
      expect(await count('bid_payment', 'bid_id = $1', [id])).toBe(0);
    });
  });

  describe('payments', () => {
    /** Today in London, taken before and after `run` so a test at midnight retries rather than flakes. */
    const onLondonDay = async (run: (today: string, tomorrow: string) => Promise<void>) => {
      for (;;) {
        const today = londonDay();
        const noon = new Date(`${today}T12:00:00Z`);
        const tomorrow = new Date(noon.getTime() + 86_400_000).toISOString().slice(0, 10);
        await run(today, tomorrow);
        if (londonDay() === today) return;
      }
    };

    it('may be dated today (London) but not tomorrow (400, nothing written)', async () => {
      await onLondonDay(async (today, tomorrow) => {
        const id = await makeBid({ amount: 1000 });
        await approve(admin, id, 1000).expect(200);
        const future = await pay(admin, id, 100, tomorrow).expect(400);
        expect(future.body).toMatchObject({ statusCode: 400, message: 'paidOn is in the future: record a payment once it has been made' });
        expect(await bidRow(id)).toMatchObject({ paid_pence: 0 });
        const res = await pay(admin, id, 100, today).expect(201);
        expect(res.body).toMatchObject({ bidId: id, amountPence: 100, paidOn: today, paidPence: 100, amountAwardedPence: 1000 });
      });
    });

    it('the refusal of an overpayment names what is left after earlier payments, and writes nothing', async () => {
      const id = await makeBid({ amount: 10000 });
      await approve(admin, id, 8000).expect(200);
      await pay(admin, id, 2500, '2022-05-01').expect(201);
      const over = await pay(admin, id, 5501, '2022-05-02').expect(409);
      expect(over.body).toMatchObject({ statusCode: 409, code: 'BUDGET_EXCEEDED', message: 'Paying £55.01 would exceed the award: £55.00 is left to pay' });
      expect(await bidRow(id)).toMatchObject({ paid_pence: 2500 });
      expect(await count('bid_payment', 'bid_id = $1', [id])).toBe(1);
      expect(await count('audit_event', `action = 'bid.payment' AND subject = $1`, [`bid:${id}`])).toBe(1);
    });
  });
});
