import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StaffPrincipal } from '../principal';
import { AuditEntry, AuditRepository } from './audit.repository';

// Credentials, and personal data that must not be copied into the log: contact values, names,
// postcodes, children's dates of birth, guardians, and search terms (`q`, `search`), which are
// whatever a member of staff typed to find someone (an e-mail address, a phone number, a name).
// The audit log outlives a resident's erasure, so it must never hold what erasure removes.
const SECRET_KEY = /pass(word)?|token|secret|^(sms_?)?code$|phone|mobile|e-?mail|birth|guardian|postcode|^q$|search|^(first|last|full|applicant)_?name$|^name$/i;
// A contact value under any other key (a free-text field, a note): e-mail addresses and phone numbers.
const EMAIL_IN_TEXT = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]*[^\s@<>()"',;:.]/g;
const PHONE_IN_TEXT = /\+\d[\d ]{8,16}\d|\b0\d{3,4} ?\d{3} ?\d{3,4}\b/g;

function redactText(value: string): string {
  const short = value.length > 500 ? `${value.slice(0, 500)}…` : value;
  return short.replace(EMAIL_IN_TEXT, '***').replace(PHONE_IN_TEXT, '***');
}

/** Copies a request body (or any audit data) for the audit log without credentials or contact details. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redact(v, depth + 1)]),
  );
}

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  // Redacted here, at write time, whoever the caller is (interceptor or service).
  record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    return this.audit.insert({ ...entry, data: entry.data === undefined ? undefined : (redact(entry.data) as Record<string, unknown>) }, manager);
  }

  recordStaff(staff: StaffPrincipal, action: string, subject: string, data?: Record<string, unknown>, manager?: EntityManager) {
    return this.record({ actor: `staff:${staff.id}`, action, subject, data }, manager);
  }
}
