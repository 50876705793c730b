const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * `parts` ranges (after, last] covering the uuid space. Resident ids are random (v4), so the
 * ranges hold about the same number of residents; the nil UUID is never a resident's id.
 */
export function residentRanges(parts: number): [string, string][] {
  const toUuid = (n: bigint) => n.toString(16).padStart(32, '0').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const span = 1n << 128n;
  const bounds = Array.from({ length: parts + 1 }, (_, k) => (k === 0 ? NIL_UUID : k === parts ? MAX_UUID : toUuid((span * BigInt(k)) / BigInt(parts))));
  return bounds.slice(0, -1).map((after, k) => [after, bounds[k + 1]]);
}

const fromUuid = (u: string) => BigInt(`0x${u.replace(/-/g, '')}`);
const toUuid = (n: bigint) => n.toString(16).padStart(32, '0').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

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
