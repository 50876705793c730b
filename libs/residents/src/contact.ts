// One normaliser per kind of value, shared with core's rate limits (which count what the DTO stores).
export { normaliseEmail, normalisePhone } from '@beacon/core';

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
