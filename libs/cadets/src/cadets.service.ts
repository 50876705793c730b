import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import {
  AuditService,
  badRequest,
  conflict,
  decodeCursor,
  notFound,
  toPage,
  type Page,
  type StaffPrincipal,
  type StaffRole,
} from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import type { CadetRole, CadetUnitKind } from './cadet.entity';
import { ADULT_AGE, ageOn, CHILD_AGE, londonToday, normaliseUkPhone } from './cadet-rules';
import type { AddCadetMemberDto, CadetMemberListQueryDto, CadetUnitListQueryDto, CreateCadetUnitDto, RecordSessionDto } from './cadets.dto';
import {
  CadetsRepository,
  type CadetMemberDetail,
  type CadetMemberRecord,
  type CadetSessionRecord,
  type CadetUnitRecord,
} from './cadets.repository';

/** Who creates units; who writes members and sessions (and sees children's details). */
export const CADET_UNIT_CREATORS: StaffRole[] = ['admin', 'npu_lead', 'cadet_leader'];
export const CADET_WRITERS: StaffRole[] = ['admin', 'cadet_leader'];
const DETAIL_ROLES: StaffRole[] = ['admin', 'cadet_leader'];

/** The child role each kind of unit takes (leaders join either). */
const CHILD_ROLE: Record<CadetUnitKind, CadetRole> = { cadets: 'cadet', junior_pcso: 'junior_pcso' };

export const READ_CADET_MEMBER = 'read cadet_member';

export type CadetMemberView = CadetMemberRecord | CadetMemberDetail;

export interface CadetSessionView {
  id: string;
  unitId: string;
  heldOn: string;
  attendeeIds: string[];
  attendeeCount: number;
}

@Injectable()
export class CadetsService {
  private readonly logger = new Logger(CadetsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: CadetsRepository,
    private readonly audit: AuditService,
    private readonly geography: GeographyService,
  ) {}

  async createUnit(dto: CreateCadetUnitDto): Promise<CadetUnitRecord> {
    if (!(await this.geography.npuExists(dto.npuCode))) throw badRequest(`npuCode ${dto.npuCode} does not exist`);
    const id = await this.repo.insertUnit({ npuCode: dto.npuCode, name: dto.name, kind: dto.kind });
    if (!id) throw conflict(`NPU ${dto.npuCode} already has a unit called ${dto.name}`);
    return (await this.repo.findUnit(id))!;
  }

  async listUnits(staff: StaffPrincipal, q: CadetUnitListQueryDto): Promise<Page<CadetUnitRecord>> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.listUnits(scopedNpu(staff, q.npu), decodeCursor(q.cursor), limit);
    return toPage(rows, limit, (u) => ({ key: u.name, id: u.id }));
  }

  async getUnit(staff: StaffPrincipal, id: string): Promise<CadetUnitRecord> {
    const unit = await this.repo.findUnit(id);
    if (!unit) throw notFound('Cadet unit');
    assertNpuAccess(staff, unit.npuCode);
    return unit;
  }

  /**
   * Children (cadet / junior_pcso, matching the unit's kind) are 8–18 and need a guardian
   * with a UK phone; leaders are adults and have no guardian. Every problem in one 400.
   */
  async addMember(staff: StaffPrincipal, unitId: string, dto: AddCadetMemberDto): Promise<CadetMemberDetail> {
    const unit = await this.getUnit(staff, unitId);
    const problems: string[] = [];
    const today = londonToday();
    const age = ageOn(dto.dateOfBirth, today);
    const isChild = dto.role !== 'leader';
    if (dto.dateOfBirth > today) problems.push('dateOfBirth is in the future');
    if (dto.joinedOn !== undefined && dto.joinedOn > today) problems.push('joinedOn is in the future');
    else if (isChild && (age < CHILD_AGE.min || age > CHILD_AGE.max)) {
      problems.push(`dateOfBirth: a ${dto.role} must be ${CHILD_AGE.min}–${CHILD_AGE.max} years old (is ${age})`);
    } else if (!isChild && (age < ADULT_AGE.min || age > ADULT_AGE.max)) {
      problems.push(`dateOfBirth: a leader must be an adult (is ${age})`);
    }
    if (isChild && dto.role !== CHILD_ROLE[unit.kind]) problems.push(`role: a ${unit.kind} unit takes ${CHILD_ROLE[unit.kind]} or leader members`);
    let guardianPhone: string | null = null;
    if (isChild) {
      if (!dto.guardianName) problems.push('guardianName is required for a child');
      if (!dto.guardianPhone) problems.push('guardianPhone is required for a child');
      else if (!(guardianPhone = normaliseUkPhone(dto.guardianPhone))) problems.push('guardianPhone must be a valid UK phone number');
    } else if (dto.guardianName !== undefined || dto.guardianPhone !== undefined) {
      problems.push('guardianName and guardianPhone are for children only');
    }
    if (problems.length) throw badRequest(`Invalid member: ${problems.join('; ')}`, problems);
    const member = await this.repo.insertMember({
      unitId,
      firstName: dto.firstName,
      lastName: dto.lastName,
      dateOfBirth: dto.dateOfBirth,
      guardianName: isChild ? dto.guardianName! : null,
      guardianPhone,
      role: dto.role,
      joinedOn: dto.joinedOn ?? null,
    });
    if (!member) throw conflict('This person is already an active member of the unit');
    return member;
  }

  /** Names for every staff role of the NPU; details for admins and cadet leaders, each child read audited. */
  async listMembers(staff: StaffPrincipal, unitId: string, q: CadetMemberListQueryDto): Promise<Page<CadetMemberView>> {
    await this.getUnit(staff, unitId);
    const withSensitive = DETAIL_ROLES.includes(staff.role);
    const limit = q.limit ?? 50;
    const rows = await this.repo.listMembers(unitId, { includeLeft: q.includeLeft === 'true', after: decodeCursor(q.cursor), limit }, { withSensitive });
    const page = toPage(rows, limit, (m) => ({ key: m.sortKey, id: m.id }));
    const items = page.items.map(({ sortKey: _k, ...m }) => m);
    if (withSensitive) await this.auditChildReads(staff, items);
    return { items, nextCursor: page.nextCursor };
  }

  async getMember(staff: StaffPrincipal, unitId: string, memberId: string): Promise<CadetMemberView> {
    await this.getUnit(staff, unitId);
    const withSensitive = DETAIL_ROLES.includes(staff.role);
    const member = await this.repo.findMember(unitId, memberId, { withSensitive });
    if (!member) throw notFound('Member');
    if (withSensitive) await this.auditChildReads(staff, [member]);
    return member;
  }

  /** Leaving keeps the row (attendance history) and sets left_at. */
  async removeMember(staff: StaffPrincipal, unitId: string, memberId: string, leftOn?: string): Promise<void> {
    await this.getUnit(staff, unitId);
    if (leftOn !== undefined && leftOn > londonToday()) throw badRequest('leftOn must not be in the future');
    const outcome = await this.repo.markLeft(unitId, memberId, leftOn ?? null);
    if (outcome === 'missing') throw notFound('Member');
    if (outcome === 'already-left') throw conflict('The member has already left');
    if (outcome === 'before-joining') throw badRequest('leftOn must not be before the member joined');
  }

  /** One session a unit a day, not in the future; attendees are active members of the unit. */
  async recordSession(staff: StaffPrincipal, unitId: string, dto: RecordSessionDto): Promise<CadetSessionView> {
    await this.getUnit(staff, unitId);
    if (dto.heldOn > londonToday()) throw badRequest('heldOn is in the future: record a session once it has been held');
    const id = await this.db.transaction(async (tx) => {
      const active = new Set(await this.repo.activeMembersAmong(tx, unitId, dto.attendeeIds));
      const others = dto.attendeeIds.filter((m) => !active.has(m));
      if (others.length) throw badRequest(`Attendees must be active members of this unit: ${others.join(', ')}`, others);
      const sessionId = await this.repo.insertSession(tx, unitId, dto.heldOn);
      if (!sessionId) throw conflict(`A session on ${dto.heldOn} is already recorded for this unit`);
      await this.repo.insertAttendance(tx, sessionId, dto.attendeeIds);
      return sessionId;
    });
    const attendeeIds = [...dto.attendeeIds].sort();
    return { id, unitId, heldOn: dto.heldOn, attendeeIds, attendeeCount: attendeeIds.length };
  }

  async listSessions(staff: StaffPrincipal, unitId: string, q: { limit?: number; cursor?: string }): Promise<Page<CadetSessionRecord>> {
    await this.getUnit(staff, unitId);
    const limit = q.limit ?? 50;
    const page = toPage(await this.repo.listSessions(unitId, decodeCursor(q.cursor), limit), limit, (s) => ({ key: s.sortKey, id: s.id }));
    return { items: page.items.map(({ sortKey: _k, ...s }) => s), nextCursor: page.nextCursor };
  }

  /** Demo data: one cadets unit in each NPU that has none, without members. Returns units created. */
  async seedDemo(): Promise<number> {
    let created = 0;
    for (const npu of await this.repo.npusWithoutUnits()) {
      if (await this.repo.insertUnit({ npuCode: npu.code, name: `${npu.name} Volunteer Police Cadets`, kind: 'cadets' })) created++;
    }
    if (created) this.logger.log(`Demo cadet units loaded: ${created}`);
    return created;
  }

  /** One audit row per child whose details were shown (leaders are adults: not audited). */
  private async auditChildReads(staff: StaffPrincipal, members: CadetMemberRecord[]): Promise<void> {
    const children = members.filter((m) => m.role !== 'leader');
    if (!children.length) return;
    await this.db.transaction(async (tx) => {
      for (const m of children) await this.audit.recordStaff(staff, READ_CADET_MEMBER, `cadet_member:${m.id}`, { unitId: m.unitId }, tx);
    });
  }
}
