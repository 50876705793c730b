import type { MessageEntity } from '../message.entities';

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
}

/** An audience resolved to concrete filters; null = no restriction on that dimension. */
export interface ResolvedAudience {
  wardCodes: string[] | null;
  topics: string[] | null;
  interestGroups: string[] | null;
  schemeIds: string[] | null;
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
    channels: m.channels,
    priority: m.priority,
  };
}
