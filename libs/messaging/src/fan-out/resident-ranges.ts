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
