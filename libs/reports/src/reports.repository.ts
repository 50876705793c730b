import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { endOfLondonDay, ReportsReader, type ReplicaStaleness } from '@beacon/core';
import { lastDayOfMonth, type MonthRange } from './report-period';

export interface SignupRow {
  group: string;
  month: string;
  newSignups: number;
  leavers: number;
  net: number;
  cumulative: number;
}

export interface ReachRow {
  wardCode: string;
  wardName: string;
  npuCode: string;
  neighbourhood: string;
  population: number;
  subscribers: number;
  per1000: number | null;
}

export interface CategoryCount {
  dimension: string;
  category: string;
  subscribers: number;
  populationSharePercent: number | null;
}

export interface AttributionRow {
  source: string;
  campaignCode: string;
  signups: number;
}

/** Verified sign-ups one staff member took, by the tactic (the sign-up's source). */
export interface AssistedOfficerRow {
  staffId: string;
  officerName: string;
  signups: number;
  doorKnock: number;
  street: number;
  event: number;
  other: number;
}

/** Assisted sign-ups in one neighbourhood team's wards. */
export interface AssistedTeamRow {
  team: string;
  teamName: string;
  npuCode: string;
  signups: number;
  officers: number;
}

export interface MessageQualityRow {
  group: string;
  groupName: string;
  month: string;
  sent: number;
  recipients: number;
  averageRating: number | null;
  ratings: number;
  replies: number;
}

/** Recipients of a range's messages by their stated language (free text, lower-cased) and the message's translations. */
export interface LanguageRecipientsRow {
  language: string | null;
  translated: string[];
  recipients: number;
}

export type MessageGrouping = 'author' | 'npu' | 'team' | 'force';

export interface RatingFigures {
  messages: number;
  ratings: number;
  /** Mean score (1–6), 2 decimals; null when nothing was rated. */
  averageRating: number | null;
}

const MESSAGE_GROUPS: Record<MessageGrouping, { key: string; name: string }> = {
  author: { key: 'm.author_id::text', name: 'max(s.name)' },
  npu: { key: `coalesce(m.npu_code, 'FORCE')`, name: `coalesce(max(n.name), 'Force-wide')` },
  team: { key: `coalesce(team.id, coalesce(m.npu_code, 'FORCE'))`, name: `coalesce(max(team.name), max(n.name) || ' (NPU-wide)', 'Force-wide')` },
  force: { key: `coalesce($3::varchar, 'FORCE')`, name: `CASE WHEN $3::varchar IS NULL THEN 'Force' ELSE max(n.name) END` },
};

// The neighbourhood of a message whose wards all lie in one; null otherwise.
const TEAM_JOIN = `LEFT JOIN LATERAL (
           SELECT min(nb.id::text) AS id, min(nb.name) AS name FROM ward tw JOIN neighbourhood nb ON nb.id = tw.neighbourhood_id
            WHERE tw.code = ANY(m.ward_codes) HAVING count(DISTINCT nb.id) = 1) team ON true`;

// Months are Europe/London calendar months; a range [from, to] covers to's whole month.
const LONDON_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'Europe/London')::date`;
const RANGE_START = `($1::date)::timestamp AT TIME ZONE 'Europe/London'`;
const RANGE_END = `(($2::date + interval '1 month')::timestamp) AT TIME ZONE 'Europe/London'`;

/**
 * The sent messages a report counts, with their figures (`$3`: the NPU, or NULL for the force):
 * the force counts every message once; an NPU its own messages and every force-wide message for
 * the residents it reached there (message_npu_engagement), so a broadcast is in each NPU's figures.
 * `byNpu` (grouping by NPU across the force): a force-wide message is split into its NPUs' parts
 * too, so it shows in each NPU's row rather than as one "Force-wide" row; one not yet split (its
 * fan-out unfinished) stays whole.
 */
const MESSAGES_IN_SCOPE = (when: string, byNpu = false) => `
  SELECT m0.id, m0.author_id, m0.npu_code, m0.ward_codes, m0.sent_at, m0.recipient_count AS recipients, e.ratings, e.score_sum, e.replies
    FROM message m0 LEFT JOIN message_engagement e ON e.message_id = m0.id
   WHERE ${when} AND ($3::varchar IS NULL OR m0.npu_code = $3)
     ${byNpu ? 'AND (m0.npu_code IS NOT NULL OR NOT EXISTS (SELECT 1 FROM message_npu_engagement x WHERE x.message_id = m0.id))' : ''}
  UNION ALL
  SELECT m0.id, m0.author_id, x.npu_code, m0.ward_codes, m0.sent_at, x.recipients, x.ratings, x.score_sum, x.replies
    FROM message m0 JOIN message_npu_engagement x ON x.message_id = m0.id AND ${byNpu ? '($3::varchar IS NULL OR x.npu_code = $3)' : 'x.npu_code = $3'}
   WHERE ${when} AND ${byNpu ? '' : '$3::varchar IS NOT NULL AND'} m0.npu_code IS NULL`;

/** `ward w` is one of a named area's wards (the parameter: its ward codes; NULL: no area named). */
const IN_WARDS = (param: string) => `(${param}::varchar[] IS NULL OR w.code = ANY(${param}::varchar[]))`;

const MONTH_START = (param: string) => `(${param}::date::timestamp AT TIME ZONE 'Europe/London')`;
/** The two profile dimensions of a resident `r`, "not stated" for none (an erased resident's too). */
const PROFILE = `('ethnicity', coalesce(r.ethnicity, 'not_stated')), ('age_band', coalesce(r.age_band, 'not_stated'))`;
/** The start of the London month of the as-at day `$3`. */
const DAY_MONTH_START = MONTH_START("date_trunc('month', $3::date)");

/**
 * Sign-ups (`activated_at`, `joined`) or leavers (`left_at`, `left`) per group and month up to
 * `$2` from the aggregates; with an as-at day (`$5`), its own month is counted from resident up
 * to the end of that day instead (through the activated_at / left_at indexes), so a chart or
 * report as at a day does not move with what happens later that month.
 */
const monthlyFlow = (col: 'activated_at' | 'left_at', stat: 'joined' | 'left', key: string) => `
  SELECT g, m, sum(n)::int AS n FROM (
    SELECT ${key} AS g, s.month AS m, s."${stat}" AS n
      FROM resident_month_stats s JOIN ward w ON w.code = s.ward_code
     WHERE s."${stat}" > 0 AND s.month <= $2::date AND ($5::date IS NULL OR s.month < date_trunc('month', $5::date)::date)
       AND ($3::varchar IS NULL OR w.npu_code = $3) AND ${IN_WARDS('$4')}
    UNION ALL
    SELECT ${key}, date_trunc('month', $5::date)::date, 1
      FROM resident r JOIN ward w ON w.code = r.ward_code
     WHERE $5::date IS NOT NULL AND r.${col} >= ${MONTH_START("date_trunc('month', $5::date)")} AND r.${col} < ${endOfLondonDay('$5')}
       AND ($3::varchar IS NULL OR w.npu_code = $3) AND ${IN_WARDS('$4')}) x
  GROUP BY 1, 2`;

/**
 * Set-based SQL for the SIM reports; each query is backed by an index. The report reads go to
 * `reader` (the read replica when there is one: they may be seconds stale, see `staleness()`);
 * the refreshes write, so they stay on the primary (`db`).
 */
@Injectable()
export class ReportsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reader: ReportsReader,
  ) {}

  /** How stale the report reads may be (null: they read the primary). */
  staleness(): Promise<ReplicaStaleness | null> {
    return this.reader.staleness();
  }

  /**
   * New verified sign-ups (by first verification) and leavers (unsubscribed from everything or
   * erased) per group and month, with net and the running total since the first sign-up.
   */
  signups(range: MonthRange, groupBy: 'npu' | 'ward' | 'force', npuCode: string | null, wardCodes: string[] | null = null, asAt: string | null = null): Promise<SignupRow[]> {
    // force: one series for every ward in scope (FORCE, or the NPU for NPU-bound staff).
    const key = groupBy === 'ward' ? 'w.code' : groupBy === 'force' ? `coalesce($3::varchar, 'FORCE')` : 'w.npu_code';
    return this.reader.query<SignupRow[]>(
      `WITH groups AS (SELECT DISTINCT ${key} AS g FROM ward w WHERE ($3::varchar IS NULL OR w.npu_code = $3) AND ${IN_WARDS('$4')}),
            months AS (SELECT generate_series($1::date, $2::date, interval '1 month')::date AS m),
            joined AS (${monthlyFlow('activated_at', 'joined', key)}),
            left_ AS (${monthlyFlow('left_at', 'left', key)}),
            base AS (
              SELECT g, sum(n)::int AS n FROM (
                SELECT g, n FROM joined WHERE m < $1::date
                UNION ALL SELECT g, -n FROM left_ WHERE m < $1::date) x GROUP BY g)
       SELECT gr.g AS "group", to_char(mo.m, 'YYYY-MM') AS month,
              coalesce(j.n, 0) AS "newSignups", coalesce(l.n, 0) AS leavers, coalesce(j.n, 0) - coalesce(l.n, 0) AS net,
              (coalesce(b.n, 0) + sum(coalesce(j.n, 0) - coalesce(l.n, 0)) OVER (PARTITION BY gr.g ORDER BY mo.m))::int AS cumulative
         FROM groups gr CROSS JOIN months mo
         LEFT JOIN joined j ON j.g = gr.g AND j.m = mo.m
         LEFT JOIN left_ l ON l.g = gr.g AND l.m = mo.m
         LEFT JOIN base b ON b.g = gr.g
        ORDER BY gr.g, mo.m`,
      [range.from, range.to, npuCode, wardCodes, asAt],
    );
  }

  /**
   * Subscribers per ward against population, lowest reach first: today's active residents (as at
   * the last refresh of the aggregates, like today's representation), or
   * (with `month`) those subscribed at the end of that month, from the per-ward monthly joins
   * and leavers (so a past month's figure does not move when people join or leave later).
   */
  reach(npuCode: string | null, month: string | null = null, wardCodes: string[] | null = null, asAt: string | null = null): Promise<ReachRow[]> {
    // asAt: the months before its month from the aggregates, its own month's joins and leavers up to the end of the day from resident.
    const subscribers =
      month === null
        ? // today's active subscribers per ward from the refreshed profile totals (each subscriber once
          // per dimension), as the representation report reads them: not a count of resident rows
          `SELECT ward_code, sum(subscribers) AS n FROM resident_profile_stats WHERE dimension = 'age_band' GROUP BY ward_code`
        : `SELECT ward_code, sum(n) AS n FROM (
             SELECT ward_code, joined - "left" AS n FROM resident_month_stats WHERE month <= $3::date AND ($4::date IS NULL OR month < $3::date)
             UNION ALL SELECT ward_code, 1 FROM resident WHERE $4::date IS NOT NULL AND activated_at >= ${MONTH_START('$3')} AND activated_at < ${endOfLondonDay('$4')}
             UNION ALL SELECT ward_code, -1 FROM resident WHERE $4::date IS NOT NULL AND left_at >= ${MONTH_START('$3')} AND left_at < ${endOfLondonDay('$4')}) x
           GROUP BY ward_code`;
    return this.reader.query<ReachRow[]>(
      `SELECT w.code AS "wardCode", w.name AS "wardName", w.npu_code AS "npuCode", n.name AS neighbourhood, w.population,
              coalesce(s.n, 0)::int AS subscribers,
              CASE WHEN w.population > 0 THEN round(coalesce(s.n, 0) * 1000.0 / w.population, 1)::float8 END AS "per1000"
         FROM ward w JOIN neighbourhood n ON n.id = w.neighbourhood_id
         LEFT JOIN (${subscribers}) s ON s.ward_code = w.code
        WHERE ($1::varchar IS NULL OR w.npu_code = $1) AND ${IN_WARDS('$2')}
        ORDER BY "per1000" ASC NULLS LAST, w.name`,
      month === null ? [npuCode, wardCodes] : [npuCode, wardCodes, `${month}-01`, asAt],
    );
  }

  /**
   * Subscribers by ethnicity and age band, beside census shares where loaded: today's (from the
   * refreshed profile totals), or as at the end of a past London day (`asAt`: subscribed before
   * it ended and not left by then; an erased resident's profile is gone, so they count as not
   * stated). As at a day: the months before its month from the per-ward monthly sign-ups and
   * leavers by profile (`resident_profile_month_stats`), its own month up to the end of the day
   * from `resident` (through the activated_at and left_at indexes), as the reach report does; as
   * at a month's last day (a past month's report), that month from the aggregates too.
   */
  representation(npuCode: string | null, asAt: string | null = null, wardCodes: string[] | null = null): Promise<CategoryCount[]> {
    // A month's last day (a past month's report): that whole month is in the aggregates too.
    const wholeMonth = asAt !== null && lastDayOfMonth(asAt.slice(0, 7)) === asAt;
    // Otherwise the day's own month, up to the end of the day: +1 per sign-up, -1 per leaving.
    const ownMonth = `UNION ALL
             SELECT d.dimension, d.category, e.n
               FROM resident r JOIN ward w ON w.code = r.ward_code
              CROSS JOIN LATERAL (VALUES (r.activated_at, 1), (greatest(r.left_at, r.activated_at), -1)) e(at, n)
              CROSS JOIN LATERAL (VALUES ${PROFILE}) AS d(dimension, category)
              WHERE r.activated_at IS NOT NULL
                AND (r.activated_at >= ${DAY_MONTH_START} OR r.left_at >= ${DAY_MONTH_START})
                AND e.at >= ${DAY_MONTH_START} AND e.at < ${endOfLondonDay('$3')} AND (e.n = 1 OR r.left_at IS NOT NULL)
                AND ($1::varchar IS NULL OR w.npu_code = $1) AND ${IN_WARDS('$2')}`;
    const subs =
      asAt === null
        ? `SELECT p.dimension, p.category, sum(p.subscribers)::int AS n
             FROM resident_profile_stats p JOIN ward w ON w.code = p.ward_code
            WHERE ($1::varchar IS NULL OR w.npu_code = $1) AND ${IN_WARDS('$2')}
            GROUP BY 1, 2`
        : `SELECT x.dimension, x.category, sum(x.n)::int AS n FROM (
             SELECT p.dimension, p.category, p.joined - p."left" AS n
               FROM resident_profile_month_stats p JOIN ward w ON w.code = p.ward_code
              WHERE p.month ${wholeMonth ? '<=' : '<'} date_trunc('month', $3::date)::date AND ($1::varchar IS NULL OR w.npu_code = $1) AND ${IN_WARDS('$2')}
             ${wholeMonth ? '' : ownMonth}) x
            GROUP BY 1, 2`;
    return this.reader.query<CategoryCount[]>(
      `WITH subs AS (${subs}),
       -- Population shares are held per NPU and force-wide: an area's subscribers have none beside them.
       shares AS (SELECT dimension, category, share_percent::float8 AS p FROM population_share WHERE area_code = coalesce($1::varchar, 'FORCE') AND $2::varchar[] IS NULL)
       SELECT coalesce(s.dimension, p.dimension) AS dimension, coalesce(s.category, p.category) AS category,
              coalesce(s.n, 0) AS subscribers, p.p AS "populationSharePercent"
         FROM subs s FULL JOIN shares p ON p.dimension = s.dimension AND p.category = s.category
        ORDER BY 1, 2`,
      asAt === null ? [npuCode, wardCodes] : [npuCode, wardCodes, asAt],
    );
  }

  /** Sign-ups in the range by source and campaign code, from the refreshed per-ward monthly counts. */
  attribution(range: MonthRange, npuCode: string | null): Promise<AttributionRow[]> {
    return this.reader.query<AttributionRow[]>(
      `SELECT s.source, s.campaign_code AS "campaignCode", sum(s.signups)::int AS signups
         FROM resident_source_month_stats s JOIN ward w ON w.code = s.ward_code
        WHERE s.month >= $1::date AND s.month <= $2::date AND ($3::varchar IS NULL OR w.npu_code = $3)
        GROUP BY 1, 2 ORDER BY signups DESC, 1, 2`,
      [range.from, range.to, npuCode],
    );
  }

  /**
   * Verified sign-ups in the range that a staff member took (door knock, street, event: staff
   * "add on behalf"), per officer and per team (the neighbourhood of the resident's ward), scoped
   * by the resident's NPU; through the (assisted_by, activated_at) index.
   */
  async assisted(range: MonthRange, npuCode: string | null): Promise<{ byOfficer: AssistedOfficerRow[]; byTeam: AssistedTeamRow[] }> {
    const rows = await this.reader.query<{ byOfficer: AssistedOfficerRow[] | null; byTeam: AssistedTeamRow[] | null }[]>(
      `WITH a AS (
         SELECT r.assisted_by, r.source, w.neighbourhood_id, w.npu_code
           FROM resident r JOIN ward w ON w.code = r.ward_code
          WHERE r.assisted_by IS NOT NULL AND r.activated_at >= ${RANGE_START} AND r.activated_at < ${RANGE_END}
            AND ($3::varchar IS NULL OR w.npu_code = $3)),
       officers AS (
         SELECT a.assisted_by AS "staffId", coalesce(max(s.name), 'Former staff member') AS "officerName", count(*)::int AS signups,
                count(*) FILTER (WHERE a.source = 'door_knock')::int AS "doorKnock", count(*) FILTER (WHERE a.source = 'street')::int AS street,
                count(*) FILTER (WHERE a.source = 'event')::int AS event, count(*) FILTER (WHERE a.source NOT IN ('door_knock', 'street', 'event') OR a.source IS NULL)::int AS other
           FROM a LEFT JOIN staff s ON s.id = a.assisted_by GROUP BY a.assisted_by),
       teams AS (
         SELECT a.neighbourhood_id AS team, max(nb.name) AS "teamName", max(a.npu_code) AS "npuCode", count(*)::int AS signups, count(DISTINCT a.assisted_by)::int AS officers
           FROM a JOIN neighbourhood nb ON nb.id = a.neighbourhood_id GROUP BY a.neighbourhood_id)
       SELECT (SELECT json_agg(o ORDER BY o.signups DESC, o."officerName") FROM officers o) AS "byOfficer",
              (SELECT json_agg(t ORDER BY t.signups DESC, t."teamName") FROM teams t) AS "byTeam"`,
      [range.from, range.to, npuCode],
    );
    return { byOfficer: rows[0]?.byOfficer ?? [], byTeam: rows[0]?.byTeam ?? [] };
  }

  /**
   * Sent messages per author, NPU, team or the whole force and month, with recipients, ratings
   * and replies. A team is the neighbourhood a message was for (all its wards in one
   * neighbourhood); otherwise the NPU's message (NPU-wide) or the force's (Force-wide).
   */
  messages(range: MonthRange, groupBy: MessageGrouping, npuCode: string | null): Promise<MessageQualityRow[]> {
    const { key, name } = MESSAGE_GROUPS[groupBy];
    return this.reader.query<MessageQualityRow[]>(
      `WITH m AS (${MESSAGES_IN_SCOPE('m0.sent_at >= ' + RANGE_START + ' AND m0.sent_at < ' + RANGE_END, groupBy === 'npu')})
       SELECT ${key} AS "group", ${name} AS "groupName", to_char(${LONDON_MONTH('m.sent_at')}, 'YYYY-MM') AS month,
              count(*)::int AS sent, coalesce(sum(m.recipients), 0)::int AS recipients,
              CASE WHEN sum(m.ratings) > 0 THEN round(sum(m.score_sum)::numeric / sum(m.ratings), 2)::float8 END AS "averageRating",
              coalesce(sum(m.ratings), 0)::int AS ratings, coalesce(sum(m.replies), 0)::int AS replies
         FROM m
         JOIN staff s ON s.id = m.author_id
         LEFT JOIN npu n ON n.code = m.npu_code
         ${groupBy === 'team' ? TEAM_JOIN : ''}
        GROUP BY ${key}, ${LONDON_MONTH('m.sent_at')}
        ORDER BY 3, 1`,
      [range.from, range.to, npuCode],
    );
  }

  /**
   * Residents who were sent the range's messages (once per message, whatever the channels), by
   * their stated language and the message's translation codes: the caller decides which
   * language each group got (messaging's `receivedLanguage`). From the counts the fan-out writes
   * with each message's delivery rows (`message_language_recipients`), not from the deliveries.
   */
  recipientsByLanguage(range: MonthRange, npuCode: string | null): Promise<LanguageRecipientsRow[]> {
    return this.reader.query<LanguageRecipientsRow[]>(
      `SELECT nullif(l.language, '') AS language, t.codes AS translated, sum(l.recipients)::int AS recipients
         FROM message m
         CROSS JOIN LATERAL (SELECT coalesce(array_agg(k ORDER BY k), '{}') AS codes FROM jsonb_object_keys(m.translations) k) t
         JOIN message_language_recipients l ON l.message_id = m.id
        WHERE m.sent_at >= ${RANGE_START} AND m.sent_at < ${RANGE_END} AND ($3::varchar IS NULL OR m.npu_code = $3)
        GROUP BY 1, 2`,
      [range.from, range.to, npuCode],
    );
  }

  /**
   * Ratings of messages sent in the range, and since launch (every message sent before the
   * range ends), from the refreshed per-message totals: count and average score.
   */
  async ratingSummary(range: MonthRange, npuCode: string | null): Promise<{ inRange: RatingFigures; sinceLaunch: RatingFigures }> {
    const [row] = await this.reader.query<{ inRange: RatingFigures; sinceLaunch: RatingFigures }[]>(
      `WITH scoped AS (${MESSAGES_IN_SCOPE('m0.sent_at < ' + RANGE_END)}),
       m AS (SELECT sent_at >= ${RANGE_START} AS in_range, ratings, score_sum FROM scoped)
       SELECT json_build_object('messages', count(*) FILTER (WHERE in_range), 'ratings', coalesce(sum(ratings) FILTER (WHERE in_range), 0),
                'averageRating', round(sum(score_sum) FILTER (WHERE in_range)::numeric / nullif(sum(ratings) FILTER (WHERE in_range), 0), 2)) AS "inRange",
              json_build_object('messages', count(*), 'ratings', coalesce(sum(ratings), 0),
                'averageRating', round(sum(score_sum)::numeric / nullif(sum(ratings), 0), 2)) AS "sinceLaunch"
         FROM m`,
      [range.from, range.to, npuCode],
    );
    return row;
  }

  /**
   * Re-totals ratings and replies of the messages whose ratings or replies changed since the last
   * refresh (logged in `message_engagement_dirty` by triggers on `rating` and `reply`), and fills
   * in force-wide messages' recipients per NPU once their fan-out has finished (messages sent
   * within `days`). Rows change only when totals do; returns how many did, and how many messages
   * were re-totalled (`messages`: the work done, which grows with the change, not with history).
   */
  async refreshMessageEngagement(days: number): Promise<{ changed: number; messages: number }> {
    return this.db.transaction(async (tx) => {
      await tx.query<unknown>(`SELECT pg_advisory_xact_lock(hashtext('refresh-message-engagement'))`);
      // The log rows this refresh saw; a rating committed meanwhile stays logged for the next one.
      const taken = await tx.query<{ ids: string[] | null }[]>(
        `WITH taken AS (DELETE FROM message_engagement_dirty RETURNING message_id)
         SELECT array_agg(DISTINCT t.message_id) AS ids FROM taken t JOIN message m ON m.id = t.message_id`,
      );
      const ids = taken[0]?.ids ?? [];
      const changed = ids.length
        ? await tx.query<{ message_id: string }[]>(
            `INSERT INTO message_engagement (message_id, ratings, score_sum, replies, refreshed_at)
             SELECT k.id, coalesce(r.n, 0), coalesce(r.s, 0), coalesce(p.n, 0), now()
               FROM unnest($1::uuid[]) k(id)
               LEFT JOIN LATERAL (SELECT count(*)::int AS n, sum(score)::bigint AS s FROM rating WHERE message_id = k.id) r ON true
               LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM reply WHERE message_id = k.id) p ON true
             ON CONFLICT (message_id) DO UPDATE
               SET ratings = EXCLUDED.ratings, score_sum = EXCLUDED.score_sum, replies = EXCLUDED.replies, refreshed_at = now()
               WHERE (message_engagement.ratings, message_engagement.score_sum, message_engagement.replies)
                     IS DISTINCT FROM (EXCLUDED.ratings, EXCLUDED.score_sum, EXCLUDED.replies)
             RETURNING message_id`,
            [ids],
          )
        : [];
      return { changed: changed.length + (await this.refreshForceWideByNpu(tx, days, ids)), messages: ids.length };
    });
  }

  /**
   * Force-wide messages' figures per NPU: recipients (distinct residents delivered to, by their
   * ward's NPU) counted once, when the fan-out has finished (also for a message rated before
   * then); ratings and replies re-totalled for the changed messages (`ids`).
   */
  private async refreshForceWideByNpu(tx: EntityManager, days: number, ids: string[]): Promise<number> {
    await tx.query<unknown>(
      `INSERT INTO message_npu_engagement (message_id, npu_code, recipients)
       SELECT d.message_id, w.npu_code, count(DISTINCT d.resident_id)::int
         FROM message m JOIN delivery d ON d.message_id = m.id JOIN resident r ON r.id = d.resident_id JOIN ward w ON w.code = r.ward_code
        WHERE m.npu_code IS NULL AND m.recipient_count IS NOT NULL AND m.sent_at > now() - make_interval(days => $1)
          -- counted once: a row with recipients is only written here (a rating's row, written
          -- while the fan-out was still running, has none yet and is filled in)
          AND NOT EXISTS (SELECT 1 FROM message_npu_engagement x WHERE x.message_id = m.id AND x.recipients > 0)
        GROUP BY 1, 2
       ON CONFLICT (message_id, npu_code) DO UPDATE SET recipients = EXCLUDED.recipients`,
      [days],
    );
    if (!ids.length) return 0;
    const rows = await tx.query<{ message_id: string }[]>(
      `WITH fw AS (SELECT id FROM message WHERE npu_code IS NULL AND id = ANY($1::uuid[])),
            rated AS (SELECT ra.message_id, w.npu_code, count(*)::int AS n, sum(ra.score)::bigint AS s
                        FROM rating ra JOIN fw ON fw.id = ra.message_id JOIN resident r ON r.id = ra.resident_id JOIN ward w ON w.code = r.ward_code GROUP BY 1, 2),
            replied AS (SELECT rp.message_id, rp.npu_code, count(*)::int AS n FROM reply rp JOIN fw ON fw.id = rp.message_id GROUP BY 1, 2),
            totals AS (SELECT coalesce(a.message_id, b.message_id) AS message_id, coalesce(a.npu_code, b.npu_code) AS npu_code,
                              coalesce(a.n, 0) AS ratings, coalesce(a.s, 0) AS score_sum, coalesce(b.n, 0) AS replies
                         FROM rated a FULL JOIN replied b ON b.message_id = a.message_id AND b.npu_code = a.npu_code),
            -- an NPU whose ratings and replies are all gone (erased) keeps its recipients, with zero engagement
            emptied AS (SELECT x.message_id, x.npu_code, 0, 0::bigint, 0 FROM message_npu_engagement x JOIN fw ON fw.id = x.message_id
                         WHERE NOT EXISTS (SELECT 1 FROM totals t WHERE t.message_id = x.message_id AND t.npu_code = x.npu_code))
       INSERT INTO message_npu_engagement (message_id, npu_code, ratings, score_sum, replies, refreshed_at)
       SELECT message_id, npu_code, ratings, score_sum, replies, now() FROM (SELECT * FROM totals UNION ALL SELECT * FROM emptied) u
       ON CONFLICT (message_id, npu_code) DO UPDATE
         SET ratings = EXCLUDED.ratings, score_sum = EXCLUDED.score_sum, replies = EXCLUDED.replies, refreshed_at = now()
         WHERE (message_npu_engagement.ratings, message_npu_engagement.score_sum, message_npu_engagement.replies)
               IS DISTINCT FROM (EXCLUDED.ratings, EXCLUDED.score_sum, EXCLUDED.replies)
       RETURNING message_id`,
      [ids],
    );
    return rows.length;
  }

  /**
   * Brings the per-ward monthly sign-up/leaver counts and subscriber profiles up to date (one
   * transaction): only the (ward, month) keys and wards that residents' writes touched since the
   * last refresh (logged in `resident_stats_dirty` by triggers on `resident`), or everything with
   * `full` (and when the figures were never computed). Returns how many keys were recomputed.
   */
  async refreshResidentStats(opts: { full?: boolean } = {}): Promise<{ full: boolean; monthKeys: number; wards: number }> {
    return this.db.transaction(async (tx) => {
      await tx.query<unknown>(`SELECT pg_advisory_xact_lock(hashtext('refresh-resident-stats'))`);
      const never = !(await tx.query<unknown[]>(`SELECT 1 FROM report_refresh WHERE name = 'resident_stats'`)).length;
      const result = opts.full || never ? await this.recomputeResidentStats(tx) : await this.recomputeDirtyResidentStats(tx);
      await tx.query<unknown>(
        `INSERT INTO report_refresh (name, refreshed_at) VALUES ('resident_stats', now())
         ON CONFLICT (name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at`,
      );
      return result;
    });
  }

  /** Every key from scratch; the log is emptied first, so what is logged while this runs is redone next time. */
  private async recomputeResidentStats(tx: EntityManager): Promise<{ full: boolean; monthKeys: number; wards: number }> {
    await tx.query<unknown>('DELETE FROM resident_stats_dirty');
    await tx.query<unknown>('DELETE FROM resident_month_stats');
    const months = await tx.query<unknown[]>(
      `INSERT INTO resident_month_stats (ward_code, month, joined, "left")
       SELECT ward_code, m, sum(j)::int, sum(l)::int FROM (
         SELECT ward_code, ${LONDON_MONTH('activated_at')} AS m, 1 AS j, 0 AS l FROM resident WHERE activated_at IS NOT NULL
         UNION ALL
         SELECT ward_code, ${LONDON_MONTH('left_at')}, 0, 1 FROM resident WHERE left_at IS NOT NULL) e
       GROUP BY ward_code, m
       RETURNING 1`,
    );
    await tx.query<unknown>('DELETE FROM resident_profile_month_stats');
    await tx.query<unknown>(
      `INSERT INTO resident_profile_month_stats (ward_code, month, dimension, category, joined, "left")
       SELECT r.ward_code, e.month, d.dimension, d.category, sum(e.j)::int, sum(e.l)::int
         FROM resident r
        CROSS JOIN LATERAL (VALUES (${LONDON_MONTH('r.activated_at')}, 1, 0), (${LONDON_MONTH('greatest(r.left_at, r.activated_at)')}, 0, 1)) e(month, j, l)
        CROSS JOIN LATERAL (VALUES ${PROFILE}) d(dimension, category)
        WHERE r.activated_at IS NOT NULL AND (e.j = 1 OR r.left_at IS NOT NULL)
        GROUP BY 1, 2, 3, 4`,
    );
    await tx.query<unknown>('DELETE FROM resident_source_month_stats');
    await tx.query<unknown>(
      `INSERT INTO resident_source_month_stats (ward_code, month, source, campaign_code, signups)
       SELECT ward_code, ${LONDON_MONTH('activated_at')}, coalesce(source, 'unknown'), coalesce(campaign_code, ''), count(*)::int
         FROM resident WHERE activated_at IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    );
    await tx.query<unknown>('DELETE FROM resident_profile_stats');
    await tx.query<unknown>(
      `INSERT INTO resident_profile_stats (ward_code, dimension, category, subscribers)
       SELECT r.ward_code, d.dimension, d.category, count(*)::int
         FROM resident r
         CROSS JOIN LATERAL (VALUES ${PROFILE}) AS d(dimension, category)
        WHERE r.status = 'active'
        GROUP BY 1, 2, 3`,
    );
    const [wards] = await tx.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ward`);
    return { full: true, monthKeys: months.length, wards: wards.n };
  }

  /**
   * The logged keys only: a (ward, month)'s joins and leavers are counted again from `resident`
   * through its (ward_code, activated_at) and left_at indexes; a ward's profile from its active
   * residents. A key left with nothing is deleted.
   */
  private async recomputeDirtyResidentStats(tx: EntityManager): Promise<{ full: boolean; monthKeys: number; wards: number }> {
    const [keys] = await tx.query<{ months: string[] | null; wardsOfMonths: string[] | null; wards: string[] | null }[]>(
      `WITH taken AS (DELETE FROM resident_stats_dirty RETURNING ward_code, month),
            k AS (SELECT DISTINCT ward_code, month FROM taken)
       SELECT array_agg(month::text ORDER BY ward_code, month) FILTER (WHERE month IS NOT NULL) AS months,
              array_agg(ward_code ORDER BY ward_code, month) FILTER (WHERE month IS NOT NULL) AS "wardsOfMonths",
              array_agg(ward_code ORDER BY ward_code) FILTER (WHERE month IS NULL) AS wards
         FROM k`,
    );
    const months = keys?.months ?? [];
    const wards = keys?.wards ?? [];
    if (months.length) {
      await tx.query<unknown>(
        `WITH k AS (SELECT * FROM unnest($1::varchar[], $2::date[]) k(ward_code, month)),
              fresh AS (
                SELECT k.ward_code, k.month,
                       (SELECT count(*) FROM resident r WHERE r.ward_code = k.ward_code
                           AND r.activated_at >= (k.month::timestamp AT TIME ZONE 'Europe/London')
                           AND r.activated_at < ((k.month + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'))::int AS joined,
                       (SELECT count(*) FROM resident r WHERE r.left_at IS NOT NULL AND r.ward_code = k.ward_code
                           AND r.left_at >= (k.month::timestamp AT TIME ZONE 'Europe/London')
                           AND r.left_at < ((k.month + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'))::int AS gone
                  FROM k),
              upserted AS (
                INSERT INTO resident_month_stats (ward_code, month, joined, "left")
                SELECT ward_code, month, joined, gone FROM fresh WHERE joined > 0 OR gone > 0
                ON CONFLICT (ward_code, month) DO UPDATE SET joined = EXCLUDED.joined, "left" = EXCLUDED."left"
                RETURNING 1)
         DELETE FROM resident_month_stats s USING fresh f WHERE s.ward_code = f.ward_code AND s.month = f.month AND f.joined = 0 AND f.gone = 0`,
        [keys!.wardsOfMonths, months],
      );
      await this.recomputeMonthBreakdowns(tx, keys!.wardsOfMonths!, months);
    }
    if (wards.length) {
      await tx.query<unknown>(
        `WITH fresh AS (
                SELECT r.ward_code, d.dimension, d.category, count(*)::int AS n
                  FROM resident r
                  CROSS JOIN LATERAL (VALUES ${PROFILE}) AS d(dimension, category)
                 WHERE r.status = 'active' AND r.ward_code = ANY($1::varchar[])
                 GROUP BY 1, 2, 3),
              upserted AS (
                INSERT INTO resident_profile_stats (ward_code, dimension, category, subscribers) SELECT * FROM fresh
                ON CONFLICT (ward_code, dimension, category) DO UPDATE SET subscribers = EXCLUDED.subscribers
                RETURNING 1)
         DELETE FROM resident_profile_stats p
          WHERE p.ward_code = ANY($1::varchar[])
            AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.ward_code = p.ward_code AND f.dimension = p.dimension AND f.category = p.category)`,
        [wards],
      );
    }
    return { full: false, monthKeys: months.length, wards: wards.length };
  }

  /**
   * The (ward, month) keys' sign-ups and leavers by profile, and sign-ups by source and campaign
   * code, counted again from `resident` (a leaving is at `greatest(left_at, activated_at)`, so
   * it lies in the month of one of the two indexes); a key's rows left with nothing are deleted.
   */
  private async recomputeMonthBreakdowns(tx: EntityManager, wardCodes: string[], months: string[]): Promise<void> {
    const KEYS = `k AS (SELECT ward_code, month, ${MONTH_START('month')} AS starts, ${MONTH_START("(month + interval '1 month')")} AS ends
                          FROM unnest($1::varchar[], $2::date[]) k(ward_code, month))`;
    await tx.query<unknown>(
      `WITH ${KEYS},
            fresh AS (
              SELECT k.ward_code, k.month, d.dimension, d.category, sum(e.j)::int AS joined, sum(e.l)::int AS gone
                FROM k JOIN resident r ON r.ward_code = k.ward_code AND r.activated_at IS NOT NULL
                 AND ((r.activated_at >= k.starts AND r.activated_at < k.ends) OR (r.left_at >= k.starts AND r.left_at < k.ends))
               CROSS JOIN LATERAL (VALUES (r.activated_at, 1, 0), (greatest(r.left_at, r.activated_at), 0, 1)) e(at, j, l)
               CROSS JOIN LATERAL (VALUES ${PROFILE}) d(dimension, category)
               WHERE e.at >= k.starts AND e.at < k.ends AND (e.j = 1 OR r.left_at IS NOT NULL)
               GROUP BY 1, 2, 3, 4),
            upserted AS (
              INSERT INTO resident_profile_month_stats (ward_code, month, dimension, category, joined, "left")
              SELECT * FROM fresh
              ON CONFLICT (ward_code, month, dimension, category) DO UPDATE SET joined = EXCLUDED.joined, "left" = EXCLUDED."left"
              RETURNING 1)
       DELETE FROM resident_profile_month_stats p USING k
        WHERE p.ward_code = k.ward_code AND p.month = k.month
          AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.ward_code = p.ward_code AND f.month = p.month AND f.dimension = p.dimension AND f.category = p.category)`,
      [wardCodes, months],
    );
    await tx.query<unknown>(
      `WITH ${KEYS},
            fresh AS (
              SELECT k.ward_code, k.month, coalesce(r.source, 'unknown') AS source, coalesce(r.campaign_code, '') AS campaign_code, count(*)::int AS n
                FROM k JOIN resident r ON r.ward_code = k.ward_code AND r.activated_at >= k.starts AND r.activated_at < k.ends
               GROUP BY 1, 2, 3, 4),
            upserted AS (
              INSERT INTO resident_source_month_stats (ward_code, month, source, campaign_code, signups)
              SELECT * FROM fresh
              ON CONFLICT (ward_code, month, source, campaign_code) DO UPDATE SET signups = EXCLUDED.signups
              RETURNING 1)
       DELETE FROM resident_source_month_stats s USING k
        WHERE s.ward_code = k.ward_code AND s.month = k.month
          AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.ward_code = s.ward_code AND f.month = s.month AND f.source = s.source AND f.campaign_code = s.campaign_code)`,
      [wardCodes, months],
    );
  }

  /** When the sign-up and subscriber figures were last recomputed (null: never yet). */
  async lastRefreshedAt(): Promise<Date | null> {
    const rows = await this.reader.query<{ at: Date }[]>(`SELECT refreshed_at AS at FROM report_refresh WHERE name = 'resident_stats'`);
    return rows[0]?.at ?? null;
  }

  async upsertShares(rows: { areaCode: string; dimension: string; category: string; sharePercent: number }[]): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO population_share (area_code, dimension, category, share_percent)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::numeric[])
       ON CONFLICT (area_code, dimension, category) DO UPDATE SET share_percent = EXCLUDED.share_percent`,
      [rows.map((r) => r.areaCode), rows.map((r) => r.dimension), rows.map((r) => r.category), rows.map((r) => r.sharePercent)],
    );
  }
}
