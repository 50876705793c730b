// The Active Citizens Fund's bid and payment SQL (libs/funding/src/bids/bid.repository.ts), on
// real PostgreSQL without the app (issue 27, mutation testing: funding.e2e-spec.ts boots the app
// twice per mutant, ~2 minutes each here). The real BidRepository on this file's own database.
// Rules: a payment is added only to a bid in an allowed status and only while the paid total stays
// within the award (equal is allowed; the sum is bigint, past 2^31 pence); a status move and a
// decision happen only from the statuses given, and a withdrawal is dated; the list filters by
// NPU, year and status, newest first with the id breaking ties, one row past the page, and resumes
// after a keyset; every column comes back under its name, money as numbers; a miss is null.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { BidRepository, type BidView, type NewBid } from '../libs/funding/src/bids/bid.repository';
import { createTestDatabase } from './utils/test-app';

const YEAR = '2026-27';
const NO_SUCH = '00000000-0000-4000-8000-000000000000';

describe('bids and payments SQL (bid.repository)', () => {
  let db: DataSource;
  let pool: pg.Pool;
  let bids: BidRepository;
  let staffId: string;
  let otherStaffId: string;
  const sql = async <T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> => (await pool.query(text, values)).rows as T[];

  beforeAll(async () => {
    const url = await createTestDatabase();
    pool = new pg.Pool({ connectionString: url, max: 4 });
    db = await new DataSource({ type: 'postgres', url, poolSize: 4 }).initialize();
    bids = new BidRepository(db);
    for (const code of ['BA', 'BB', 'BC', 'BD']) {
      await sql(`INSERT INTO npu (code, name) VALUES ($1, $1)`, [code]);
      for (const year of [YEAR, '2025-26']) await sql(`INSERT INTO fund (npu_code, financial_year, budget_pence) VALUES ($1, $2, 10000000000)`, [code, year]);
    }
    [{ id: staffId }] = await sql<{ id: string }>(`INSERT INTO staff (email, name, role) VALUES ('bids@example.org', 'Bids', 'eco') RETURNING id`);
    [{ id: otherStaffId }] = await sql<{ id: string }>(`INSERT INTO staff (email, name, role) VALUES ('bids2@example.org', 'Bids Two', 'eco') RETURNING id`);
  });
  afterAll(async () => {
    await db?.destroy();
    await pool?.end();
  });

  const newBid = (over: Partial<NewBid> = {}): NewBid => ({
    npuCode: 'BA',
    financialYear: YEAR,
    applicantName: 'Friends of the Park',
    applicantType: 'group',
    contactEmail: 'friends@example.org',
    title: 'Park lights',
    summary: 'Lights for the path',
    theme: 'crime_prevention',
    amountRequestedPence: 500_000,
    ...over,
  });
  /** A bid in `status` with `awarded` pence awarded (set in SQL: the repository's own moves are tested on their own). */
  const bidIn = async (status: string, awarded: number | null = null, over: Partial<NewBid> = {}) => {
    const bid = await bids.insert(newBid({ amountRequestedPence: Math.max(awarded ?? 0, 500_000), ...over }));
    await sql(`UPDATE bid SET status = $2, amount_awarded_pence = $3 WHERE id = $1`, [bid.id, status, awarded]);
    return bid.id;
  };
  const row = async (id: string) =>
    (
      await sql<{ status: string; paid: string; awarded: string | null; withdrawn: boolean; updated_recently: boolean; decided_by_id: string | null; decided_recently: boolean; reason: string | null; aligned: string | null }>(
        `SELECT status, paid_pence::text AS paid, amount_awarded_pence::text AS awarded, withdrawn_at IS NOT NULL AS withdrawn,
                updated_at > now() - interval '1 minute' AS updated_recently, decided_by_id, decided_at > now() - interval '1 minute' AS decided_recently,
                decision_reason AS reason, aligned_staff_id AS aligned
           FROM bid WHERE id = $1`,
        [id],
      )
    )[0];
  const ageUpdate = (id: string) => sql(`UPDATE bid SET updated_at = now() - interval '1 day' WHERE id = $1`, [id]);

  it('insert returns every column under its name (money as numbers, nothing paid or decided, submitted); findById the same; a miss is null', async () => {
    const input = newBid({ applicantType: 'individual', theme: 'youth_violence', amountRequestedPence: 123_456 });
    const bid = await bids.insert(input);
    expect(bid).toEqual({
      ...input,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      amountAwardedPence: null,
      paidPence: 0,
      status: 'submitted',
      alignedStaffId: null,
      decidedById: null,
      decidedAt: null,
      decisionReason: null,
      submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
    const [{ created }] = await sql<{ created: Date }>('SELECT created_at AS created FROM bid WHERE id = $1', [bid.id]);
    expect(Date.parse(bid.submittedAt)).toBe(created.getTime());
    expect(await bids.findById(bid.id)).toEqual(bid);
    expect(await bids.findById(NO_SUCH)).toBeNull();
  });

  it('list: filters by NPU, year and status (alone and together), newest first with the id breaking a tie, one row past the page, and resumes after a keyset', async () => {
    const at = async (id: string, when: string) => void (await sql(`UPDATE bid SET created_at = $2 WHERE id = $1`, [id, when]));
    const ids: Record<string, string> = {};
    for (const [name, npuCode, financialYear, status, when] of [
      ['old', 'BB', YEAR, 'submitted', '2026-05-01T10:00:00Z'],
      ['mid', 'BB', YEAR, 'under_review', '2026-05-02T10:00:00Z'],
      ['tieA', 'BB', YEAR, 'submitted', '2026-05-03T10:00:00Z'],
      ['tieB', 'BB', YEAR, 'submitted', '2026-05-03T10:00:00Z'],
      ['lastYear', 'BB', '2025-26', 'submitted', '2025-06-01T10:00:00Z'],
      ['elsewhere', 'BC', YEAR, 'submitted', '2026-05-04T10:00:00Z'],
    ] as const) {
      ids[name] = await bidIn(status, null, { npuCode, financialYear });
      await at(ids[name], when);
    }
    const [hi, lo] = [ids.tieA, ids.tieB].sort().reverse(); // same time: the greater id first
    const nameOf = (id: string) => Object.keys(ids).find((k) => ids[k] === id);
    const names = (rows: BidView[]) => rows.map((b) => nameOf(b.id) ?? b.id);

    expect(names(await bids.list({ npuCode: 'BB' }, undefined, 10))).toEqual([nameOf(hi), nameOf(lo), 'mid', 'old', 'lastYear']);
    expect(names(await bids.list({ npuCode: 'BB', financialYear: '2025-26' }, undefined, 10))).toEqual(['lastYear']);
    expect(names(await bids.list({ npuCode: 'BB', status: 'under_review' }, undefined, 10))).toEqual(['mid']);
    expect(names(await bids.list({ npuCode: 'BB', financialYear: YEAR, status: 'submitted' }, undefined, 10))).toEqual([nameOf(hi), nameOf(lo), 'old']);
    // Without an NPU: the other NPU's bid too (and this file's earlier bids, older or newer).
    const all = names(await bids.list({ financialYear: YEAR, status: 'submitted' }, undefined, 100));
    expect(all).toEqual(expect.arrayContaining(['elsewhere', nameOf(hi), nameOf(lo), 'old']));
    expect(all).not.toContain('mid');
    expect(all).not.toContain('lastYear');
    // One filter alone: only its rows (this file's other tests may have added some of their own).
    const reviewing = await bids.list({ status: 'under_review' }, undefined, 100);
    expect(names(reviewing)).toContain('mid');
    expect(reviewing.map((b) => b.status)).toEqual(reviewing.map(() => 'under_review'));
    const lastYear = await bids.list({ financialYear: '2025-26' }, undefined, 100);
    expect(names(lastYear)).toContain('lastYear');
    expect(lastYear.map((b) => b.financialYear)).toEqual(lastYear.map(() => '2025-26'));

    // A page of 2 fetches 3; the next page starts after the last row shown, whatever its tie.
    const first = await bids.list({ npuCode: 'BB' }, undefined, 2);
    expect(names(first)).toEqual([nameOf(hi), nameOf(lo), 'mid']);
    const afterHi = await bids.list({ npuCode: 'BB' }, { key: first[0].submittedAt, id: first[0].id }, 2);
    expect(names(afterHi)).toEqual([nameOf(lo), 'mid', 'old']);
    const afterMid = await bids.list({ npuCode: 'BB' }, { key: first[2].submittedAt, id: first[2].id }, 2);
    expect(names(afterMid)).toEqual(['old', 'lastYear']);
  });

  it('moveStatus moves only from the statuses given; a withdrawal is dated, another move is not; a miss changes nothing', async () => {
    const id = await bidIn('submitted');
    await ageUpdate(id);
    expect(await bids.moveStatus(id, ['under_review'], 'approved')).toBeNull();
    expect(await row(id)).toMatchObject({ status: 'submitted', updated_recently: false, withdrawn: false });

    const moved = await bids.moveStatus(id, ['submitted', 'under_review'], 'under_review');
    expect(moved).toMatchObject({ id, status: 'under_review' });
    expect(await row(id)).toMatchObject({ status: 'under_review', updated_recently: true, withdrawn: false });

    expect(await bids.moveStatus(id, ['submitted', 'under_review'], 'withdrawn')).toMatchObject({ id, status: 'withdrawn' });
    expect(await row(id)).toMatchObject({ status: 'withdrawn', withdrawn: true });
    expect(await bids.moveStatus(NO_SUCH, ['submitted'], 'withdrawn')).toBeNull();
  });

  it('decide records the decision (status, who, when, award, reason) only from the statuses given', async () => {
    const id = await bidIn('under_review');
    await ageUpdate(id);
    const decision = { to: 'approved' as const, decidedById: staffId, amountAwardedPence: 400_000, reason: 'Good value' };
    expect(await db.transaction((tx) => bids.decide(id, { ...decision, from: ['submitted'] }, tx))).toBeNull();
    expect(await row(id)).toMatchObject({ status: 'under_review', decided_by_id: null, awarded: null, reason: null, updated_recently: false });

    const decided = await db.transaction((tx) => bids.decide(id, { ...decision, from: ['submitted', 'under_review'] }, tx));
    expect(decided).toMatchObject({ id, status: 'approved', decidedById: staffId, amountAwardedPence: 400_000, decisionReason: 'Good value', decidedAt: expect.any(Date) });
    expect(await row(id)).toMatchObject({ status: 'approved', decided_by_id: staffId, decided_recently: true, awarded: '400000', reason: 'Good value', updated_recently: true });

    const rejected = await bidIn('under_review');
    expect(await db.transaction((tx) => bids.decide(rejected, { to: 'rejected', from: ['under_review'], decidedById: otherStaffId, amountAwardedPence: null, reason: 'Out of area' }, tx))).toMatchObject({
      status: 'rejected',
      decidedById: otherStaffId,
      amountAwardedPence: null,
      decisionReason: 'Out of area',
    });
  });

  it('setAlignedStaff names the aligned officer; a miss is null', async () => {
    const id = await bidIn('submitted');
    await ageUpdate(id);
    expect(await bids.setAlignedStaff(id, otherStaffId)).toMatchObject({ id, alignedStaffId: otherStaffId });
    expect(await row(id)).toMatchObject({ aligned: otherStaffId, updated_recently: true });
    expect(await bids.setAlignedStaff(NO_SUCH, otherStaffId)).toBeNull();
  });

  it('addPaid adds within the award only (the last penny allowed, one more refused), only in the statuses given, in bigint', async () => {
    const id = await bidIn('approved', 100_000);
    await ageUpdate(id);
    const pay = (amount: number, from: readonly ('approved' | 'completed')[] = ['approved']) => db.transaction((tx) => bids.addPaid(id, from, amount, tx));
    expect(await pay(60_000)).toMatchObject({ id, paidPence: 60_000, amountAwardedPence: 100_000 });
    expect(await row(id)).toMatchObject({ paid: '60000', updated_recently: true });
    expect(await pay(40_001)).toBeNull(); // 1p over the award
    expect(await row(id)).toMatchObject({ paid: '60000' });
    expect(await pay(40_000)).toMatchObject({ paidPence: 100_000 }); // exactly the award
    expect(await pay(1)).toBeNull();
    expect(await row(id)).toMatchObject({ paid: '100000' });

    // Not in a status given: nothing paid, however small.
    const other = await bidIn('approved', 100_000);
    expect(await db.transaction((tx) => bids.addPaid(other, ['completed'], 1, tx))).toBeNull();
    expect(await row(other)).toMatchObject({ paid: '0' });
    const unawarded = await bidIn('under_review');
    expect(await db.transaction((tx) => bids.addPaid(unawarded, ['approved', 'under_review'], 1, tx))).toBeNull();
    expect(await db.transaction((tx) => bids.addPaid(NO_SUCH, ['approved'], 1, tx))).toBeNull();

    // Past 2^31 pence (£21.5M) the sum is still exact.
    const big = await bidIn('approved', 6_000_000_000);
    expect(await db.transaction((tx) => bids.addPaid(big, ['approved'], 3_000_000_000, tx))).toMatchObject({ paidPence: 3_000_000_000 });
    expect(await db.transaction((tx) => bids.addPaid(big, ['approved'], 2_999_999_999, tx))).toMatchObject({ paidPence: 5_999_999_999 });
    expect(await row(big)).toMatchObject({ paid: '5999999999' });
  });

  it('payments come back under their names, in paid date order then as recorded; another bid has none', async () => {
    const id = await bidIn('approved', 100_000);
    const other = await bidIn('approved', 100_000);
    const record = (amountPence: number, paidOn: string, recordedById = staffId) => db.transaction((tx) => bids.insertPayment({ bidId: id, amountPence, paidOn, recordedById }, tx));
    const late = await record(3_000, '2026-09-01');
    expect(late).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), bidId: id, amountPence: 3_000, paidOn: '2026-09-01', recordedById: staffId, recordedAt: expect.any(Date) });
    const earlyFirst = await record(1_000, '2026-06-01', otherStaffId);
    const earlySecond = await record(2_000, '2026-06-01');
    await sql(`UPDATE bid_payment SET created_at = created_at + interval '1 second' WHERE id = $1`, [earlySecond.id]);
    const listed = await bids.listPayments(id);
    expect(listed.map((p) => [p.amountPence, p.paidOn, p.recordedById])).toEqual([
      [1_000, '2026-06-01', otherStaffId],
      [2_000, '2026-06-01', staffId],
      [3_000, '2026-09-01', staffId],
    ]);
    expect(listed[0]).toEqual(earlyFirst);
    expect(await bids.listPayments(other)).toEqual([]);
  });

  it('an evaluation comes back under its names; a bid without one gives null', async () => {
    const id = await bidIn('approved', 100_000);
    const evaluation = await db.transaction((tx) => bids.insertEvaluation({ bidId: id, outcome: 'partly_achieved', notes: 'Half the lights', evaluatedById: otherStaffId }, tx));
    expect(evaluation).toEqual({ bidId: id, outcome: 'partly_achieved', notes: 'Half the lights', evaluatedById: otherStaffId, evaluatedAt: expect.any(Date) });
    expect(await bids.findEvaluation(id)).toEqual(evaluation);
    expect(await bids.findEvaluation(await bidIn('approved', 100_000))).toBeNull();
  });

  it('countInYear counts the bids of that financial year only, in any NPU', async () => {
    const before = await bids.countInYear('2025-26');
    await bidIn('submitted', null, { npuCode: 'BD', financialYear: '2025-26' });
    await bidIn('rejected', null, { npuCode: 'BC', financialYear: '2025-26' });
    const thisYear = await bids.countInYear(YEAR);
    expect(await bids.countInYear('2025-26')).toBe(before + 2);
    await bidIn('submitted', null, { npuCode: 'BD' });
    expect(await bids.countInYear(YEAR)).toBe(thisYear + 1);
    expect(await db.transaction((tx) => bids.countInYear('2025-26', tx))).toBe(before + 2);
  });
});
