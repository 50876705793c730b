import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

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

export function normaliseEmail(input: string): string {
  return input.trim().toLowerCase();
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;

/** "b338th" → "B33 8TH"; null if it is not shaped like a UK postcode. */
export function normalisePostcode(input: string): string | null {
  const m = POSTCODE.exec(input.trim().toUpperCase().replace(/\s+/g, ' '));
  return m ? `${m[1]} ${m[2]}` : null;
}

/** "jo.bloggs@example.org" → "j***@example.org" */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  return at < 1 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/** "+447700900123" → "+44770****123" */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length < 10 ? '***' : `${phone.slice(0, 6)}${'*'.repeat(phone.length - 9)}${phone.slice(-3)}`;
}
