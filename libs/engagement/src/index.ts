export * from './engagement.entity';
export * from './engagement.module';
export * from './engagement-erasure.service';
export * from './engagement-export.service';
export { InboxService, type InboxItem } from './inbox.service';
export { RatingService, type RatingComment } from './rating.service';
export { EngagementDemoSeedService } from './engagement-demo-seed.service';
export { MANAGE_TEXT_LIMIT } from './sms-inbound.service';
