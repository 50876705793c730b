export * from './channel.types';
export * from './channels.module';
export * from './email/email.transport';
export { prepareMimePart } from './email/mime';
export * from './notification-composer';
export * from './notification.service';
export * from './outbox/outbox.store';
export * from './sms/sms.transport';
export { isValidTwilioSignature } from './sms/twilio-sms.transport';
