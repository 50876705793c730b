const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * A date from an export: ISO 8601 (a time without an offset is UTC), or dd/mm/yyyy [hh:mm[:ss]]
 * for mappings with `dateOrder: dmy`. A date alone is midnight UTC (the same day in London).
 * null when it is not a real date, before 2000 or more than a day in the future.
 */
export function parseImportDate(input: string, order: 'ymd' | 'dmy'): Date | null {
  const s = input.trim();
  let y: number, mo: number, d: number, h: number, mi: number, se: number;
  let zone: string | undefined;
  const iso = ISO.exec(s);
  const dmy = !iso && order === 'dmy' ? DMY.exec(s) : null;
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    [h, mi, se] = [Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0)];
    zone = iso[7];
  } else if (dmy) {
    [d, mo, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
    [h, mi, se] = [Number(dmy[4] ?? 0), Number(dmy[5] ?? 0), Number(dmy[6] ?? 0)];
  } else return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, se);
  if (new Date(local).getUTCDate() !== d) return null; // 31/02
  let offset = 0;
  if (zone && zone !== 'Z') {
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  }
  const at = local - offset;
  if (at < EARLIEST || at > Date.now() + 24 * 3600_000) return null;
  return new Date(at);
}
