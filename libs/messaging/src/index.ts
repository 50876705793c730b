// The public face of libs/messaging: what other libs, apps, tests and scripts import.
export * from './message-content';
export * from './message-drafts.service';
export * from './message.dto';
export * from './message-insights';
export * from './message-lifecycle.service';
export * from './message-links.service';
export * from './message.entities';
export * from './message.service';
export * from './messages.controller';
export * from './messaging.module';
export type { AudienceSpec } from './audience/audience-spec';
