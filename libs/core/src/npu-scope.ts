import { forbidden } from './errors/domain.exception';
import type { StaffPrincipal } from './principal';

/** Force-wide staff (npuCode null) reach every NPU; everyone else only their own. */
export function canAccessNpu(staff: StaffPrincipal, npuCode: string | null | undefined): boolean {
  return staff.npuCode === null || (npuCode !== null && npuCode !== undefined && staff.npuCode === npuCode);
}

export function assertNpuAccess(staff: StaffPrincipal, npuCode: string | null | undefined): void {
  if (!canAccessNpu(staff, npuCode)) throw forbidden(`Your role is limited to NPU ${staff.npuCode}`);
}

/** The NPU filter a list should apply: NPU-scoped staff are pinned to theirs. */
export function scopedNpu(staff: StaffPrincipal, requested?: string): string | undefined {
  if (staff.npuCode === null) return requested;
  if (requested && requested !== staff.npuCode) throw forbidden(`Your role is limited to NPU ${staff.npuCode}`);
  return staff.npuCode;
}
