import { DomainException } from '@beacon/core';

/**
 * submitted → under_review → approved | rejected; approved → completed (by its evaluation);
 * submitted and under_review → withdrawn. DESIGN.md's `draft` is not used: bids arrive submitted.
 */
export const BID_STATUSES = ['submitted', 'under_review', 'approved', 'rejected', 'withdrawn', 'completed'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export const BID_TRANSITIONS: Readonly<Record<BidStatus, readonly BidStatus[]>> = {
  submitted: ['under_review', 'withdrawn'],
  under_review: ['approved', 'rejected', 'withdrawn'],
  approved: ['completed'],
  rejected: [],
  withdrawn: [],
  completed: [],
};

/** Still waiting for a decision: may be withdrawn or put on a voting ballot. */
export const OPEN_BID_STATUSES: readonly BidStatus[] = ['submitted', 'under_review'];
/** Awarded money: payments may be recorded against these. */
export const AWARDED_BID_STATUSES: readonly BidStatus[] = ['approved', 'completed'];

/** The states a bid may move to `to` from: the WHERE of the conditional status update. */
export function statusesLeadingTo(to: BidStatus): BidStatus[] {
  return BID_STATUSES.filter((from) => BID_TRANSITIONS[from].includes(to));
}

export function invalidTransition(from: BidStatus, to: BidStatus): DomainException {
  return new DomainException('INVALID_TRANSITION', `A ${from} bid cannot become ${to}`);
}

export function assertTransition(from: BidStatus, to: BidStatus): void {
  if (!BID_TRANSITIONS[from].includes(to)) throw invalidTransition(from, to);
}
