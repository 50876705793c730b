import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Largest amount one request may carry: £21,474,836.47 (far beyond any community fund). The
 * columns are bigint and every sum is computed in bigint, so totals may pass it freely; the
 * bound keeps each amount, and any total of fewer than ~4 million of them, an exact JS number.
 */
export const MAX_PENCE = 2_147_483_647;

/**
 * A bigint money column in a SELECT list. node-postgres gives int8 as a string; float8 comes
 * back as a JS number, which is exact for every integer below 2^53 (see MAX_PENCE).
 */
export const penceColumn = (expr: string, alias: string) => `(${expr})::float8 AS "${alias}"`;

/** TypeORM transformer for bigint money columns: numbers in the entity, as in the raw views. */
export const PENCE = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/** Integer pence in [min, MAX_PENCE]: rejects strings, floats, negatives and huge numbers. */
export const IsPence = (min: 0 | 1) => applyDecorators(IsInt(), Min(min), Max(MAX_PENCE));

const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
export const formatPounds = (pence: number): string => GBP.format(pence / 100);

// "1250", "1,250" (commas only in groups of three), optionally "£" first and 1 or 2 decimals.
const POUNDS = /^£?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Pounds as a person types them ("£1,250.50", "1250.5") → integer pence, or null when it is not
 * an amount of money in [0, MAX_PENCE]. Whole pounds and pence are read as integers: no float.
 */
export function parsePounds(text: string): number | null {
  const m = POUNDS.exec(text.trim());
  if (!m) return null;
  const whole = m[1].replace(/,/g, '');
  if (whole.length > 10) return null;
  const pence = Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return pence <= MAX_PENCE ? pence : null;
}

/** Whole-number percentage (Math.round of the exact ratio); 0 when the base is 0. */
export function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 100) / whole);
}

const YEAR = /^(\d{4})-(\d{2})$/;

/** A UK financial year written '2019-20': the second part is the year after the first. */
export function isFinancialYear(value: unknown): value is string {
  const m = typeof value === 'string' ? YEAR.exec(value) : null;
  return !!m && (Number(m[1]) + 1) % 100 === Number(m[2]);
}

export const IsFinancialYear = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isFinancialYear',
      validator: {
        validate: (value) => isFinancialYear(value),
        defaultMessage: () => '$property must be a financial year like 2019-20',
      },
    },
    options,
  );
