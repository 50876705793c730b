import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';

/** Largest amount of pence a money column (PostgreSQL integer) holds: £21,474,836.47. */
export const MAX_PENCE = 2_147_483_647;

/** Integer pence in [min, MAX_PENCE]: rejects strings, floats, negatives and huge numbers. */
export const IsPence = (min: 0 | 1) => applyDecorators(IsInt(), Min(min), Max(MAX_PENCE));

const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
export const formatPounds = (pence: number): string => GBP.format(pence / 100);

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
