import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Cadets and Junior PCSOs are children of these ages (inclusive); leaders are adults. */
export const CHILD_AGE = { min: 8, max: 18 } as const;
export const ADULT_AGE = { min: 18, max: 100 } as const;

const PHONE_CHARS = /^\+?[0-9 ()-]{7,24}$/;

/** Today's date in England, as YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whole years from a YYYY-MM-DD birth date to a YYYY-MM-DD day. */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A UK number (+44, including Crown Dependencies) in E.164, or null when it is not one. */
export function normaliseUkPhone(raw: string): string | null {
  if (!PHONE_CHARS.test(raw.trim())) return null;
  const phone = parsePhoneNumberFromString(raw, 'GB');
  if (!phone || phone.countryCallingCode !== '44' || !phone.isValid()) return null;
  return phone.number;
}
