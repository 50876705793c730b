export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
export const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** A uuid as the 128-bit number it spells. */
export const uuidToBigInt = (u: string): bigint => BigInt(`0x${u.replace(/-/g, '')}`);

/** A 128-bit number as a uuid. */
export const bigIntToUuid = (n: bigint): string => n.toString(16).padStart(32, '0').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/**
 * `parts` ranges (after, last] covering the uuid space. Ids made by gen_random_uuid() are random
 * (v4), so the ranges hold about the same number of rows; the nil UUID is never such an id.
 * Set-based work over a whole table goes range by range (`id > after AND id <= last`), each
 * range by its primary key, so no statement holds the whole table.
 */
export function uuidRanges(parts: number): [string, string][] {
  const span = 1n << 128n;
  const bounds = Array.from({ length: parts + 1 }, (_, k) => (k === 0 ? NIL_UUID : k === parts ? MAX_UUID : bigIntToUuid((span * BigInt(k)) / BigInt(parts))));
  return bounds.slice(0, -1).map((after, k) => [after, bounds[k + 1]]);
}
