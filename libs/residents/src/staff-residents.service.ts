import { Injectable } from '@nestjs/common';
import { assertNpuAccess } from '@beacon/auth';
import { AuditService, badRequest, notFound, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { contactSeenBy } from './resident-directory.service';
import { ResidentAccountService } from './resident-account.service';
import { ResidentRepository } from './resident.repository';
import type { ResidentProfile, SignUpDto, UpdateMeDto } from './residents.dto';
import { SignUpService, type SignUpAccepted } from './sign-up.service';

/** Staff who act for a resident (add them from a paper form, change their preferences, carry out a data request). */
export const RESIDENT_MANAGER_ROLES: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];

/** A resident as staff see them: the profile with contact details masked for the roles that need not see them. */
export type StaffResidentView = ResidentProfile & { contactMasked: boolean };

/**
 * Staff acting for one resident of their NPU. Every rule is the residents' own (sign-up,
 * preferences, export, erasure): this adds the NPU scope, the masking and the audit trail.
 * A resident outside the caller's NPU is a 403, an unknown or erased one a 404.
 */
@Injectable()
export class StaffResidentsService {
  constructor(
    private readonly residents: ResidentRepository,
    private readonly account: ResidentAccountService,
    private readonly signUps: SignUpService,
    private readonly geography: GeographyService,
    private readonly audit: AuditService,
  ) {}

  async view(staff: StaffPrincipal, residentId: string): Promise<StaffResidentView> {
    await this.assertReach(staff, residentId);
    const profile = await this.account.profile(residentId);
    const contact = contactSeenBy(staff, profile);
    await this.audit.recordStaff(staff, 'residents.view', `resident:${residentId}`);
    return { ...profile, email: contact.email, phone: contact.phone, contactMasked: contact.masked };
  }

  /**
   * A sign-up taken by staff (door knock, event, street): the public sign-up itself, so the
   * resident still confirms their address from the message it sends, and an address someone
   * already holds is reminded, not changed. The ward must be in the caller's NPU; a postcode
   * that places the resident elsewhere is refused rather than followed out of the NPU.
   */
  async addOnBehalf(staff: StaffPrincipal, dto: SignUpDto): Promise<SignUpAccepted> {
    if (!dto.source || dto.source === 'online') throw badRequest('source: say where the resident signed up (door knock, event, street…)');
    const ward = dto.wardCode ? await this.geography.findWard(dto.wardCode) : null;
    if (!ward) throw badRequest(`wardCode ${dto.wardCode ?? ''} is not a known ward`);
    assertNpuAccess(staff, ward.npuCode);
    // The staff member is recorded with the sign-up, for sign-ups per officer and team (libs/reports).
    const accepted = await this.signUps.signUp({ ...dto, postcode: undefined }, { assistedBy: staff.id });
    await this.audit.recordStaff(staff, 'residents.added-on-behalf', `ward:${ward.code}`, { source: dto.source, campaign: dto.campaignCode ?? null });
    return accepted;
  }

  /** Preferences only (channels, priorities, topics, interests): contact details stay the resident's to change. */
  async updatePreferences(staff: StaffPrincipal, residentId: string, dto: UpdateMeDto): Promise<void> {
    await this.assertReach(staff, residentId);
    await this.account.update(residentId, dto, 'prefs');
    await this.audit.recordStaff(staff, 'residents.preferences-changed', `resident:${residentId}`);
  }

  /** A subject access request carried out for the resident: the same export they get themselves. */
  async exportFor(staff: StaffPrincipal, residentId: string): Promise<Record<string, unknown>> {
    await this.assertReach(staff, residentId);
    const data = await this.account.export(residentId);
    await this.audit.recordStaff(staff, 'residents.exported-on-request', `resident:${residentId}`);
    return data;
  }

  /** An erasure request carried out for the resident: the same erasure, recorded as the staff member's. */
  async eraseFor(staff: StaffPrincipal, residentId: string): Promise<void> {
    await this.assertReach(staff, residentId);
    await this.account.erase(residentId, `staff:${staff.id}`);
  }

  private async assertReach(staff: StaffPrincipal, residentId: string): Promise<void> {
    const r = await this.residents.findById(residentId);
    if (!r || r.status === 'erased') throw notFound('Resident');
    const ward = await this.geography.findWard(r.wardCode);
    if (!ward) throw notFound('Resident');
    assertNpuAccess(staff, ward.npuCode);
  }
}
