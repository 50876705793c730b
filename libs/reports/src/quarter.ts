import { badRequest } from '@beacon/core';
import { addMonths, currentMonth, monthEndDay } from './report-period';

/** A calendar quarter, `2026-Q3` = July–September 2026 (Europe/London months). */
export interface Quarter {
  quarter: string;
  /** First and last month, YYYY-MM. */
  from: string;
  to: string;
  /** The day its stocks are as at: its last day, or today for the quarter in progress. */
  asAt: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function isQuarter(value: unknown): value is string {
  return typeof value === 'string' && QUARTER.test(value);
}

/** The quarter, or a 400 for a malformed or future one. */
export function quarterOf(q: string, now = new Date()): Quarter {
  const m = QUARTER.exec(q);
  if (!m) throw badRequest('quarter must be like 2026-Q3');
  const from = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}`;
  if (from > currentMonth(now)) throw badRequest('quarter must not be in the future');
  const to = addMonths(from, 2);
  const last = to > currentMonth(now) ? currentMonth(now) : to;
  return { quarter: q, from, to, asAt: monthEndDay(last, now) };
}

/** The quarter `n` quarters after (negative: before) `q`. */
export function shiftQuarter(q: string, n: number): string {
  const m = QUARTER.exec(q)!;
  const index = Number(m[1]) * 4 + (Number(m[2]) - 1) + n;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}
