import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import {
  badRequest,
  conflict,
  londonDay,
  decodeCursor,
  DomainException,
  forbidden,
  notFound,
  toPage,
  type Page,
  type Principal,
  type ResidentPrincipal,
  type StaffPrincipal,
  type StaffRole,
} from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import type { CreateSchemeDto, SchemeListQueryDto, SchemeTypeDto, UpdateSchemeDto } from './schemes.dto';
import type { StaffConsentMethod } from './scheme.entity';
import { SchemeNotice, SchemeNotifier } from './notifications/scheme-invitation-notifications';
import { SchemeReportRepository } from './scheme-report.repository';
import {
  SchemesRepository,
  type InvitationView,
  type MemberRecord,
  type MySchemeRecord,
  type ResidentFacts,
  type SchemeRecord,
  type SchemeScope,
  type SchemeType,
} from './schemes.repository';

/** Staff roles that manage schemes, members and patrols (others only read). */
export const SCHEME_MANAGER_ROLES: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];

export interface SchemeView {
  id: string;
  type: string;
  name: string;
  wardCode: string;
  wardName: string;
  npuCode: string;
  status: string;
  coordinator: { residentId: string; firstName: string | null; lastName: string | null } | null;
  memberCount: number;
  /** The day the scheme (last) opened, Europe/London. */
  openedOn: string;
  /** The day it closed; null while active. */
  closedOn: string | null;
  createdAt: Date;
}

/** Staff see full names; a coordinator (a resident) sees first names only. */
export interface StaffMemberView {
  residentId: string;
  firstName: string | null;
  lastName: string | null;
  wardCode: string;
  status: string;
  joinedAt: Date;
}
export interface CoordinatorMemberView {
  residentId: string;
  firstName: string | null;
  joinedAt: Date;
}

export interface Invited {
  schemeId: string;
  residentId: string;
  status: 'invited';
}

export interface MemberAdded {
  schemeId: string;
  residentId: string;
  firstName: string | null;
  lastName?: string | null;
  joinedAt: Date;
}

/** Who may touch a scheme: NPU staff, or (a resident) its coordinator. */
export interface SchemeAccessFacts {
  npuCode: string;
  coordinatorResidentId: string | null;
}

export const actorKey = (p: Principal) => `${p.kind}:${p.id}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toSchemeView = (r: SchemeRecord): SchemeView => ({
  id: r.id,
  type: r.type,
  name: r.name,
  wardCode: r.wardCode,
  wardName: r.wardName,
  npuCode: r.npuCode,
  status: r.status,
  coordinator: r.coordinatorResidentId
    ? { residentId: r.coordinatorResidentId, firstName: r.coordinatorFirstName, lastName: r.coordinatorLastName }
    : null,
  memberCount: r.memberCount,
  openedOn: r.openedOn,
  closedOn: r.closedOn,
  createdAt: r.createdAt,
});

/** Financial years end on 31 March (Europe/London); the demo targets fall due then. */
function financialYearEnd(now = new Date()): string {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
  return `${m >= 4 ? y + 1 : y}-03-31`;
}

@Injectable()
export class SchemesService {
  private readonly logger = new Logger(SchemesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: SchemesRepository,
    private readonly targets: SchemeReportRepository,
    private readonly geography: GeographyService,
    private readonly notifier: SchemeNotifier,
  ) {}

  listTypes(): Promise<SchemeType[]> {
    return this.repo.listTypes();
  }

  async addType(dto: SchemeTypeDto): Promise<SchemeType> {
    if (!(await this.repo.insertType({ code: dto.code, name: dto.name }))) throw conflict(`Scheme type ${dto.code} already exists`);
    return { code: dto.code, name: dto.name };
  }

  async create(staff: StaffPrincipal, dto: CreateSchemeDto): Promise<SchemeView> {
    const ward = await this.geography.findWard(dto.wardCode);
    if (!ward) throw badRequest(`wardCode ${dto.wardCode} does not exist`);
    assertNpuAccess(staff, ward.npuCode);
    const today = londonDay();
    const openedOn = dto.openedOn ?? today;
    if (openedOn > today) throw badRequest('openedOn must not be in the future');
    const id = await this.db.transaction(async (tx) => {
      if (!(await this.repo.typeExists(dto.type, tx))) throw badRequest(`type ${dto.type} is not a scheme type (see GET /api/v1/scheme-types)`);
      const schemeId = await this.repo.insertScheme(tx, { type: dto.type, name: dto.name, wardCode: dto.wardCode, openedOn });
      if (dto.coordinatorResidentId) {
        if (!dto.coordinatorConsent) throw badRequest('coordinatorConsent is required with coordinatorResidentId: record how the resident agreed');
        await this.assertEligible(tx, dto.coordinatorResidentId, ward.npuCode);
        // A scheme recorded as opened earlier had its coordinator from the start.
        const joinedOn = openedOn < today ? openedOn : undefined;
        await this.repo.insertMember(tx, schemeId, dto.coordinatorResidentId, { method: dto.coordinatorConsent, recordedBy: `staff:${staff.id}` }, joinedOn);
        await this.repo.updateScheme(tx, schemeId, { coordinatorResidentId: dto.coordinatorResidentId });
      }
      return schemeId;
    });
    return this.get(staff, id);
  }

  async list(staff: StaffPrincipal, q: SchemeListQueryDto): Promise<Page<SchemeView>> {
    const npuCode = scopedNpu(staff, q.npu);
    if (q.ward) {
      const ward = await this.geography.findWard(q.ward);
      if (ward) assertNpuAccess(staff, ward.npuCode);
    }
    const limit = q.limit ?? 50;
    const rows = await this.repo.listSchemes({ npuCode, type: q.type, wardCode: q.ward, status: q.status, after: decodeCursor(q.cursor), limit });
    const page = toPage(rows, limit, (r) => ({ key: r.name, id: r.id }));
    return { items: page.items.map(toSchemeView), nextCursor: page.nextCursor };
  }

  async get(staff: StaffPrincipal, id: string): Promise<SchemeView> {
    const row = await this.repo.findSchemeView(id);
    if (!row) throw notFound('Scheme');
    assertNpuAccess(staff, row.npuCode);
    return toSchemeView(row);
  }

  async update(staff: StaffPrincipal, id: string, dto: UpdateSchemeDto): Promise<SchemeView> {
    if (dto.name === undefined && dto.status === undefined && dto.coordinatorResidentId === undefined) {
      throw badRequest('Nothing to change: send name, status or coordinatorResidentId');
    }
    const today = londonDay();
    if (dto.closedOn !== undefined && dto.status !== 'closed') throw badRequest('closedOn goes with status closed');
    if (dto.closedOn !== undefined && dto.closedOn > today) throw badRequest('closedOn must not be in the future');
    await this.db.transaction(async (tx) => {
      const scheme = await this.repo.lockScheme(tx, id, 'update');
      if (!scheme) throw notFound('Scheme');
      assertNpuAccess(staff, scheme.npuCode);
      const closing = dto.status === 'closed' && scheme.status === 'active';
      if (closing && dto.closedOn !== undefined && dto.closedOn < scheme.openedOn) throw badRequest(`closedOn must not be before the scheme opened (${scheme.openedOn})`);
      if (dto.closedOn !== undefined && !closing) throw new DomainException('INVALID_TRANSITION', 'The scheme is already closed');
      if (dto.coordinatorResidentId) {
        const status = await this.repo.memberStatus(tx, id, dto.coordinatorResidentId);
        if (status === null) throw badRequest(`Resident ${dto.coordinatorResidentId} is not a member of this scheme: add them first`);
        if (status !== 'active') throw badRequest(`Resident ${dto.coordinatorResidentId} is not an active resident`);
      }
      // Closing dates the close (default today); reopening starts a new open period today.
      const on = closing ? (dto.closedOn ?? today) : today;
      await this.repo.updateScheme(tx, id, { name: dto.name, status: dto.status && { to: dto.status, on }, coordinatorResidentId: dto.coordinatorResidentId });
    });
    return this.get(staff, id);
  }

  /** Staff enrol a resident who has agreed to join; how they agreed is stored with the membership. */
  async enrol(staff: StaffPrincipal, schemeId: string, residentId: string, consent: StaffConsentMethod, joinedOn?: string): Promise<MemberAdded> {
    if (joinedOn !== undefined && joinedOn > londonDay()) throw badRequest('joinedOn must not be in the future');
    return this.db.transaction(async (tx) => {
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme) throw notFound('Scheme');
      await this.authorize(staff, scheme, tx);
      if (scheme.status !== 'active') throw new DomainException('INVALID_TRANSITION', 'The scheme is closed: reopen it to add members');
      if (joinedOn !== undefined && joinedOn < scheme.openedOn) throw badRequest(`joinedOn must not be before the scheme opened (${scheme.openedOn})`);
      const resident = await this.assertEligible(tx, residentId, scheme.npuCode);
      const joinedAt = await this.repo.insertMember(tx, schemeId, residentId, { method: consent, recordedBy: `staff:${staff.id}` }, joinedOn);
      if (!joinedAt) throw conflict('The resident is already a member of this scheme');
      await this.repo.deleteInvitation(tx, schemeId, residentId);
      return { schemeId, residentId, firstName: resident.firstName, lastName: resident.lastName, joinedAt };
    });
  }

  /**
   * A coordinator (a resident) cannot enrol anyone: they invite, and the resident joins by
   * accepting from their own session. The answer is the same whether or not the id is an
   * eligible resident (unknown, inactive or of another NPU: nothing is stored), so it reveals
   * neither existence, status nor NPU; only an existing member is a 409 (the coordinator sees
   * the members anyway).
   */
  async invite(coordinator: ResidentPrincipal, schemeId: string, residentId: string): Promise<Invited> {
    return this.db.transaction(async (tx) => {
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme) throw notFound('Scheme');
      await this.authorize(coordinator, scheme, tx);
      if (scheme.status !== 'active') throw new DomainException('INVALID_TRANSITION', 'The scheme is closed: reopen it to add members');
      if (await this.repo.isMember(tx, schemeId, residentId)) throw conflict('The resident is already a member of this scheme');
      const resident = await this.repo.findResident(tx, residentId);
      // A new invitation e-mails the invitee a link to their schemes page (in this transaction; ids only);
      // a repeated one sends nothing more, so a coordinator cannot flood someone's inbox.
      if (resident?.status === 'active' && resident.npuCode === scheme.npuCode && (await this.repo.insertInvitation(tx, schemeId, residentId, `resident:${coordinator.id}`))) {
        await this.notifier.enqueueEmail(SchemeNotice.invitation, { schemeId, residentId }, { manager: tx });
      }
      return { schemeId, residentId, status: 'invited' };
    });
  }

  /** The resident's own open invitations. */
  async listInvitations(residentId: string): Promise<InvitationView[]> {
    await this.assertResidentCurrent(residentId);
    return this.repo.listInvitationsOf(residentId);
  }

  /** Accepting an invitation is the resident's consent: they become a member (consent 'invitation'). */
  async acceptInvitation(residentId: string, schemeId: string): Promise<MemberAdded> {
    return this.db.transaction(async (tx) => {
      await this.assertResidentCurrent(residentId, tx);
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme || !(await this.repo.deleteInvitation(tx, schemeId, residentId))) throw notFound('Invitation');
      if (scheme.status !== 'active') throw new DomainException('INVALID_TRANSITION', 'The scheme is closed');
      const resident = await this.assertEligible(tx, residentId, scheme.npuCode);
      const joinedAt = await this.repo.insertMember(tx, schemeId, residentId, { method: 'invitation', recordedBy: `resident:${residentId}` });
      if (!joinedAt) throw conflict('You are already a member of this scheme');
      return { schemeId, residentId, firstName: resident.firstName, joinedAt };
    });
  }

  /**
   * A resident joins a scheme of their own NPU from their own page: their act is the consent
   * (`consent = 'self'`). The member rules are enrol's (active, same NPU, scheme open); an
   * open invitation to the scheme is used up.
   */
  async join(residentId: string, schemeId: string): Promise<MemberAdded> {
    return this.db.transaction(async (tx) => {
      await this.assertResidentCurrent(residentId, tx);
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme) throw notFound('Scheme');
      if (scheme.status !== 'active') throw new DomainException('INVALID_TRANSITION', 'The scheme is closed');
      const resident = await this.assertEligible(tx, residentId, scheme.npuCode);
      const joinedAt = await this.repo.insertMember(tx, schemeId, residentId, { method: 'self', recordedBy: `resident:${residentId}` });
      if (!joinedAt) throw conflict('You are already a member of this scheme');
      await this.repo.deleteInvitation(tx, schemeId, residentId);
      return { schemeId, residentId, firstName: resident.firstName, joinedAt };
    });
  }

  async declineInvitation(residentId: string, schemeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.assertResidentCurrent(residentId, tx);
      if (!(await this.repo.deleteInvitation(tx, schemeId, residentId))) throw notFound('Invitation');
    });
  }

  /**
   * A resident leaves a scheme from their own page. Only their own membership (404 when they are
   * not a member, so another scheme's membership is not revealed); the coordinator cannot leave
   * (409) until staff set another or clear the role. The membership period is closed by the
   * trigger on scheme_member, so as-at reports keep counting them for the days they were in;
   * patrols already planned stay, as on a removal (they cancel them as a volunteer may).
   */
  async leave(residentId: string, schemeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.assertResidentCurrent(residentId, tx);
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme || (await this.repo.memberStatus(tx, schemeId, residentId)) === null) throw notFound('Membership');
      if (scheme.coordinatorResidentId === residentId) throw conflict('You coordinate this scheme: ask the neighbourhood team to choose another coordinator before you leave');
      await this.repo.deleteMember(tx, schemeId, residentId);
    });
  }

  /** The coordinator stays a member: removing them is a 409 until another coordinator is set (or cleared). */
  async removeMember(actor: Principal, schemeId: string, residentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const scheme = await this.repo.lockScheme(tx, schemeId, 'update');
      if (!scheme) throw notFound('Scheme');
      await this.authorize(actor, scheme, tx);
      if (scheme.coordinatorResidentId === residentId) {
        throw conflict('This resident coordinates the scheme: set another coordinator before removing them');
      }
      if (!(await this.repo.deleteMember(tx, schemeId, residentId))) throw notFound('Member');
    });
  }

  async listMembers(actor: Principal, schemeId: string, q: { limit?: number; cursor?: string }): Promise<Page<StaffMemberView | CoordinatorMemberView>> {
    const scheme = await this.repo.findSchemeView(schemeId);
    if (!scheme) throw notFound('Scheme');
    await this.authorize(actor, scheme);
    const limit = q.limit ?? 50;
    const page = toPage(await this.repo.listMembers(schemeId, decodeCursor(q.cursor), limit), limit, (r) => ({ key: r.sortKey, id: r.residentId }));
    const view =
      actor.kind === 'staff'
        ? ({ sortKey: _k, ...m }: MemberRecord): StaffMemberView => m
        : (m: MemberRecord): CoordinatorMemberView => ({ residentId: m.residentId, firstName: m.firstName, joinedAt: m.joinedAt });
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  async listMine(residentId: string): Promise<MySchemeRecord[]> {
    await this.assertResidentCurrent(residentId);
    return this.repo.listSchemesOfResident(residentId);
  }

  /** A resident token outlives an erasure (stateless JWT): an erased resident gets the invalid-token 401. */
  async assertResidentCurrent(residentId: string, tx: EntityManager = this.db.manager): Promise<void> {
    const me = await this.repo.findResident(tx, residentId);
    if (!me || me.status === 'erased') throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
  }

  /**
   * For messaging (audience.schemeIds): each scheme's NPU and status. Unknown ids are a 400,
   * a scheme outside the caller's NPU a 403.
   */
  async assertStaffCanTarget(staff: StaffPrincipal, schemeIds: string[]): Promise<SchemeScope[]> {
    const ids = [...new Set(schemeIds)];
    const malformed = ids.filter((id) => !UUID.test(id));
    if (malformed.length) throw badRequest(`Not scheme ids: ${malformed.join(', ')}`, malformed);
    const scopes = ids.length ? await this.repo.findSchemeScopes(ids) : [];
    const missing = ids.filter((id) => !scopes.some((s) => s.schemeId === id));
    if (missing.length) throw badRequest(`Unknown scheme(s): ${missing.join(', ')}`, missing);
    for (const s of scopes) assertNpuAccess(staff, s.npuCode);
    return scopes;
  }

  /**
   * Staff: the scheme's NPU must be theirs. Resident: must be its coordinator and still active.
   * Route roles (who may write at all) are declared on the controllers.
   */
  async authorize(actor: Principal, scheme: SchemeAccessFacts, tx: EntityManager = this.db.manager): Promise<void> {
    if (actor.kind === 'staff') return assertNpuAccess(actor, scheme.npuCode);
    if (scheme.coordinatorResidentId !== actor.id) throw forbidden('Only the scheme’s coordinator can do this');
    const me = await this.repo.findResident(tx, actor.id);
    if (me?.status !== 'active') throw forbidden('Only an active resident can coordinate a scheme');
  }

  /**
   * Members are active residents living in the scheme's NPU (any of its wards). Unknown,
   * inactive and out-of-NPU give one message, which names no NPU.
   */
  private async assertEligible(tx: EntityManager, residentId: string, npuCode: string): Promise<ResidentFacts> {
    const resident = await this.repo.findResident(tx, residentId);
    if (resident?.status !== 'active' || resident.npuCode !== npuCode) {
      throw badRequest(`Resident ${residentId} cannot join this scheme: members must be active residents of the scheme's NPU`);
    }
    return resident;
  }

  /**
   * Demo data: in each NPU without schemes, a Neighbourhood Watch in its first ward and a
   * Street Watch in its second, without members (demo residents belong to another lib),
   * plus targets. Returns the number of schemes created; a second run creates none.
   */
  async seedDemo(): Promise<number> {
    let created = 0;
    const dueDate = financialYearEnd();
    for (const npuCode of await this.repo.npusWithoutSchemes()) {
      const wards = await this.geography.listWards(npuCode);
      if (!wards.length) continue;
      const [first, second = first] = wards;
      await this.db.transaction(async (tx) => {
        const openedOn = londonDay();
        await this.repo.insertScheme(tx, { type: 'neighbourhood_watch', name: `${first.name} Neighbourhood Watch`, wardCode: first.code, openedOn });
        await this.repo.insertScheme(tx, { type: 'street_watch', name: `${second.name} Street Watch`, wardCode: second.code, openedOn });
      });
      created += 2;
      await this.targets.insertTargetIfAbsent({ npuCode, type: 'neighbourhood_watch', target: 10, dueDate }, 'seed');
      await this.targets.insertTargetIfAbsent({ npuCode, type: 'street_watch', target: 4, dueDate }, 'seed');
    }
    if (created) this.logger.log(`Demo schemes loaded: ${created}`);
    return created;
  }
}
