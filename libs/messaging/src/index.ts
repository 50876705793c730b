export * from './message-content';
export * from './message-drafts.service';
export * from './message.dto';
export * from './message-links.service';
export * from './message.entities';
export * from './message.service';
export * from './messages.controller';
export * from './messaging.module';
export { PRIORITY_RANK } from './delivery.repository';
