import { Injectable, Logger } from '@nestjs/common';
import { AuditService, conflict, InjectConfig, type AppConfig, DomainException, badRequest, forbidden, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { assertNpuAccess } from '../guards/npu-scope';
import { MfaService } from '../mfa/mfa.service';
import { SignInThrottleService, type SignInClient, type ThrottleKeys } from '../lockout/sign-in-throttle.service';
import { mapClaims } from '../oidc/claim-mapping';
import type { OidcIdentity } from '../oidc/oidc.service';
import { StaffSessionService } from '../sessions/staff-session.service';
import { AccessTokenService } from '../tokens/access-token.service';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { StaffEntity } from './staff.entity';
import { StaffRepository } from './staff.repository';
import type { StaffView } from './staff.dto';

// Roles that act for one NPU must name it. Admins, analysts and ECOs may be force-wide
// (a force-level ECO composes force-wide messages, which an admin approves).
export const NPU_REQUIRED: StaffRole[] = ['officer', 'npu_lead', 'cadet_leader'];

export const toStaffView = (s: StaffEntity): StaffView => ({ id: s.id, email: s.email, name: s.name, role: s.role, npuCode: s.npuCode });

@Injectable()
export class StaffService {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    private readonly staff: StaffRepository,
    private readonly tokens: AccessTokenService,
    private readonly geography: GeographyService,
    private readonly sessions: StaffSessionService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly mfa: MfaService,
    private readonly throttle: SignInThrottleService,
  ) {}

  /**
   * A person the force's identity provider vouched for. The claims' mapping is applied at
   * every sign-in: a first sign-in creates the account only when it gives a role; a mapping
   * that no longer gives one deactivates the account and ends its sessions (so every browser
   * loses access at its next request); a changed role or NPU is applied and audited.
   */
  async signInWithOidc(identity: OidcIdentity, mapping: { roleClaim: string; roleMap: Record<string, StaffRole> | null; npuClaim: string }): Promise<StaffView> {
    const mapped = mapClaims(identity.claims, mapping);
    let problem: string | null = null;
    if (!mapped.role) problem = 'Your force account is not in a group that gives access to Beacon.';
    else if (mapped.npuCode === null && NPU_REQUIRED.includes(mapped.role)) problem = 'Your force account gives a role that needs an NPU, but it names none.';
    else if (mapped.npuCode !== null && !(await this.geography.npuExists(mapped.npuCode))) problem = 'Your force account names an NPU that Beacon does not know.';

    let row = await this.staff.findByOidcSubject(identity.subject);
    // The force's provider is trusted for its staff's e-mail: an existing local account with
    // that address (and no provider account yet) is linked rather than duplicated.
    if (!row && identity.email) {
      const byEmail = await this.staff.findByEmail(identity.email);
      if (byEmail && !byEmail.oidcSubject) row = byEmail;
    }
    const subject = (id: string) => `staff:${id}`;
    if (problem || !mapped.role) {
      if (row?.active) {
        await this.staff.deactivate(row.id);
        const ended = await this.sessions.endAllFor(row.id);
        await this.audit.record({ actor: 'oidc', action: 'staff.access-removed', subject: subject(row.id), data: { reason: problem, role: row.role, npuCode: row.npuCode, sessionsEnded: ended } });
      }
      await this.audit.record({ actor: 'oidc', action: 'staff.sign-in-refused', subject: row ? subject(row.id) : 'oidc', data: { reason: problem } });
      throw forbidden(problem ?? 'No access');
    }
    if (!row) {
      if (!identity.email) throw forbidden('Your force account has no e-mail address, which Beacon needs.');
      const created = await this.staff.insertIfAbsent({
        email: identity.email,
        name: identity.name || identity.email,
        role: mapped.role,
        npuCode: mapped.npuCode,
        passwordHash: null,
        oidcSubject: identity.subject,
      });
      if (!created) throw conflict('A staff account with this e-mail already signs in with another force account');
      await this.audit.record({ actor: 'oidc', action: 'staff.created', subject: subject(created.id), data: { role: created.role, npuCode: created.npuCode } });
      return toStaffView(created);
    }
    const changed = row.role !== mapped.role || row.npuCode !== mapped.npuCode || !row.active || row.oidcSubject !== identity.subject;
    if (changed) {
      await this.staff.applyIdentity(row.id, { oidcSubject: identity.subject, role: mapped.role, npuCode: mapped.npuCode, active: true });
      await this.audit.record({
        actor: 'oidc',
        action: 'staff.role-changed',
        subject: subject(row.id),
        data: { from: { role: row.role, npuCode: row.npuCode, active: row.active }, to: { role: mapped.role, npuCode: mapped.npuCode, active: true } },
      });
    }
    return toStaffView({ ...row, role: mapped.role, npuCode: mapped.npuCode, active: true });
  }

  /** Same answer, same cost, for an unknown e-mail and a wrong password. */
  async login(email: string, password: string, totp: string | undefined, client: SignInClient): Promise<{ accessToken: string; staff: StaffView }> {
    const { staff, keys } = await this.checkPassword(email, password, client);
    // Never a bearer token from a password alone for an account that needs a second factor.
    if (this.mfa.required(staff.role)) {
      if (!(await this.mfa.enrolled(staff.id))) throw forbidden('This account needs a second factor: set it up by signing in to the console first');
      if (!totp) throw new DomainException('UNAUTHENTICATED', 'Enter the code from your authenticator app (totp)');
      await this.checkSecondFactor(staff, totp, keys);
    }
    await this.signedIn(staff, keys, client, this.mfa.required(staff.role) ? 'password+totp' : 'password');
    return { accessToken: this.tokens.signStaff(staff.id), staff };
  }

  /**
   * The active staff member with this e-mail and password (the API's login and the console's
   * sign-in), unless the address, the browser or the IP is held back after failures. Every
   * failure is counted and audited; the same work for an unknown address as for a known one.
   */
  async checkPassword(email: string, password: string, client: SignInClient): Promise<{ staff: StaffView; keys: ThrottleKeys }> {
    if (!this.config.auth.passwordLogin) throw forbidden('Password sign-in is turned off: sign in with your force account');
    const keys = this.throttle.keysFor(email, client);
    await this.throttle.assertNotHeld(keys);
    const row = await this.staff.findByEmail(email, { withPasswordHash: true });
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok || !row.active) {
      await this.throttle.failed(keys);
      // No address in the row: an unknown one would otherwise be kept (and it is personal data).
      await this.audit.record({ actor: 'public', action: 'staff.sign-in-failed', subject: row ? `staff:${row.id}` : 'staff:unknown', data: { via: client.via, ip: client.ip, reason: !row ? 'unknown account' : !row.active ? 'inactive' : 'password' } });
      throw new DomainException('UNAUTHENTICATED', 'Email or password is incorrect');
    }
    return { staff: toStaffView(row), keys };
  }

  /** The second factor after the password; a failure counts towards the same backoff. */
  async checkSecondFactor(staff: Pick<StaffView, 'id' | 'email'>, code: string, keys: ThrottleKeys): Promise<{ recoveryCodeUsed: boolean }> {
    await this.throttle.assertNotHeld(keys);
    try {
      return await this.mfa.verify(staff.id, staff.email, code);
    } catch (e) {
      if (e instanceof DomainException && e.code === 'UNAUTHENTICATED') await this.throttle.failed(keys);
      throw e;
    }
  }

  /** A complete sign-in (both factors where needed): the account's failures are forgotten, and it is audited. */
  async signedIn(staff: Pick<StaffView, 'id'>, keys: ThrottleKeys | null, client: SignInClient, method: 'password' | 'password+totp' | 'oidc'): Promise<void> {
    if (keys) await this.throttle.succeeded(keys);
    await this.audit.record({ actor: `staff:${staff.id}`, action: 'staff.signed-in', subject: `staff:${staff.id}`, data: { via: client.via, method, ip: client.ip } });
  }

  throttleKeys(email: string, client: SignInClient): ThrottleKeys {
    return this.throttle.keysFor(email, client);
  }

  /**
   * `by` is the admin creating the account (absent at bootstrap): an NPU-bound admin creates
   * staff of their own NPU only, never force-wide accounts (which would reach every NPU).
   */
  async create(input: { email: string; name: string; password: string; role: StaffRole; npuCode?: string | null }, by?: StaffPrincipal): Promise<StaffView> {
    const npuCode = input.npuCode ?? null;
    if (by) assertNpuAccess(by, npuCode);
    if (npuCode === null && NPU_REQUIRED.includes(input.role)) throw badRequest(`npuCode is required for role ${input.role}`);
    if (npuCode !== null && !(await this.geography.npuExists(npuCode))) throw badRequest(`npuCode ${npuCode} does not exist`);
    const created = await this.staff.insertIfAbsent({
      email: input.email,
      name: input.name,
      role: input.role,
      npuCode,
      passwordHash: await hashPassword(input.password),
    });
    if (!created) throw conflict('A staff account with this email already exists');
    return toStaffView(created);
  }

  async list(npuCode?: string | null): Promise<StaffView[]> {
    return (await this.staff.list(npuCode)).map(toStaffView);
  }

  /** How operators bootstrap a real deployment: ADMIN_EMAIL / ADMIN_PASSWORD. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    if (await this.staff.findByEmail(email)) return;
    await this.staff.insertIfAbsent({ email, name: 'Administrator', role: 'admin', npuCode: null, passwordHash: await hashPassword(password) });
    this.logger.log(`Bootstrap admin ${email} created`);
  }

  async findActive(id: string): Promise<StaffView | null> {
    const row = await this.staff.findActiveById(id);
    return row ? toStaffView(row) : null;
  }

  hasAnyStaff(): Promise<boolean> {
    return this.staff.count().then((n) => n > 0);
  }
}
