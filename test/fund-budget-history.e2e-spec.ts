import { beforeAll, describe, expect, it } from '@jest/globals';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

type Login = Awaited<ReturnType<typeof loginAs>>;

/**
 * Issue 22: ACF budgets are dated. A budget change keeps the old budget as history, so the
 * position as at a past day shows the budget that applied then, however often it changed since.
 */
describe('dated ACF budgets (GET /api/v1/funds/{year}/position?asAt=)', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;

  const setBudget = (npu: string, budgetPence: number) => t.http().put(`/api/v1/funds/${npu}/2019-20`).set(...admin.auth).send({ budgetPence }).expect(200);
  // The API dates a change now; the fixture moves the latest change back to when it was made.
  const dateLatest = (npu: string, at: string) =>
    t.sql(`UPDATE fund_budget_change SET changed_at = $2 WHERE id = (SELECT max(id) FROM fund_budget_change WHERE npu_code = $1)`, [npu, at]);
  const budgets = async (asAt?: string) => {
    const res = await t.http().get(`/api/v1/funds/2019-20/position${asAt ? `?asAt=${asAt}` : ''}`).set(...admin.auth).expect(200);
    return (res.body.items as { npuCode: string; budgetPence: number; outstandingPence: number }[]).map((i) => [i.npuCode, i.budgetPence, i.outstandingPence]);
  };

  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
    await setBudget('BE', 1_000_000);
    await dateLatest('BE', '2019-05-01T09:00:00Z');
    await setBudget('BE', 1_500_000);
    await dateLatest('BE', '2019-10-31T23:30:00Z'); // 31 October in London (GMT)
    await setBudget('BE', 1_500_000); // the same budget again: no new change
    await setBudget('BE', 2_000_000); // today
    await setBudget('SW', 700_000); // first set today, for the whole year
  });

  it('shows the budget in force at the end of each day', async () => {
    expect(await budgets('2019-10-30')).toEqual([['BE', 1_000_000, 1_000_000], ['SW', 700_000, 700_000]]);
    expect(await budgets('2019-10-31')).toEqual([['BE', 1_500_000, 1_500_000], ['SW', 700_000, 700_000]]);
    expect(await budgets()).toEqual([['BE', 2_000_000, 2_000_000], ['SW', 700_000, 700_000]]);
    // Before the fund's first budget: that first budget (a fund entered after the fact).
    expect(await budgets('2019-04-02')).toEqual([['BE', 1_000_000, 1_000_000], ['SW', 700_000, 700_000]]);
  });

  it('keeps every change as history, and the same budget set twice once', async () => {
    const rows = await t.sql<{ budget: string }>(`SELECT budget_pence::text AS budget FROM fund_budget_change WHERE npu_code = 'BE' ORDER BY id`);
    expect(rows.map((r) => Number(r.budget))).toEqual([1_000_000, 1_500_000, 2_000_000]);
  });

  it('gives a past month the same budget after the budget changes again', async () => {
    const before = await budgets('2019-10-30');
    await setBudget('BE', 2_500_000);
    expect(await budgets('2019-10-30')).toEqual(before);
    expect((await budgets())[0]).toEqual(['BE', 2_500_000, 2_500_000]);
  });
});
