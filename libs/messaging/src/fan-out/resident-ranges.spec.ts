import { describe, expect, it } from '@jest/globals';
import { nextSliceEnd, residentRanges, sliceEnds } from './resident-ranges';

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

describe('sliceEnds', () => {
  it('cuts a range into growing slices, the first ~1/4096 of it, ending at the range end', () => {
    const range = residentRanges(2)[1];
    const ends = sliceEnds(range);
    expect(ends).toHaveLength(7);
    expect(ends[6]).toBe(range[1]);
    expect(ends[0]).toBe('8007ffff-ffff-ffff-ffff-ffffffffffff'); // 0x8… + (2^127 - 1) / 4096
    for (let k = 0; k < ends.length; k++) expect(ends[k] > (k ? ends[k - 1] : range[0])).toBe(true);
    expect(nextSliceEnd(range, range[0])).toBe(ends[0]);
    expect(nextSliceEnd(range, ends[2])).toBe(ends[3]);
    expect(nextSliceEnd(range, ends[6])).toBe(range[1]);
  });
});
