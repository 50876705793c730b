import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Kinds of value a per-value rate limit (and the DTOs) key on; each has one normaliser. */
export type ValueKind = 'email' | 'phone';

/** E-mail addresses are trimmed and lower-cased (as the DTOs store them). */
export function normaliseEmail(input: string): string {
  return input.trim().toLowerCase();
}

/**
 * A phone number as Beacon stores it: E.164, UK (+44) only, mobile-capable.
 * UK only because SMS codes to any number invite "SMS pumping" (toll fraud through
 * verification texts) and the force's sender is a UK number. Crown dependency mobiles
 * (+44 7624 …) are +44 numbers and pass. Returns null for anything else.
 */
export function normalisePhone(input: string): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const parsed = parsePhoneNumberFromString(input.trim(), 'GB');
  if (!parsed || !parsed.isValid() || parsed.countryCallingCode !== '44') return null;
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return parsed.number;
}

/**
 * The value a limit counts: what the DTO will store, so every spelling of one address shares a
 * bucket. A phone the DTO would refuse still counts, on its parsed number or else its digits
 * (so "spellings" of junk share a bucket too).
 */
export function normaliseValue(kind: ValueKind, input: string): string {
  if (kind === 'email') return normaliseEmail(input);
  const phone = normalisePhone(input);
  if (phone) return phone;
  const parsed = input.length <= 64 ? parsePhoneNumberFromString(input.trim(), 'GB') : undefined;
  return parsed?.number ?? `raw:${input.replace(/[^0-9a-z]/gi, '').toLowerCase().slice(0, 64)}`;
}
