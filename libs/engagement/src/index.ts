export * from './engagement.entities';
export * from './engagement.module';
export * from './engagement-erasure.service';
export * from './engagement-export.service';
export * from './engagement-stats.service';
export type { RatingSummary } from './rating.service';
export type { ExportedRating } from './rating.repository';
export type { ExportedReply } from './reply.repository';
export type { StatsFilter } from './engagement-stats.repository';
