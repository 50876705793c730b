import { SENDABLE_SQL } from '@beacon/residents';
import type { NearCircle, ResolvedAudience } from './audience-spec';

const PRIORITIES = ['information', 'standard', 'urgent'];
const URGENT = PRIORITIES.indexOf('urgent') + 1;

/** 1 information, 2 standard, 3 urgent (an unknown priority counts as standard). */
export const priorityRank = (priority: string): number => PRIORITIES.indexOf(priority) + 1 || 2;

/** Adds a query parameter and returns its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** A parameter list and its `Param`: each value pushed once, in the order the SQL names it. */
export function sqlParams(): { params: unknown[]; p: Param } {
  const params: unknown[] = [];
  return { params, p: (value) => `$${params.push(value)}` };
}

/** The rows an audience condition is written over: a resident and one of their channels. */
export const AUDIENCE_JOIN = 'resident r JOIN resident_channel rc ON rc.resident_id = r.id';

/**
 * The audience as a condition over AUDIENCE_JOIN: who may be sent (residents' rule, interpolated),
 * the message's channels and priority, then one clause per filter the audience sets.
 */
export function audienceWhere(a: ResolvedAudience, p: Param): string {
  const where = [
    SENDABLE_SQL,
    `rc.channel = ANY(${p(a.channels)}::varchar[])`,
    `array_position(ARRAY['information','standard','urgent']::varchar[], rc.min_priority::varchar) <= ${p(priorityRank(a.priority))}::int`,
  ];
  if (a.wardCodes) where.push(`r.ward_code = ANY(${p(a.wardCodes)}::varchar[])`);
  if (a.topics) where.push(`EXISTS (SELECT 1 FROM resident_topic t WHERE t.resident_id = r.id AND t.topic = ANY(${p(a.topics)}::varchar[]))`);
  if (a.interestGroups) {
    where.push(`EXISTS (SELECT 1 FROM resident_interest i WHERE i.resident_id = r.id AND i.interest_group = ANY(${p(a.interestGroups)}::varchar[]))`);
  }
  if (a.schemeIds) where.push(`EXISTS (SELECT 1 FROM scheme_member sm WHERE sm.resident_id = r.id AND sm.scheme_id = ANY(${p(a.schemeIds)}::uuid[]))`);
  if (a.near) where.push(nearCondition(a.near, p));
  return where.join('\n   AND ');
}

/** earthdistance's earth radius (its `earth()`), in metres. */
const EARTH_RADIUS = 6378168;
const degrees = (radians: number) => (radians * 180) / Math.PI;

/**
 * The lat/long box that holds the circle (a 1 % margin for rounding): its half-height is the
 * radius as an angle; its half-width the widest longitude a circle at that latitude reaches
 * (the whole width near a pole). The box ignores the 180° meridian (no force lies on it).
 */
export function boundingBox(near: NearCircle): { south: number; north: number; west: number; east: number } {
  const angle = near.metres / EARTH_RADIUS;
  const dLat = degrees(angle) * 1.01 + 1e-7;
  const cos = Math.cos((near.lat * Math.PI) / 180);
  const dLong = cos > Math.sin(angle) * 1.01 ? degrees(Math.asin(Math.sin(angle) / cos)) * 1.01 + 1e-7 : 180;
  return { south: near.lat - dLat, north: near.lat + dLat, west: near.long - dLong, east: near.long + dLong };
}

/**
 * Residents (`r`) whose verified postcode centroid lies within the circle: the point in the
 * circle's bounding box is the GiST-indexed test (idx_resident_location, migration
 * RadiusTargeting), then earthdistance's great-circle distance keeps the circle. Its IS NOT NULL
 * tests match the index's predicate.
 */
export function nearCondition(near: NearCircle, p: Param): string {
  const box = boundingBox(near);
  const metres = `${p(near.metres)}::float8`;
  return `(r.postcode_lat IS NOT NULL AND r.postcode_long IS NOT NULL
       AND point(r.postcode_long, r.postcode_lat) <@ box(point(${p(box.west)}::float8, ${p(box.south)}::float8), point(${p(box.east)}::float8, ${p(box.north)}::float8))
       AND earth_distance(ll_to_earth(${p(near.lat)}::float8, ${p(near.long)}::float8), ll_to_earth(r.postcode_lat, r.postcode_long)) <= ${metres})`;
}

/**
 * When a row of the audience may go: SMS to a resident inside their quiet hours (Europe/London)
 * waits until the hours end, unless the message is urgent. Reads `clock` (t: London time, d: date).
 */
export function quietHoursNotBefore(a: ResolvedAudience): string {
  if (priorityRank(a.priority) >= URGENT) return 'NULL::timestamptz';
  return `CASE WHEN rc.channel = 'sms' AND r.quiet_start IS NOT NULL AND r.quiet_end IS NOT NULL AND r.quiet_start <> r.quiet_end
        AND CASE WHEN r.quiet_start < r.quiet_end
                 THEN clock.t >= r.quiet_start AND clock.t < r.quiet_end
                 ELSE clock.t >= r.quiet_start OR clock.t < r.quiet_end END
       THEN ((clock.d + r.quiet_end + CASE WHEN r.quiet_end <= clock.t THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE 'Europe/London')
       ELSE NULL END`;
}
