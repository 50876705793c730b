import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { endOfLondonDay } from '@beacon/core';
import type { CampaignTactic } from './campaign.entity';

export interface CampaignRow {
  id: string;
  code: string;
  name: string;
  npuCode: string | null;
  tactic: CampaignTactic;
  startsOn: string;
  endsOn: string;
}

/** A campaign to store: its row without the id, who made it, and its target and control wards. */
export interface NewCampaign extends Omit<CampaignRow, 'id'> {
  createdBy: string;
  areas: { wardCode: string; role: 'target' | 'control'; households: number | null }[];
}

export interface CampaignWardRow {
  role: 'target' | 'control';
  wardCode: string;
  wardName: string;
  households: number | null;
  population: number;
  signups: number;
}

export interface CampaignTacticCount {
  role: 'target' | 'control';
  tactic: string;
  signups: number;
}

export interface CampaignOfficerRow {
  staffId: string;
  officerName: string;
  signups: number;
  target: number;
  control: number;
  withCode: number;
}

export interface CampaignTeamRow {
  team: string;
  teamName: string;
  signups: number;
  target: number;
  control: number;
  withCode: number;
  officers: number;
}

// The campaign's window: from the start of its first London day to the end of its last.
const WINDOW = `SELECT c.code, c.tactic, c.npu_code, (c.starts_on::timestamp AT TIME ZONE 'Europe/London') AS s, ${endOfLondonDay('c.ends_on')} AS e FROM campaign c WHERE c.id = $1`;

@Injectable()
export class CampaignRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The campaign and its wards in one transaction; null when the code is taken. */
  insert(c: NewCampaign): Promise<string | null> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }[]>(
        `INSERT INTO campaign (code, name, npu_code, tactic, starts_on, ends_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code) DO NOTHING RETURNING id`,
        [c.code, c.name, c.npuCode, c.tactic, c.startsOn, c.endsOn, c.createdBy],
      );
      if (!rows.length) return null;
      await tx.query<unknown>(
        `INSERT INTO campaign_area (campaign_id, ward_code, role, households)
         SELECT $1, * FROM unnest($2::varchar[], $3::varchar[], $4::int[])`,
        [rows[0].id, c.areas.map((a) => a.wardCode), c.areas.map((a) => a.role), c.areas.map((a) => a.households)],
      );
      return rows[0].id;
    });
  }

  async findByCode(code: string): Promise<CampaignRow | null> {
    const rows = await this.db.query<CampaignRow[]>(
      `SELECT id, code, name, npu_code AS "npuCode", tactic, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"
         FROM campaign WHERE code = $1`,
      [code],
    );
    return rows[0] ?? null;
  }

  /** An NPU's campaigns (null: every campaign, force-wide ones included), latest first. */
  listFor(npuCode: string | null): Promise<CampaignRow[]> {
    return this.db.query<CampaignRow[]>(
      `SELECT id, code, name, npu_code AS "npuCode", tactic, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"
         FROM campaign WHERE $1::varchar IS NULL OR npu_code = $1 ORDER BY starts_on DESC, name LIMIT 500`,
      [npuCode],
    );
  }

  /** Verified sign-ups per target and control ward during the campaign (resident(ward_code, activated_at)). */
  wardFigures(campaignId: string): Promise<CampaignWardRow[]> {
    return this.db.query<CampaignWardRow[]>(
      `WITH win AS (${WINDOW})
       SELECT a.role, a.ward_code AS "wardCode", w.name AS "wardName", a.households, w.population,
              (SELECT count(*) FROM resident r WHERE r.ward_code = a.ward_code AND r.activated_at >= win.s AND r.activated_at < win.e)::int AS signups
         FROM campaign_area a JOIN ward w ON w.code = a.ward_code CROSS JOIN win
        WHERE a.campaign_id = $1
        ORDER BY a.role DESC, w.name`,
      [campaignId],
    );
  }

  /**
   * The same sign-ups by tactic: the source the resident was signed up with, except that one
   * who used this campaign's link or code on the plain page (online, other or none) keeps the
   * campaign's tactic (the door knock that handed them the code).
   */
  tactics(campaignId: string): Promise<CampaignTacticCount[]> {
    return this.db.query<CampaignTacticCount[]>(
      `WITH win AS (${WINDOW})
       SELECT a.role,
              CASE WHEN r.campaign_code = win.code AND coalesce(r.source, 'online') IN ('online', 'other') THEN win.tactic
                   ELSE coalesce(r.source, 'unknown') END AS tactic,
              count(*)::int AS signups
         FROM campaign_area a CROSS JOIN win
         JOIN resident r ON r.ward_code = a.ward_code AND r.activated_at >= win.s AND r.activated_at < win.e
        WHERE a.campaign_id = $1
        GROUP BY 1, 2 ORDER BY 2`,
      [campaignId],
    );
  }

  /**
   * Sign-ups a staff member assisted (added on the resident's behalf, or through the officer's own
   * campaign link) that belong to the campaign: in its target or control wards during it, or with
   * its code from its start (also after it ended), per officer and per team (the neighbourhood of
   * the resident's ward). Only wards of the campaign's NPU (a force-wide campaign: all), so the
   * report shows no other NPU's officers or teams. Through the (assisted_by, activated_at) index.
   */
  async assisted(campaignId: string): Promise<{ byOfficer: CampaignOfficerRow[]; byTeam: CampaignTeamRow[] }> {
    const rows = await this.db.query<{ byOfficer: CampaignOfficerRow[] | null; byTeam: CampaignTeamRow[] | null }[]>(
      `WITH win AS (${WINDOW}),
       a AS (
         SELECT r.assisted_by, w.neighbourhood_id,
                (ca.role = 'target' AND r.activated_at < win.e) AS in_target,
                (ca.role = 'control' AND r.activated_at < win.e) AS in_control,
                coalesce(r.campaign_code = win.code, false) AS with_code
           FROM win
           JOIN resident r ON r.assisted_by IS NOT NULL AND r.activated_at >= win.s
           JOIN ward w ON w.code = r.ward_code AND (win.npu_code IS NULL OR w.npu_code = win.npu_code)
           LEFT JOIN campaign_area ca ON ca.campaign_id = $1 AND ca.ward_code = r.ward_code
          WHERE r.campaign_code = win.code OR (ca.ward_code IS NOT NULL AND r.activated_at < win.e)),
       officers AS (
         SELECT a.assisted_by AS "staffId", coalesce(max(s.name), 'Former staff member') AS "officerName", count(*)::int AS signups,
                count(*) FILTER (WHERE a.in_target)::int AS target, count(*) FILTER (WHERE a.in_control)::int AS control,
                count(*) FILTER (WHERE a.with_code)::int AS "withCode"
           FROM a LEFT JOIN staff s ON s.id = a.assisted_by GROUP BY a.assisted_by),
       teams AS (
         SELECT a.neighbourhood_id AS team, max(nb.name) AS "teamName", count(*)::int AS signups,
                count(*) FILTER (WHERE a.in_target)::int AS target, count(*) FILTER (WHERE a.in_control)::int AS control,
                count(*) FILTER (WHERE a.with_code)::int AS "withCode", count(DISTINCT a.assisted_by)::int AS officers
           FROM a JOIN neighbourhood nb ON nb.id = a.neighbourhood_id GROUP BY a.neighbourhood_id)
       SELECT (SELECT json_agg(o ORDER BY o.signups DESC, o."officerName", o."staffId") FROM officers o) AS "byOfficer",
              (SELECT json_agg(t ORDER BY t.signups DESC, t."teamName", t.team) FROM teams t) AS "byTeam"`,
      [campaignId],
    );
    return { byOfficer: rows[0]?.byOfficer ?? [], byTeam: rows[0]?.byTeam ?? [] };
  }

  /** Sign-ups anywhere with the campaign's code, during it and after it ended. */
  async codeSignups(campaignId: string): Promise<{ during: number; after: number }> {
    const [row] = await this.db.query<{ during: number; after: number }[]>(
      `WITH win AS (${WINDOW})
       SELECT count(*) FILTER (WHERE r.activated_at < win.e)::int AS during, count(*) FILTER (WHERE r.activated_at >= win.e)::int AS after
         FROM win JOIN resident r ON r.campaign_code = win.code AND r.activated_at >= win.s`,
      [campaignId],
    );
    return row ?? { during: 0, after: 0 };
  }
}
