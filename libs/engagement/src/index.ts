export * from './engagement.entity';
export * from './engagement.module';
export * from './engagement-erasure.service';
export * from './engagement-export.service';
export { InboxService } from './inbox.service';
export { RatingService } from './rating.service';
