import { badRequest, londonDay } from '@beacon/core';

export interface MonthRange {
  /** First day of the first month, YYYY-MM-01. */
  from: string;
  /** First day of the last month, YYYY-MM-01. */
  to: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Current month in Europe/London as YYYY-MM. */
export function currentMonth(now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).formatToParts(now);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** from/to as YYYY-MM (inclusive), defaulting to the 12 months up to this one; at most 10 years. */
export function monthRange(from?: string, to?: string, now = new Date()): MonthRange {
  const end = to ?? currentMonth(now);
  const start = from ?? addMonths(end, -11);
  if (!MONTH.test(start) || !MONTH.test(end)) throw badRequest('from and to must be months like 2019-09');
  if (start > end) throw badRequest('from must not be after to');
  if (start < addMonths(end, -119)) throw badRequest('A report covers at most 120 months');
  return { from: `${start}-01`, to: `${end}-01` };
}

/** UK financial year (April–March) of a month, as used by the ACF: 2019-09 → 2019-20. */
export function financialYearOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * The day a month's figures are as at: its last day, or today for the current month (a day not
 * yet over would change). A future or malformed month is a 400.
 */
export function monthEndDay(month: string, now = new Date()): string {
  if (!MONTH.test(month)) throw badRequest('month must be a month like 2019-09');
  const current = currentMonth(now);
  if (month > current) throw badRequest('month must not be in the future');
  if (month === current) return londonDay(now);
  return lastDayOfMonth(month);
}

/** A `YYYY-MM` month's last day, `YYYY-MM-DD`. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
