import { AWARDED_BID_STATUSES, OPEN_BID_STATUSES, type BidStatus } from '../bids/bid-status';

export interface Ranked {
  amountRequestedPence: number;
  status: BidStatus;
}

export type Funding = 'fund' | 'already_awarded' | 'does_not_fit' | 'not_eligible';

/**
 * "Fund the winners while the money lasts": walk the ranking and fund each open bid whose
 * requested amount still fits what is left of the fund (budget − allocated). A bid that does not
 * fit is skipped and the walk goes on, so a cheaper bid further down may still be funded.
 * Bids already approved are in `allocated` already; withdrawn or rejected bids are passed over.
 */
export function fundWhileMoneyLasts<T extends Ranked>(
  ranking: T[],
  availablePence: number,
): { items: (T & { funding: Funding; remainingAfterPence: number })[]; fundedPence: number; leftoverPence: number } {
  let remaining = availablePence;
  const items = ranking.map((bid) => {
    let funding: Funding;
    if (AWARDED_BID_STATUSES.includes(bid.status)) funding = 'already_awarded';
    else if (!OPEN_BID_STATUSES.includes(bid.status)) funding = 'not_eligible';
    else if (bid.amountRequestedPence <= remaining) {
      funding = 'fund';
      remaining -= bid.amountRequestedPence;
    } else funding = 'does_not_fit';
    return { ...bid, funding, remainingAfterPence: remaining };
  });
  return { items, fundedPence: availablePence - remaining, leftoverPence: remaining };
}
