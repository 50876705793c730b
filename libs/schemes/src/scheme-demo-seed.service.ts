import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Schemes per NPU in the full demo, by type (Street Watch schemes run patrols). */
const SCHEMES_PER_NPU: [type: string, count: number, targetExtra: number][] = [
  ['neighbourhood_watch', 6, 4],
  ['street_watch', 2, 1],
  ['business_watch', 2, 1],
  ['canal_watch', 1, 1],
];

/**
 * The full demo's schemes, set-based: every type in every NPU, coordinated and joined by active
 * residents of the scheme's ward (each with a recorded consent), targets falling due over the
 * coming year, and Street Watch patrols (past ones with volunteers and a report, planned ones
 * with volunteers). Loaded once: nothing happens when any scheme has members.
 */
@Injectable()
export class SchemeDemoSeedService {
  private readonly logger = new Logger('Schemes');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Members' consent is recorded by the first admin (staff are read, never written). Returns schemes created. */
  async seedFullDemo(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM scheme_member) AS any');
      if (any) return 0;
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH w AS (
           SELECT code, name, npu_code, row_number() OVER (PARTITION BY npu_code ORDER BY code) - 1 AS i, count(*) OVER (PARTITION BY npu_code) AS nw FROM ward
         ),
         spec AS (
           SELECT t.type, t.cnt, t.ord, coalesce(sum(t.cnt) OVER (ORDER BY t.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS offs
             FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS t(type, cnt, ord)
         ),
         planned AS (
           SELECT s.type, st.name AS type_name, w0.npu_code, k, (s.offs + k) * 2 AS ward_i
             FROM spec s JOIN scheme_type st ON st.code = s.type
             CROSS JOIN (SELECT DISTINCT npu_code FROM ward) w0
             CROSS JOIN LATERAL generate_series(0, s.cnt - 1) AS g(k)
         ),
         ins AS (
           INSERT INTO scheme (type, name, ward_code, status, created_at, updated_at, opened_on)
           SELECT p.type, w.name || ' ' || p.type_name, w.code, 'active',
                  now() - make_interval(days => 200 + abs(hashtext(w.code || p.type || p.k)) % 700),
                  now() - make_interval(days => 200 + abs(hashtext(w.code || p.type || p.k)) % 700),
                  ((now() - make_interval(days => 200 + abs(hashtext(w.code || p.type || p.k)) % 700)) AT TIME ZONE 'Europe/London')::date
             FROM planned p JOIN w ON w.npu_code = p.npu_code AND w.i = p.ward_i % w.nw
           ON CONFLICT DO NOTHING
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [SCHEMES_PER_NPU.map(([t]) => t), SCHEMES_PER_NPU.map(([, c]) => c)],
      );
      // Members: ~3 % of the ward's active residents (at least a handful), the earliest-joined coordinating.
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_scheme_member ON COMMIT DROP AS
         SELECT * FROM (
           SELECT s.id AS scheme_id, r.id AS resident_id, s.type,
                  greatest(s.created_at, r.activated_at) + make_interval(days => abs(hashtext(r.id::text || s.id::text)) % 60) AS joined_at,
                  row_number() OVER (PARTITION BY s.id ORDER BY r.activated_at, r.id) AS rank
             FROM scheme s JOIN resident r ON r.ward_code = s.ward_code AND r.status = 'active') c
          WHERE rank = 1 OR abs(hashtext(resident_id::text || type)) % 100 < CASE type WHEN 'neighbourhood_watch' THEN 4 WHEN 'street_watch' THEN 3 ELSE 2 END`,
      );
      await tx.query<unknown>(`UPDATE demo_scheme_member SET joined_at = now() WHERE joined_at > now()`);
      await tx.query<unknown>(
        `INSERT INTO scheme_member (scheme_id, resident_id, joined_at, consent, consent_recorded_by)
         SELECT scheme_id, resident_id, joined_at, ($1::text[])[1 + abs(hashtext(resident_id::text)) % 4],
                coalesce('staff:' || (SELECT id FROM staff WHERE role = 'admin' AND active ORDER BY created_at LIMIT 1), 'seed')
           FROM demo_scheme_member`,
        [['in_person', 'phone', 'written', 'email']],
      );
      await tx.query<unknown>(
        `UPDATE scheme s SET coordinator_resident_id = m.resident_id FROM demo_scheme_member m WHERE m.scheme_id = s.id AND m.rank = 1`,
      );
      // Targets: above today's count, due at points over the coming year.
      await tx.query<unknown>(
        `INSERT INTO scheme_target (npu_code, type, target, due_date, set_by)
         SELECT w.npu_code, s.type, count(*)::int + t.extra,
                (current_date + make_interval(months => 3 + abs(hashtext(w.npu_code || s.type)) % 9))::date, 'seed'
           FROM scheme s JOIN ward w ON w.code = s.ward_code JOIN unnest($1::text[], $2::int[]) AS t(type, extra) ON t.type = s.type
          GROUP BY w.npu_code, s.type, t.extra
         ON CONFLICT (npu_code, type, due_date) DO UPDATE SET target = EXCLUDED.target, updated_at = now()`,
        [SCHEMES_PER_NPU.map(([t]) => t), SCHEMES_PER_NPU.map(([, , e]) => e)],
      );
      // Patrols: weekly, 19:00–21:00 UTC; eight past (one cancelled) and four planned per Street Watch.
      await tx.query<unknown>(
        `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by, created_at, status, cancelled_at, cancelled_by, cancel_reason)
         SELECT s.id, p.starts_at, p.starts_at + interval '2 hours',
                'Meet at the ' || ($1::text[])[1 + (k + 8) % 4] || ', then round ' || s.name || ' and back',
                'resident:' || s.coordinator_resident_id, least(p.starts_at - interval '6 days', now()),
                CASE WHEN k = -5 THEN 'cancelled' ELSE 'planned' END,
                CASE WHEN k = -5 THEN p.starts_at - interval '1 day' END,
                CASE WHEN k = -5 THEN 'resident:' || s.coordinator_resident_id END,
                CASE WHEN k = -5 THEN 'Heavy rain forecast' END
           FROM scheme s
           CROSS JOIN LATERAL generate_series(-8, 4) AS g(k)
           CROSS JOIN LATERAL (SELECT date_trunc('day', now()) + make_interval(days => 7 * k + CASE WHEN k < 0 THEN 0 ELSE 7 END) + interval '19 hours' AS starts_at) p
          WHERE s.type = 'street_watch' AND s.coordinator_resident_id IS NOT NULL AND k <> 0`,
        [['library', 'parade of shops', 'community centre', 'park gates']],
      );
      await tx.query<unknown>(
        `INSERT INTO patrol_volunteer (patrol_id, resident_id, during)
         SELECT p.id, m.resident_id, tstzrange(p.starts_at, p.ends_at)
           FROM patrol p JOIN scheme_member m ON m.scheme_id = p.scheme_id AND m.joined_at < p.created_at
          WHERE p.status = 'planned' AND abs(hashtext(p.id::text || m.resident_id::text)) % 100 < 40`,
      );
      await tx.query<unknown>(
        `INSERT INTO patrol_report (patrol_id, observations, reported_by, created_at)
         SELECT p.id, ($1::text[])[1 + abs(hashtext(p.id::text)) % 4], p.created_by, p.ends_at + interval '1 hour'
           FROM patrol p WHERE p.status = 'planned' AND p.ends_at < now() - interval '1 hour'`,
        [[
          'Quiet evening. Two cars with valuables on show: leaflets left under the wipers.',
          'Spoke to six residents about door locks; one street light out on the corner (reported to the council).',
          'Group of young people near the shops, friendly chat, no problems. Fly-tipping behind the garages reported.',
          'Nothing to report; checked the alleyway gates, all locked.',
        ]],
      );
      this.logger.log(`Demo schemes loaded: ${n}`);
      return n;
    });
  }
}
