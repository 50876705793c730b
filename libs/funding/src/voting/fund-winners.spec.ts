import { describe, expect, it } from '@jest/globals';
import { fundWhileMoneyLasts } from './fund-winners';

describe('fundWhileMoneyLasts', () => {
  it('funds in rank order, skips what does not fit, and goes on down the list', () => {
    const result = fundWhileMoneyLasts(
      [
        { id: 'a', amountRequestedPence: 600, status: 'submitted' as const },
        { id: 'b', amountRequestedPence: 500, status: 'under_review' as const },
        { id: 'c', amountRequestedPence: 300, status: 'withdrawn' as const },
        { id: 'd', amountRequestedPence: 900, status: 'approved' as const },
        { id: 'e', amountRequestedPence: 400, status: 'submitted' as const },
        { id: 'f', amountRequestedPence: 1, status: 'submitted' as const },
      ],
      1000,
    );
    expect(result.items.map((i) => [i.id, i.funding, i.remainingAfterPence])).toEqual([
      ['a', 'fund', 400],
      ['b', 'does_not_fit', 400],
      ['c', 'not_eligible', 400],
      ['d', 'already_awarded', 400],
      ['e', 'fund', 0],
      ['f', 'does_not_fit', 0],
    ]);
    expect(result.fundedPence).toBe(1000);
    expect(result.leftoverPence).toBe(0);
  });

  it('funds nothing from an empty pot', () => {
    const result = fundWhileMoneyLasts([{ amountRequestedPence: 1, status: 'submitted' as const }], 0);
    expect(result).toEqual({ items: [{ amountRequestedPence: 1, status: 'submitted', funding: 'does_not_fit', remainingAfterPence: 0 }], fundedPence: 0, leftoverPence: 0 });
  });
});
