import { describe, expect, it } from '@jest/globals';
import { residentRanges } from './resident-ranges';

describe('residentRanges', () => {
  it('covers the uuid space in contiguous, ordered ranges', () => {
    for (const parts of [1, 2, 3, 7, 16]) {
      const ranges = residentRanges(parts);
      expect(ranges).toHaveLength(parts);
      expect(ranges[0][0]).toBe('00000000-0000-0000-0000-000000000000');
      expect(ranges[parts - 1][1]).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
      for (let k = 0; k < parts; k++) {
        expect(ranges[k][0] < ranges[k][1]).toBe(true);
        expect(ranges[k][1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        if (k) expect(ranges[k][0]).toBe(ranges[k - 1][1]);
      }
    }
    expect(residentRanges(2)[0][1]).toBe('80000000-0000-0000-0000-000000000000');
  });
});
