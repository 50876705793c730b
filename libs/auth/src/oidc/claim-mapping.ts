import { STAFF_ROLES, type OidcConfig, type StaffRole } from '@beacon/core';

/** When claims name several roles, the most capable wins (an admin who is also in the ECO group is an admin). */
export const ROLE_PRECEDENCE: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer', 'cadet_leader', 'analyst'];

export interface MappedIdentity {
  /** null: the claims give no Beacon role (no access). */
  role: StaffRole | null;
  /** null: force-wide (no NPU claim). */
  npuCode: string | null;
}

const asList = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The Beacon role and NPU the ID token's claims give, by the configured claim names and map. */
export function mapClaims(claims: Record<string, unknown>, config: Pick<OidcConfig, 'roleClaim' | 'roleMap' | 'npuClaim'>): MappedIdentity {
  const values = asList(claims[config.roleClaim]);
  const roles = new Set<StaffRole>();
  for (const v of values) {
    const role = config.roleMap ? (Object.prototype.hasOwnProperty.call(config.roleMap, v) ? config.roleMap[v] : undefined) : (STAFF_ROLES as readonly string[]).includes(v) ? (v as StaffRole) : undefined;
    if (role) roles.add(role);
  }
  const role = ROLE_PRECEDENCE.find((r) => roles.has(r)) ?? null;
  const npu = claims[config.npuClaim];
  const npuCode = typeof npu === 'string' && npu.trim() ? npu.trim().toUpperCase() : null;
  return { role, npuCode };
}
