import type { MessageEntity } from '../message.entity';

/** An audience as composed (`message.audience`): each list narrows it; none = the author's whole area. */
export interface AudienceSpec {
  npuCodes?: string[];
  neighbourhoodIds?: string[];
  wardCodes?: string[];
  /** Named areas (libs/geography): resolved to their wards at compose. */
  areaIds?: string[];
  topics?: string[];
  interestGroups?: string[];
  schemeIds?: string[];
  /** Residents whose verified postcode centroid lies within `metres` of a point (a postcode is resolved to its centroid at compose). */
  near?: NearSpec;
}

/** A circle as composed: a postcode or lat/long, and a radius; stored with lat/long filled in. */
export interface NearSpec {
  postcode?: string;
  lat?: number;
  long?: number;
  metres: number;
}

/** A circle on the earth (degrees, metres). */
export interface NearCircle {
  lat: number;
  long: number;
  metres: number;
}

/** An audience resolved to concrete filters; null = no restriction on that dimension. */
export interface ResolvedAudience {
  wardCodes: string[] | null;
  topics: string[] | null;
  interestGroups: string[] | null;
  schemeIds: string[] | null;
  /** Optional so audiences built in code without a circle stay valid. */
  near?: NearCircle | null;
  channels: string[];
  priority: string;
}

/** What an audience is resolved from: a saved message, or a compose form not yet saved. */
export type AudienceSource = Pick<MessageEntity, 'wardCodes' | 'audience' | 'channels' | 'priority'>;

const nonEmpty = (a?: string[]) => (a && a.length ? a : null);

/** The filters a message's audience means (pure: the targets were checked and stored at compose). */
export function resolveAudience(m: AudienceSource): ResolvedAudience {
  const geographic = !!(m.audience.npuCodes?.length || m.audience.neighbourhoodIds?.length || m.audience.wardCodes?.length || m.audience.areaIds?.length);
  return {
    // Stored ward list is the geography; with only schemes named, membership alone decides.
    wardCodes: m.wardCodes.length && (geographic || !m.audience.schemeIds?.length) ? m.wardCodes : null,
    topics: nonEmpty(m.audience.topics),
    interestGroups: nonEmpty(m.audience.interestGroups),
    schemeIds: nonEmpty(m.audience.schemeIds),
    near: nearCircle(m.audience.near),
    channels: m.channels,
    priority: m.priority,
  };
}

/** The stored circle (lat/long were filled in at compose); null when the audience sets none. */
function nearCircle(near: NearSpec | undefined): NearCircle | null {
  if (!near || typeof near.lat !== 'number' || typeof near.long !== 'number') return null;
  return { lat: near.lat, long: near.long, metres: near.metres };
}
