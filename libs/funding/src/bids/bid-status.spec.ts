import { describe, expect, it } from '@jest/globals';
import { DomainException } from '@beacon/core';
import { assertTransition, BID_STATUSES, statusesLeadingTo, type BidStatus } from './bid-status';

const allowed: [BidStatus, BidStatus][] = [
  ['submitted', 'under_review'],
  ['submitted', 'withdrawn'],
  ['under_review', 'approved'],
  ['under_review', 'rejected'],
  ['under_review', 'withdrawn'],
  ['approved', 'completed'],
];

describe('bid status machine', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of BID_STATUSES) {
      for (const to of BID_STATUSES) {
        const ok = allowed.some(([f, t]) => f === from && t === to);
        let code: string | undefined;
        try {
          assertTransition(from, to);
        } catch (e) {
          code = (e as DomainException).code;
        }
        expect([from, to, code]).toEqual([from, to, ok ? undefined : 'INVALID_TRANSITION']);
      }
    }
  });

  it('names the states each target is reached from', () => {
    expect(statusesLeadingTo('under_review')).toEqual(['submitted']);
    expect(statusesLeadingTo('approved')).toEqual(['under_review']);
    expect(statusesLeadingTo('withdrawn')).toEqual(['submitted', 'under_review']);
    expect(statusesLeadingTo('completed')).toEqual(['approved']);
    expect(statusesLeadingTo('submitted')).toEqual([]);
  });
});
