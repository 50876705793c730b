import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DEMO_BUDGETS_2019_20 } from './funding.service';

/** The financial year (April–March, Europe/London) holding `now`, as it appears in URLs: '2026-27'. */
export function financialYearOf(now = new Date()): string {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

// One bid per row in every NPU: status, requested (£), awarded share, paid share of the award.
const BIDS: [title: string, theme: string, status: string, requestedPounds: number, awardedShare: number, paidShare: number][] = [
  ['Friday night boxing sessions', 'youth_violence', 'completed', 4500, 1, 1],
  ['Community garden on a fly-tipping hotspot', 'community_cohesion', 'completed', 1800, 0.9, 1],
  ['Bike marking days', 'crime_prevention', 'approved', 750, 1, 0.5],
  ['Street signs and window stickers', 'crime_prevention', 'approved', 1200, 1, 0],
  ['Knife-crime awareness workshops in schools', 'youth_violence', 'approved', 6000, 0.8, 0.4],
  ['Summer holiday football league', 'youth_violence', 'under_review', 3500, 0, 0],
  ['Lighting for the canal towpath', 'crime_prevention', 'under_review', 8000, 0, 0],
  ['Coffee mornings for isolated older neighbours', 'community_cohesion', 'submitted', 900, 0, 0],
  ['Scam-awareness sessions at the library', 'other', 'submitted', 600, 0, 0],
  ['Trip to a theme park', 'other', 'rejected', 5000, 0, 0],
  ['CCTV camera for a private car park', 'crime_prevention', 'withdrawn', 2500, 0, 0],
];
const APPLICANTS = ['Residents Association', 'Youth Club', 'Community Trust', 'Friends of the Park', 'Tenants Group', 'Boxing Club', 'Faith Forum', 'Canal Volunteers', 'Scouts Group', 'Allotment Society', 'Business Forum'];

/**
 * The full demo's Active Citizens Fund for the current financial year, set-based: each NPU's
 * budget, bids in every state dated from 1 April, payments between each decision and today,
 * evaluations of completed bids, and `allocated_pence` / `paid_pence` equal to the sums they cap.
 * Loaded once: nothing happens when the year has bids.
 */
@Injectable()
export class FundingDemoSeedService {
  private readonly logger = new Logger('Funding');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Decisions, payments and evaluations are the first admin's (none: no bids). Returns bids created. */
  async seedFullDemo(now = new Date()): Promise<number> {
    const year = financialYearOf(now);
    const startYear = Number(year.slice(0, 4));
    return this.db.transaction(async (tx) => {
      const [{ deciderId }] = await tx.query<{ deciderId: string | null }[]>(`SELECT (SELECT id FROM staff WHERE role = 'admin' AND active ORDER BY created_at LIMIT 1) AS "deciderId"`);
      if (!deciderId) return 0;
      await tx.query<unknown>(
        `INSERT INTO fund (npu_code, financial_year, budget_pence)
         SELECT b.npu, $1, b.pence FROM unnest($2::text[], $3::bigint[]) AS b(npu, pence) JOIN npu n ON n.code = b.npu
         ON CONFLICT (npu_code, financial_year) DO NOTHING`,
        [year, Object.keys(DEMO_BUDGETS_2019_20), Object.values(DEMO_BUDGETS_2019_20)],
      );
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM bid WHERE financial_year = $1) AS any', [year]);
      if (any) return 0;
      // Bid k of an NPU is created at a point (k-dependent) between 1 April and now; decisions follow.
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_bid ON COMMIT DROP AS
         WITH fy AS (SELECT make_timestamptz($2, 4, 1, 9, 0, 0, 'Europe/London') AS starts)
         SELECT n.code AS npu_code, b.*, a.name AS applicant,
                -- amounts differ by NPU (± a third, in whole pounds), so no two position rows look alike
                (round(b.pounds * (0.7 + (abs(hashtext(n.code || b.title)) % 60) / 100.0)) * 100)::bigint AS pence,
                fy.starts + (now() - fy.starts) * (0.05 + 0.5 * (b.k - 1) / $3::float8) + make_interval(hours => abs(hashtext(n.code)) % 48) AS created_at
           FROM npu n CROSS JOIN fy
           JOIN fund f ON f.npu_code = n.code AND f.financial_year = $1
           CROSS JOIN unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::float8[], $9::float8[]) WITH ORDINALITY AS b(title, theme, status, pounds, awarded, paid, k)
           JOIN unnest($10::text[]) WITH ORDINALITY AS a(name, k) ON a.k = b.k`,
        [year, startYear, BIDS.length, BIDS.map((b) => b[0]), BIDS.map((b) => b[1]), BIDS.map((b) => b[2]), BIDS.map((b) => b[3]), BIDS.map((b) => b[4]), BIDS.map((b) => b[5]), APPLICANTS],
      );
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH ins AS (
           INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme,
                            amount_requested_pence, amount_awarded_pence, status, decided_by_id, decided_at, decision_reason, created_at, updated_at)
           SELECT d.npu_code, $1, w.name || ' ' || d.applicant, 'group',
                  lower(regexp_replace(d.applicant, '\\W+', '.', 'g')) || '.' || lower(d.npu_code) || '@demo.example.org',
                  d.title, d.title || ' for residents of ' || w.name || ', run by volunteers with the neighbourhood team.', d.theme,
                  d.pence, CASE WHEN d.awarded > 0 THEN round(d.pence * d.awarded)::bigint END, d.status,
                  CASE WHEN d.status IN ('approved', 'completed', 'rejected') THEN $2::uuid END,
                  CASE WHEN d.status IN ('approved', 'completed', 'rejected') THEN d.created_at + (now() - d.created_at) * 0.25 END,
                  CASE d.status WHEN 'rejected' THEN 'Outside the fund''s purpose: no community safety outcome' WHEN 'approved' THEN 'Meets the NPU priorities'
                                WHEN 'completed' THEN 'Meets the NPU priorities' END,
                  d.created_at, now()
             FROM demo_bid d
             JOIN LATERAL (SELECT name FROM ward WHERE npu_code = d.npu_code ORDER BY code OFFSET d.k % 5 LIMIT 1) w ON true
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [year, deciderId],
      );
      // Payments: two instalments (the second only when fully paid), between the decision and today.
      await tx.query<unknown>(
        `INSERT INTO bid_payment (bid_id, amount_pence, paid_on, recorded_by_id, created_at)
         SELECT b.id, i.amount, p.paid_on, $2::uuid, least(now(), p.paid_on + interval '12 hours')
           FROM bid b JOIN demo_bid d ON d.npu_code = b.npu_code AND d.title = b.title
           CROSS JOIN LATERAL (SELECT round(b.amount_awarded_pence * d.paid)::bigint AS total) t
           CROSS JOIN LATERAL (VALUES
               (CASE WHEN d.paid >= 1 THEN t.total / 2 ELSE t.total END, 0.3),
               (CASE WHEN d.paid >= 1 THEN t.total - t.total / 2 END, 0.8)) AS i(amount, at)
           CROSS JOIN LATERAL (SELECT ((b.decided_at + (now() - b.decided_at) * i.at) AT TIME ZONE 'Europe/London')::date AS paid_on) p
          WHERE b.financial_year = $1 AND b.status IN ('approved', 'completed') AND i.amount > 0`,
        [year, deciderId],
      );
      await tx.query<unknown>(
        `UPDATE bid b SET paid_pence = s.total FROM (SELECT bid_id, sum(amount_pence) AS total FROM bid_payment GROUP BY bid_id) s
          WHERE s.bid_id = b.id AND b.financial_year = $1`,
        [year],
      );
      await tx.query<unknown>(
        `UPDATE fund f SET allocated_pence = f.allocated_pence + s.total, updated_at = now()
           FROM (SELECT npu_code, sum(amount_awarded_pence) AS total FROM bid WHERE financial_year = $1 AND status IN ('approved', 'completed') GROUP BY npu_code) s
          WHERE f.npu_code = s.npu_code AND f.financial_year = $1`,
        [year],
      );
      await tx.query<unknown>(
        `INSERT INTO bid_evaluation (bid_id, outcome, notes, evaluated_by_id, created_at)
         SELECT b.id, CASE WHEN b.title LIKE 'Friday%' THEN 'achieved' ELSE 'partly_achieved' END,
                'Ran as planned; attendance and feedback forms kept by the applicant.', $2::uuid,
                least(now(), (SELECT max(paid_on) FROM bid_payment p WHERE p.bid_id = b.id) + interval '2 days')
           FROM bid b WHERE b.financial_year = $1 AND b.status = 'completed'`,
        [year, deciderId],
      );
      await this.seedVoting(tx, year);
      this.logger.log(`Demo funding loaded: ${n} bids for ${year}`);
      return n;
    });
  }

  /**
   * A participatory-budgeting round per NPU over its submitted and under-review bids (K = 2),
   * in turn closed, open and not open yet, so the console shows each state. Open and closed
   * rounds have ballots from about 3 % of the NPU's residents (signed up before it opened, each
   * cast while it was open); some bids draw more votes than others.
   */
  private async seedVoting(tx: EntityManager, year: string): Promise<void> {
    await tx.query<unknown>(
      `CREATE TEMP TABLE demo_round ON COMMIT DROP AS
       WITH ballot AS (
         SELECT npu_code, max(created_at) AS latest FROM bid WHERE financial_year = $1 AND status IN ('submitted', 'under_review') GROUP BY npu_code),
       npus AS (SELECT b.*, row_number() OVER (ORDER BY npu_code) AS k FROM ballot b)
       SELECT gen_random_uuid() AS id, npu_code,
              CASE k % 3 WHEN 1 THEN latest + (now() - latest) * 0.3 WHEN 2 THEN latest + (now() - latest) * 0.5 ELSE now() + interval '7 days' END AS opens_at,
              CASE k % 3 WHEN 1 THEN latest + (now() - latest) * 0.7 WHEN 2 THEN now() + interval '14 days' ELSE now() + interval '28 days' END AS closes_at
         FROM npus`,
      [year],
    );
    await tx.query<unknown>(
      `INSERT INTO voting_round (id, npu_code, financial_year, opens_at, closes_at, max_votes_per_resident, created_at, updated_at)
       SELECT id, npu_code, $1, date_trunc('minute', opens_at), date_trunc('minute', closes_at), 2, least(now(), opens_at) - interval '3 days', least(now(), opens_at) - interval '3 days'
         FROM demo_round`,
      [year],
    );
    await tx.query<unknown>(
      `INSERT INTO voting_round_bid (round_id, bid_id)
       SELECT r.id, b.id FROM demo_round r JOIN bid b ON b.npu_code = r.npu_code AND b.financial_year = $1 AND b.status IN ('submitted', 'under_review')`,
      [year],
    );
    await tx.query<unknown>(
      `CREATE TEMP TABLE demo_voter ON COMMIT DROP AS
       SELECT v.id AS round_id, r.id AS resident_id,
              v.opens_at + (least(v.closes_at, now()) - v.opens_at) * ((abs(hashtext(r.id::text || ':vote')) % 1000) / 1000.0) AS cast_at
         FROM voting_round v JOIN ward w ON w.npu_code = v.npu_code JOIN resident r ON r.ward_code = w.code
        WHERE v.financial_year = $1 AND v.opens_at < now() AND r.status = 'active' AND r.left_at IS NULL AND r.activated_at < v.opens_at
          AND abs(hashtext(r.id::text || v.id::text)) % 100 < 3`,
      [year],
    );
    await tx.query<unknown>(`INSERT INTO voting_ballot (round_id, resident_id, cast_at) SELECT round_id, resident_id, cast_at FROM demo_voter`);
    // Each voter's two picks: the ballot's bids ordered by a per-voter draw, weighted towards the earlier bids.
    await tx.query<unknown>(
      `INSERT INTO bid_vote (bid_id, resident_id, created_at)
       SELECT p.bid_id, p.resident_id, p.cast_at FROM (
         SELECT rb.bid_id, d.resident_id, d.cast_at,
                row_number() OVER (PARTITION BY d.round_id, d.resident_id
                                   ORDER BY abs(hashtext(d.resident_id::text || rb.bid_id::text)) % 100 + 25 * (abs(hashtext(rb.bid_id::text)) % 4)) AS pick
           FROM demo_voter d JOIN voting_round_bid rb ON rb.round_id = d.round_id) p
        WHERE p.pick <= 2`,
    );
  }
}
