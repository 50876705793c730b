// One normaliser per kind of value, shared with core's rate limits (which count what the DTO stores).
export { normaliseEmail, normalisePhone } from '@beacon/core';

// "b338th", "b33 8 th" → "B33 8TH" (the `postcode` package, shared with the postcode directory).
export { normalisePostcode } from '@beacon/geography';

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
