import { Injectable, Logger } from '@nestjs/common';
import { conflict, DomainException, badRequest, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { assertNpuAccess } from '../guards/npu-scope';
import { AccessTokenService } from '../tokens/access-token.service';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { StaffEntity } from './staff.entity';
import { StaffRepository } from './staff.repository';
import type { StaffView } from './staff.dto';

// Roles that act for one NPU must name it. Admins, analysts and ECOs may be force-wide
// (a force-level ECO composes force-wide messages, which an admin approves).
const NPU_REQUIRED: StaffRole[] = ['officer', 'npu_lead', 'cadet_leader'];

export const toStaffView = (s: StaffEntity): StaffView => ({ id: s.id, email: s.email, name: s.name, role: s.role, npuCode: s.npuCode });

@Injectable()
export class StaffService {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    private readonly staff: StaffRepository,
    private readonly tokens: AccessTokenService,
    private readonly geography: GeographyService,
  ) {}

  /** Same answer, same cost, for an unknown e-mail and a wrong password. */
  async login(email: string, password: string): Promise<{ accessToken: string; staff: StaffView }> {
    const staff = await this.checkPassword(email, password);
    return { accessToken: this.tokens.signStaff(staff.id), staff };
  }

  /** The active staff member with this e-mail and password (the API's login and the console's sign-in). */
  async checkPassword(email: string, password: string): Promise<StaffView> {
    const row = await this.staff.findByEmail(email, { withPasswordHash: true });
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok || !row.active) throw new DomainException('UNAUTHENTICATED', 'Email or password is incorrect');
    return toStaffView(row);
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
