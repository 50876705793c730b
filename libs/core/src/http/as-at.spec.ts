import { describe, expect, it } from '@jest/globals';
import { londonDay } from './as-at';

describe('londonDay', () => {
  it("is the calendar day in England, whatever the machine's time zone", () => {
    // 23:30 UTC is 00:30 the next day in summer time (BST), and still the same day in winter (GMT).
    expect(londonDay(new Date('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
    expect(londonDay(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
    expect(londonDay(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29'); // the spring clock change: 01:00 GMT → 02:00 BST
    expect(londonDay(new Date('2026-10-24T23:00:00Z'))).toBe('2026-10-25'); // midnight BST before the autumn change
  });
});
