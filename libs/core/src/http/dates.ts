import { ValidateBy, isISO8601, type ValidationOptions } from 'class-validator';

// Calendar dates and date-times only: ISO 8601 also allows week dates ("2030-W01") and
// basic forms ("20300101") that JavaScript's Date cannot read (an Invalid Date slips past
// every comparison and only fails in SQL).
const CALENDAR = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 calendar date or date-time that exists (no 30 February) and `new Date()` reads. */
export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && CALENDAR.test(value) && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value));
}

export const IsIsoDateTime = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: {
        validate: (value) => isIsoDateTime(value),
        defaultMessage: () => '$property must be an ISO 8601 date or date-time, like 2030-05-01T19:00:00Z',
      },
    },
    options,
  );
