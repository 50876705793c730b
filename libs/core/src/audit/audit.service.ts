import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StaffPrincipal } from '../principal';
import { AuditEntry, AuditRepository } from './audit.repository';

// Credentials, and personal data that must not be copied into the log (phones, children's dates of birth, guardians).
const SECRET_KEY = /pass(word)?|token|secret|code|phone|birth|guardian/i;

/** Copies a request body for the audit log without credentials. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redact(v, depth + 1)]),
  );
}

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    return this.audit.insert(entry, manager);
  }

  recordStaff(staff: StaffPrincipal, action: string, subject: string, data?: Record<string, unknown>, manager?: EntityManager) {
    return this.audit.insert({ actor: `staff:${staff.id}`, action, subject, data }, manager);
  }
}
