import { bigIntToUuid as toUuid, uuidRanges, uuidToBigInt as fromUuid } from '@beacon/core';

/** The fan-out's ranges of residents: `uuidRanges` (about the same number of residents each). */
export const residentRanges = uuidRanges;

/** The first slice of a range is 1/4^SLICE_STEPS of it; each next slice ends 4× further in. */
export const SLICE_STEPS = 6;

/**
 * Where the fan-out's committed slices of the range (after, last] end: at 1/4096, 1/1024, …, 1/4
 * of the range and at its end (7 slices; the first holds ~1/4096 of the range's residents, so
 * senders start within milliseconds even at 10M residents). Fixed by the range alone, so a
 * re-run after a crash continues at the same boundaries.
 */
export function sliceEnds([after, last]: [string, string]): string[] {
  const lo = fromUuid(after);
  const span = fromUuid(last) - lo;
  const ends: string[] = [];
  for (let k = SLICE_STEPS; k > 0; k--) ends.push(toUuid(lo + span / 4n ** BigInt(k)));
  ends.push(last);
  return ends;
}

/** The end of the slice that starts at `from` (a slice end of the range, or its start). */
export function nextSliceEnd(range: [string, string], from: string): string {
  return sliceEnds(range).find((end) => end > from) ?? range[1];
}
