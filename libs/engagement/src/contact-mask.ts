/** Contact details as the inbox shows them: enough to recognise, not to copy. */

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskPhone(e164: string): string {
  if (e164.length <= 8) return '*'.repeat(e164.length);
  return `${e164.slice(0, 5)}${'*'.repeat(e164.length - 8)}${e164.slice(-3)}`;
}

/** The address the resident replied from first (SMS → phone, else e-mail), masked. */
export function maskedContact(via: string, email: string | null, phone: string | null): string | null {
  const e = email ? maskEmail(email) : null;
  const p = phone ? maskPhone(phone) : null;
  return via === 'sms' ? (p ?? e) : (e ?? p);
}
