export * from './engagement.entities';
export * from './engagement.module';
export * from './engagement-erasure.service';
export * from './engagement-export.service';
export { InboxService, type InboxItem } from './inbox.service';
export { RatingService, type RatingComment } from './rating.service';
export type { RatingSummary } from './rating.service';
export type { ExportedRating } from './rating.repository';
export type { ExportedReply } from './reply.repository';
