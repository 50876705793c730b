import { ValidateBy, isISO8601, type ValidationOptions } from 'class-validator';
import { badRequest } from '../errors/domain.exception';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in England, as YYYY-MM-DD. */
export function londonDay(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A real calendar day, YYYY-MM-DD (no 30 February). */
export function isCalendarDay(value: unknown): value is string {
  return typeof value === 'string' && DAY.test(value) && isISO8601(value, { strict: true });
}

export const IsCalendarDay = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCalendarDay',
      validator: { validate: (value) => isCalendarDay(value), defaultMessage: () => '$property must be a date like 2020-04-30' },
    },
    options,
  );

/**
 * The day a report is "as at": the one asked for (not in the future: figures for a day that has
 * not ended would change), or today. Reports count what held at the END of that day in England.
 */
export function asAtDay(asAt: string | undefined, now = new Date(), name = 'asAt'): string {
  const today = londonDay(now);
  if (asAt === undefined) return today;
  if (!isCalendarDay(asAt)) throw badRequest(`${name} must be a date like 2020-04-30`);
  if (asAt > today) throw badRequest(`${name} must not be in the future`);
  return asAt;
}

/** SQL for the instant a London day ends, from a `date` parameter (e.g. `$2`): a timestamptz. */
export const endOfLondonDay = (param: string) => `((${param}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`;
