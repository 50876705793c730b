import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import {
  badRequest,
  conflict,
  decodeCursor,
  DomainException,
  forbidden,
  notFound,
  toPage,
  type Page,
  type Principal,
  type ResidentPrincipal,
  type StaffPrincipal,
} from '@beacon/core';
import { STREET_WATCH } from './scheme.entity';
import type { CreatePatrolDto, PatrolListQueryDto } from './schemes.dto';
import { PatrolsRepository, type PatrolCore, type PatrolRecord, type PatrolReportRecord } from './patrols.repository';
import { SchemesRepository, type SchemeCore } from './schemes.repository';
import { actorKey, SchemesService } from './schemes.service';

export const MAX_PATROL_HOURS = 12;
const DAY_MS = 24 * 3600 * 1000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type PatrolView = Omit<PatrolRecord, 'sortKey'>;
const toPatrolView = ({ sortKey: _k, ...p }: PatrolRecord): PatrolView => p;

/** A date alone means its start (UTC); as an upper bound it includes that whole day. */
function parseBound(value: string, upper: boolean): Date {
  if (!DATE_ONLY.test(value)) return new Date(value);
  const start = new Date(`${value}T00:00:00Z`);
  return upper ? new Date(start.getTime() + DAY_MS) : start;
}

@Injectable()
export class PatrolsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly patrols: PatrolsRepository,
    private readonly schemes: SchemesRepository,
    private readonly access: SchemesService,
  ) {}

  /**
   * Street Watch only; two or more volunteers, all active members; in the future, at most
   * 12 hours. A volunteer on an overlapping patrol is a 409 (enforced by the database).
   */
  async plan(actor: Principal, schemeId: string, dto: CreatePatrolDto): Promise<PatrolView> {
    return this.planChecked(actor, schemeId, dto, (tx, scheme) => this.access.authorize(actor, scheme, tx));
  }

  /**
   * A volunteer registers a patrol for themselves and one partner, in advance: both must be
   * active members of the Street Watch scheme (the partner one other than them); then every
   * rule of `plan` applies (future, at most 12 hours, nobody on an overlapping patrol).
   */
  async registerPair(volunteer: ResidentPrincipal, schemeId: string, p: { startsAt: string; endsAt: string; route: string; partnerResidentId: string }): Promise<PatrolView> {
    if (p.partnerResidentId === volunteer.id) throw badRequest('partnerResidentId: choose another member of the scheme as your partner');
    const dto: CreatePatrolDto = { startsAt: p.startsAt, endsAt: p.endsAt, route: p.route, volunteerResidentIds: [volunteer.id, p.partnerResidentId] };
    return this.planChecked(volunteer, schemeId, dto, async (tx) => {
      await this.access.assertResidentCurrent(volunteer.id, tx);
      if (!(await this.patrols.activeMembersAmong(tx, schemeId, [volunteer.id])).length) throw forbidden('Only active members of the scheme can register a patrol');
    });
  }

  private async planChecked(actor: Principal, schemeId: string, dto: CreatePatrolDto, authorize: (tx: EntityManager, scheme: SchemeCore) => Promise<void>): Promise<PatrolView> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    const id = await this.db.transaction(async (tx) => {
      const scheme = await this.schemes.lockScheme(tx, schemeId, 'share');
      if (!scheme) throw notFound('Scheme');
      await authorize(tx, scheme);
      if (scheme.type !== STREET_WATCH) throw conflict('Only Street Watch schemes plan patrols');
      if (scheme.status !== 'active') throw new DomainException('INVALID_TRANSITION', 'The scheme is closed');
      if (startsAt >= endsAt) throw badRequest('endsAt must be after startsAt');
      if (startsAt.getTime() <= Date.now()) throw badRequest('startsAt must be in the future');
      if (endsAt.getTime() - startsAt.getTime() > MAX_PATROL_HOURS * 3600 * 1000) {
        throw badRequest(`A patrol lasts at most ${MAX_PATROL_HOURS} hours`);
      }
      const members = new Set(await this.patrols.activeMembersAmong(tx, schemeId, dto.volunteerResidentIds));
      const outsiders = dto.volunteerResidentIds.filter((r) => !members.has(r));
      if (outsiders.length) throw badRequest(`Volunteers must be active members of the scheme: ${outsiders.join(', ')}`, outsiders);
      await this.patrols.lockVolunteers(tx, dto.volunteerResidentIds);
      const busy = await this.patrols.busyVolunteers(tx, dto.volunteerResidentIds, startsAt, endsAt);
      if (busy.length) throw new DomainException('CONFLICT', `A volunteer is already on an overlapping patrol: ${busy.join(', ')}`, busy);
      const patrolId = await this.patrols.insertPatrol(tx, { schemeId, startsAt, endsAt, route: dto.route, createdBy: actorKey(actor) });
      await this.patrols.insertVolunteers(tx, patrolId, dto.volunteerResidentIds, startsAt, endsAt);
      return patrolId;
    });
    return toPatrolView((await this.patrols.findPatrolView(id))!);
  }

  /** Patrols of the caller's NPU starting in [from, to), cancelled ones included unless `status` says; from defaults to now. */
  async list(staff: StaffPrincipal, q: PatrolListQueryDto): Promise<Page<PatrolView>> {
    const npuCode = scopedNpu(staff, q.npu);
    const from = q.from ? parseBound(q.from, false) : new Date();
    const to = q.to ? parseBound(q.to, true) : undefined;
    if (to && to <= from) throw badRequest('to must be after from');
    const limit = q.limit ?? 50;
    const rows = await this.patrols.listPatrols({ npuCode, schemeId: q.schemeId, status: q.status, from, to, after: decodeCursor(q.cursor), limit });
    const page = toPage(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
    return { items: page.items.map(toPatrolView), nextCursor: page.nextCursor };
  }

  async get(staff: StaffPrincipal, id: string): Promise<PatrolView> {
    const row = await this.patrols.findPatrolView(id);
    if (!row) throw notFound('Patrol');
    assertNpuAccess(staff, row.npuCode);
    return toPatrolView(row);
  }

  /** One report per patrol, after it ends, by staff of its NPU or one of its volunteers; never on a cancelled one. */
  async fileReport(actor: Principal, patrolId: string, observations: string): Promise<PatrolReportRecord> {
    return this.db.transaction(async (tx) => {
      const patrol = await this.patrols.lockPatrol(tx, patrolId);
      if (!patrol) throw notFound('Patrol');
      if (actor.kind === 'staff') assertNpuAccess(actor, patrol.npuCode);
      else {
        // Past patrols keep their volunteers through an erasure; the erased resident's token must not report.
        await this.access.assertResidentCurrent(actor.id, tx);
        if (!(await this.patrols.isVolunteer(tx, patrolId, actor.id))) throw forbidden('Only the patrol’s volunteers can report on it');
      }
      if (patrol.status === 'cancelled') throw new DomainException('INVALID_TRANSITION', 'This patrol was cancelled: it has no report');
      if (patrol.endsAt.getTime() > Date.now()) throw new DomainException('INVALID_TRANSITION', 'A report can be filed once the patrol has ended');
      const report = await this.patrols.insertReport(tx, patrolId, observations, actorKey(actor));
      if (!report) throw conflict('This patrol already has a report');
      return report;
    });
  }

  /**
   * Before it starts, once: by managers of its NPU (roles on the route), or with a resident token
   * by the scheme's coordinator (an active resident) or one of the patrol's volunteers. The row
   * stays (status, when, by whom, why) and its volunteers are free for another patrol at that time.
   */
  async cancel(actor: Principal, patrolId: string, reason: string | undefined): Promise<PatrolView> {
    await this.db.transaction(async (tx) => {
      // The row lock serialises cancels (and a report) of one patrol: a second cancel sees the first.
      const patrol = await this.patrols.lockPatrol(tx, patrolId);
      if (!patrol) throw notFound('Patrol');
      if (actor.kind === 'staff') assertNpuAccess(actor, patrol.npuCode);
      else await this.assertResidentMayCancel(tx, actor, patrol);
      if (patrol.status === 'cancelled') throw new DomainException('INVALID_TRANSITION', 'This patrol is already cancelled');
      if (patrol.startsAt.getTime() <= Date.now()) throw new DomainException('INVALID_TRANSITION', 'A patrol can only be cancelled before it starts');
      await this.patrols.cancelPatrol(tx, patrolId, actorKey(actor), reason ?? null);
    });
    return toPatrolView((await this.patrols.findPatrolView(patrolId))!);
  }

  /**
   * As for reports, an erased resident's token is a 401; then a volunteer who is still an active
   * member of the scheme (one removed from it, or no longer active, cannot call off everyone's
   * patrol), or the coordinator while active.
   */
  private async assertResidentMayCancel(tx: EntityManager, resident: ResidentPrincipal, patrol: PatrolCore): Promise<void> {
    await this.access.assertResidentCurrent(resident.id, tx);
    if ((await this.patrols.isVolunteer(tx, patrol.id, resident.id)) && (await this.patrols.activeMembersAmong(tx, patrol.schemeId, [resident.id])).length) return;
    if (patrol.coordinatorResidentId !== resident.id) throw forbidden('Only the scheme’s coordinator or the patrol’s volunteers can cancel it');
    await this.access.authorize(resident, patrol, tx);
  }
}
