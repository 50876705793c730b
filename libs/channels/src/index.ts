export * from './channel.types';
export * from './channels.module';
export * from './email/email.transport';
export * from './email/smtp-email.transport';
export * from './notification.service';
export * from './outbox/outbox.store';
export * from './sms/sms.transport';
export * from './sms/twilio-sms.transport';
