import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, JobHandler, JobName, type JobPayloads } from '@beacon/core';

export interface WardMoveCount {
  wardCode: string;
  movedIn: number;
  movedOut: number;
}

/**
 * Boundary changes: after a new postcode directory or ward set, every resident whose postcode
 * now lies in another ward is moved there (one statement), each move recorded in
 * resident_ward_move (old ward, new ward, when). Centroids follow the directory too.
 */
@Injectable()
export class ResidentWardMoveService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async recheck(reason: string): Promise<WardMoveCount[]> {
    return this.db.transaction(async (tx) => {
      const moves = await tx.query<{ fromWard: string; toWard: string; n: number }[]>(
        `WITH m AS (
           SELECT r.id, r.ward_code AS from_ward, p.ward_code AS to_ward, p.lat, p.long
             FROM resident r JOIN postcode p ON p.postcode = r.postcode
            WHERE r.status <> 'erased'
              AND (r.ward_code <> p.ward_code OR r.postcode_lat IS DISTINCT FROM p.lat OR r.postcode_long IS DISTINCT FROM p.long)
            FOR UPDATE OF r),
         u AS (
           UPDATE resident r SET ward_code = m.to_ward, postcode_lat = m.lat, postcode_long = m.long
             FROM m WHERE r.id = m.id RETURNING m.id, m.from_ward, m.to_ward),
         ins AS (
           INSERT INTO resident_ward_move (resident_id, from_ward, to_ward)
           SELECT id, from_ward, to_ward FROM u WHERE from_ward <> to_ward RETURNING from_ward, to_ward)
         SELECT from_ward AS "fromWard", to_ward AS "toWard", count(*)::int AS n FROM ins GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const counts = countsByWard(moves);
      if (counts.length) {
        await this.audit.record({ actor: 'system', action: 'residents.ward-moves', subject: `boundary:${reason}`, data: { byWard: counts } }, tx);
      }
      return counts;
    });
  }

  /** Moves since a date, counted per ward (in and out); `npuCode` keeps to that NPU's wards. */
  async countsSince(since: Date, npuCode: string | null): Promise<WardMoveCount[]> {
    const moves = await this.db.query<{ fromWard: string; toWard: string; n: number }[]>(
      `SELECT from_ward AS "fromWard", to_ward AS "toWard", count(*)::int AS n FROM resident_ward_move WHERE moved_at >= $1 GROUP BY 1, 2`,
      [since],
    );
    const counts = countsByWard(moves);
    if (!npuCode) return counts;
    const ours = await this.db.query<{ code: string }[]>('SELECT code FROM ward WHERE npu_code = $1', [npuCode]);
    const set = new Set(ours.map((w) => w.code));
    return counts.filter((c) => set.has(c.wardCode));
  }
}

function countsByWard(moves: { fromWard: string; toWard: string; n: number }[]): WardMoveCount[] {
  const by = new Map<string, WardMoveCount>();
  const get = (w: string) => by.get(w) ?? by.set(w, { wardCode: w, movedIn: 0, movedOut: 0 }).get(w)!;
  for (const m of moves) {
    get(m.fromWard).movedOut += m.n;
    get(m.toWard).movedIn += m.n;
  }
  return [...by.values()].sort((a, b) => a.wardCode.localeCompare(b.wardCode));
}

/** Thin and idempotent: a second run finds nobody to move. */
@Injectable()
export class ResidentWardRecheckHandler {
  private readonly log = new Logger('ResidentWardRecheck');
  constructor(private readonly moves: ResidentWardMoveService) {}

  @JobHandler(JobName.ResidentWardRecheck)
  async handle(job: JobPayloads[JobName.ResidentWardRecheck]): Promise<void> {
    const counts = await this.moves.recheck(job.reason);
    if (counts.length) this.log.log(`Moved residents after a boundary change (${job.reason}): ${counts.map((c) => `${c.wardCode} +${c.movedIn}/-${c.movedOut}`).join(', ')}`);
  }
}
