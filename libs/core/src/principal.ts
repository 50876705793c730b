import type { Request } from 'express';

export const STAFF_ROLES = ['admin', 'eco', 'officer', 'npu_lead', 'cadet_leader', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** null = force-wide. */
  npuCode: string | null;
}

export interface ResidentPrincipal {
  kind: 'resident';
  id: string;
}

export type Principal = StaffPrincipal | ResidentPrincipal;

export type BeaconRequest = Request & { principal?: Principal; id?: string | number };
