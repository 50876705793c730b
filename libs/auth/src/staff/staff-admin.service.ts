import { Injectable } from '@nestjs/common';
import { AuditService, badRequest, canAccessNpu, DomainException, assertNpuAccess, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { MfaService } from '../mfa/mfa.service';
import { PasswordResetService } from '../reset/password-reset.service';
import { StaffSessionService, type SessionView } from '../sessions/staff-session.service';
import type { StaffEntity } from './staff.entity';
import { StaffRepository } from './staff.repository';
import { NPU_REQUIRED, StaffService } from './staff.service';
import type { StaffView } from './staff.dto';

/** A staff account as an admin manages it. */
export interface StaffAccountView extends StaffView {
  active: boolean;
  /** Signs in through the force's identity provider (role and NPU come from there). */
  sso: boolean;
  hasPassword: boolean;
  mfaEnrolled: boolean;
  createdAt: Date;
}

const toAccount = (s: StaffEntity): StaffAccountView => ({
  id: s.id,
  email: s.email,
  name: s.name,
  role: s.role,
  npuCode: s.npuCode,
  active: s.active,
  sso: !!s.oidcSubject,
  hasPassword: s.passwordHash !== undefined ? !!s.passwordHash : !s.oidcSubject,
  mfaEnrolled: !!s.totpEnabledAt,
  createdAt: s.createdAt,
});

/**
 * What an admin does to staff accounts, NPU-scoped like every role: an NPU-bound admin manages
 * the staff of their own NPU only (another NPU's account, or a force-wide one, is a 404), and
 * never moves anyone out of it. Every change is audited with the admin as actor.
 */
@Injectable()
export class StaffAdminService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly accounts: StaffService,
    private readonly sessions: StaffSessionService,
    private readonly resets: PasswordResetService,
    private readonly mfa: MfaService,
    private readonly geography: GeographyService,
    private readonly audit: AuditService,
  ) {}

  async list(by: StaffPrincipal): Promise<StaffAccountView[]> {
    return (await this.staff.list(by.npuCode)).map(toAccount);
  }

  /** The account, or 404 when it does not exist or is outside the admin's NPU. */
  async get(by: StaffPrincipal, id: string): Promise<StaffAccountView> {
    const row = await this.staff.findById(id, { withPasswordHash: true });
    if (!row || !canAccessNpu(by, row.npuCode)) throw new DomainException('NOT_FOUND', 'No such staff account');
    return toAccount(row);
  }

  async create(by: StaffPrincipal, input: { email: string; name: string; password: string; role: StaffRole; npuCode: string | null }): Promise<StaffView> {
    const created = await this.accounts.create(input, by);
    await this.audit.recordStaff(by, 'staff.created', `staff:${created.id}`, { role: created.role, npuCode: created.npuCode });
    return created;
  }

  /** Applied at the account's next request (sessions and tokens re-read the row). */
  async changeRole(by: StaffPrincipal, id: string, role: StaffRole, npuCode: string | null): Promise<void> {
    const target = await this.get(by, id);
    if (target.id === by.id) throw badRequest('You cannot change your own role: ask another administrator');
    if (target.sso) throw badRequest("This account's role and NPU come from the force's identity provider: change its groups there");
    assertNpuAccess(by, npuCode);
    if (npuCode === null && NPU_REQUIRED.includes(role)) throw badRequest(`Choose the NPU of this ${role === 'officer' ? 'officer' : 'role'}`);
    if (npuCode !== null && !(await this.geography.npuExists(npuCode))) throw badRequest('Choose an NPU from the list');
    if (target.role === role && target.npuCode === npuCode) return;
    await this.staff.setRole(id, role, npuCode);
    await this.audit.recordStaff(by, 'staff.role-changed', `staff:${id}`, { from: { role: target.role, npuCode: target.npuCode }, to: { role, npuCode } });
  }

  /** Every session ends at its next request; sign-in and API tokens are refused. */
  async deactivate(by: StaffPrincipal, id: string): Promise<void> {
    const target = await this.get(by, id);
    if (target.id === by.id) throw badRequest('You cannot deactivate your own account');
    if (!target.active) return;
    await this.staff.setActive(id, false);
    const ended = await this.sessions.endAllFor(id);
    await this.audit.recordStaff(by, 'staff.deactivated', `staff:${id}`, { sessionsEnded: ended });
  }

  async reactivate(by: StaffPrincipal, id: string): Promise<void> {
    const target = await this.get(by, id);
    if (target.active) return;
    await this.staff.setActive(id, true);
    await this.audit.recordStaff(by, 'staff.reactivated', `staff:${id}`);
  }

  /** The old password stops working, every session ends, the reset e-mail goes out. */
  async forcePasswordReset(by: StaffPrincipal, id: string): Promise<void> {
    await this.get(by, id);
    const ended = await this.resets.forceReset(id);
    await this.audit.recordStaff(by, 'staff.password-reset-forced', `staff:${id}`, { sessionsEnded: ended });
  }

  /** The second factor is forgotten and every session ends: the next sign-in enrols again. */
  async resetMfa(by: StaffPrincipal, id: string): Promise<void> {
    const target = await this.get(by, id);
    if (!target.mfaEnrolled) throw badRequest('This account has no authenticator app set up');
    await this.mfa.reset(id);
    const ended = await this.sessions.endAllFor(id);
    await this.audit.recordStaff(by, 'mfa.reset', `staff:${id}`, { sessionsEnded: ended });
  }

  async sessionsOf(by: StaffPrincipal, id: string): Promise<SessionView[]> {
    await this.get(by, id);
    return this.sessions.listFor(id);
  }

  async revokeSession(by: StaffPrincipal, id: string, handle: string): Promise<void> {
    await this.get(by, id);
    await this.sessions.revoke(by, id, handle);
  }
}
