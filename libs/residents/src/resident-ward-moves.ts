import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, JobHandler, JobName, uuidRanges, type JobPayloads } from '@beacon/core';

export interface WardMoveCount {
  wardCode: string;
  movedIn: number;
  movedOut: number;
}

/** Residents a recheck statement takes at most (about): a national directory moves millions. */
const RESIDENTS_PER_SLICE = 200_000;

/**
 * Boundary changes: after a new postcode directory or ward set, every resident whose postcode
 * now lies in another ward is moved there, each move recorded in resident_ward_move (old ward,
 * new ward, when). Centroids follow the directory too.
 *
 * One statement per range of resident ids (`uuidRanges`, about RESIDENTS_PER_SLICE residents each
 * by the table's estimate; one range below that), each in its own transaction with its audit
 * record. A statement's moves refresh the audience counts of every resident it moved
 * (`resident_audience_refresh`, by statement trigger): one refresh over 10M residents held 14.5 GB
 * in its backend, and one transaction over a force would hold the row lock of every resident it
 * moved until the last. A run that stops part way is finished by the next, which finds the
 * residents moved already in their new wards.
 */
@Injectable()
export class ResidentWardMoveService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** `slices`: ranges to go through (default: from the table's size). */
  async recheck(reason: string, slices?: number): Promise<WardMoveCount[]> {
    const parts = slices ?? (await this.slicesForSize());
    const all: { fromWard: string; toWard: string; n: number }[] = [];
    for (const [after, last] of uuidRanges(parts)) all.push(...(await this.recheckRange(reason, after, last, parts)));
    return countsByWard(all);
  }

  private async slicesForSize(): Promise<number> {
    // reltuples: -1 before the first ANALYZE (a new database), then PostgreSQL's estimate.
    const [row] = await this.db.query<{ n: number }[]>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'resident'::regclass`);
    return Math.max(1, Math.ceil(row.n / RESIDENTS_PER_SLICE));
  }

  private recheckRange(reason: string, after: string, last: string, parts: number) {
    return this.db.transaction(async (tx) => {
      const moves = await tx.query<{ fromWard: string; toWard: string; n: number }[]>(
        `WITH m AS (
           SELECT r.id, r.ward_code AS from_ward, p.ward_code AS to_ward, p.lat, p.long
             FROM resident r JOIN postcode p ON p.postcode = r.postcode
            WHERE r.id > $1::uuid AND r.id <= $2::uuid AND r.status <> 'erased'
              AND (r.ward_code <> p.ward_code OR r.postcode_lat IS DISTINCT FROM p.lat OR r.postcode_long IS DISTINCT FROM p.long)
            FOR UPDATE OF r),
         u AS (
           UPDATE resident r SET ward_code = m.to_ward, postcode_lat = m.lat, postcode_long = m.long
             FROM m WHERE r.id = m.id RETURNING m.id, m.from_ward, m.to_ward),
         ins AS (
           INSERT INTO resident_ward_move (resident_id, from_ward, to_ward)
           SELECT id, from_ward, to_ward FROM u WHERE from_ward <> to_ward RETURNING from_ward, to_ward)
         SELECT from_ward AS "fromWard", to_ward AS "toWard", count(*)::int AS n FROM ins GROUP BY 1, 2 ORDER BY 1, 2`,
        [after, last],
      );
      const counts = countsByWard(moves);
      if (counts.length) {
        const data = parts > 1 ? { byWard: counts, residents: { after, last } } : { byWard: counts };
        await this.audit.record({ actor: 'system', action: 'residents.ward-moves', subject: `boundary:${reason}`, data }, tx);
      }
      return moves;
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
