import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// Obviously fictional children: invented surnames, guardians named only as such.
const FIRST_NAMES = ['Alfie', 'Amara', 'Bilal', 'Chen', 'Darcy', 'Eshan', 'Freya', 'Gurleen', 'Hamza', 'Isla', 'Jayden', 'Kiran', 'Layla', 'Mason', 'Nadia', 'Otis'];
const LAST_NAMES = ['Cadetson', 'Drillwood', 'Badgeley', 'Whistlecombe', 'Marchbank', 'Paradeby', 'Saluton', 'Uniformly'];

/**
 * The full demo's cadets, set-based: in each NPU a Volunteer Police Cadets unit (13–17) and a
 * Junior PCSO unit (9–11) with leaders, members who joined over the last two years (a few left),
 * and a weekly session over the last six months attended by most members active that day.
 * Loaded once: nothing happens when any unit has members.
 */
@Injectable()
export class CadetDemoSeedService {
  private readonly logger = new Logger('Cadets');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async seedFullDemo(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM cadet_member) AS any');
      if (any) return 0;
      await tx.query<unknown>(
        `INSERT INTO cadet_unit (npu_code, name, kind, created_at)
         SELECT n.code, n.name || k.suffix, k.kind, now() - interval '3 years'
           FROM npu n CROSS JOIN (VALUES (' Volunteer Police Cadets', 'cadets'), (' Junior PCSOs', 'junior_pcso')) AS k(suffix, kind)
         ON CONFLICT (npu_code, name) DO NOTHING`,
      );
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH ins AS (
           INSERT INTO cadet_member (unit_id, first_name, last_name, date_of_birth, guardian_name, guardian_phone, role, joined_at, left_at)
           SELECT u.id, f.name, l.name || CASE WHEN g.i > 128 THEN '-' || g.i ELSE '' END,
                  (current_date - make_interval(days => CASE WHEN g.i <= 3 THEN 9000 + h % 9000
                                                             WHEN u.kind = 'cadets' THEN 13 * 365 + 30 + h % (4 * 365)
                                                             ELSE 9 * 365 + 30 + h % (2 * 365) END))::date,
                  CASE WHEN g.i > 3 THEN 'Guardian of ' || f.name || ' ' || l.name END,
                  CASE WHEN g.i > 3 THEN '+4477007' || lpad((abs(hashtext(u.id::text || g.i)) % 100000)::text, 5, '0') END,
                  CASE WHEN g.i <= 3 THEN 'leader' WHEN u.kind = 'cadets' THEN 'cadet' ELSE 'junior_pcso' END,
                  now() - make_interval(days => 30 + h % 700),
                  CASE WHEN g.i > 3 AND h % 100 < 8 THEN now() - make_interval(days => h % 25) END
             FROM cadet_unit u
             CROSS JOIN LATERAL generate_series(1, CASE WHEN u.kind = 'cadets' THEN 28 ELSE 22 END) AS g(i)
             CROSS JOIN LATERAL (SELECT abs(hashtext(u.id::text || ':' || g.i)) AS h) hh
             JOIN unnest($1::text[]) WITH ORDINALITY AS f(name, fi) ON f.fi = 1 + (g.i - 1) % $3
             JOIN unnest($2::text[]) WITH ORDINALITY AS l(name, li) ON l.li = 1 + ((g.i - 1) / $3) % $4
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [FIRST_NAMES, LAST_NAMES, FIRST_NAMES.length, LAST_NAMES.length],
      );
      await tx.query<unknown>(
        `INSERT INTO cadet_session (unit_id, held_on, created_at)
         SELECT u.id, d.day, d.day + interval '21 hours'
           FROM cadet_unit u CROSS JOIN LATERAL (
             SELECT (current_date - make_interval(days => 7 * w + CASE u.kind WHEN 'cadets' THEN 1 ELSE 3 END))::date AS day FROM generate_series(0, 25) AS g(w)) d
         ON CONFLICT (unit_id, held_on) DO NOTHING`,
      );
      await tx.query<unknown>(
        `INSERT INTO cadet_attendance (session_id, member_id)
         SELECT s.id, m.id FROM cadet_session s JOIN cadet_member m ON m.unit_id = s.unit_id
          WHERE m.joined_at::date <= s.held_on AND (m.left_at IS NULL OR m.left_at::date > s.held_on)
            AND abs(hashtext(s.id::text || m.id::text)) % 100 < 78`,
      );
      this.logger.log(`Demo cadets loaded: ${n} members`);
      return n;
    });
  }
}
