export * from './engagement.entity';
export * from './engagement.module';
export * from './engagement-erasure.service';
export * from './engagement-export.service';
export { INBOX_ROLES, InboxService, type InboxItem } from './inbox.service';
export type { RatingCommentRow } from './rating.repository';
export { RatingService, type RatingComment } from './rating.service';
export { EngagementDemoSeedService } from './engagement-demo-seed.service';
