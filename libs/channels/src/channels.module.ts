import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@beacon/core';
import { EmailTransport } from './email/email.transport';
import { OutboxEmailTransport } from './email/outbox-email.transport';
import { SmtpEmailTransport } from './email/smtp-email.transport';
import { NotificationComposerRegistry } from './notification-composer';
import { NotificationService } from './notification.service';
import { OutboxController } from './outbox/outbox.controller';
import { OutboxRetention } from './outbox/outbox-retention';
import { OutboxStore } from './outbox/outbox.store';
import { OutboxSmsTransport } from './sms/outbox-sms.transport';
import { SmsTransport } from './sms/sms.transport';
import { TwilioSmsTransport } from './sms/twilio-sms.transport';

/** E-mail and SMS transports chosen from config: SMTP / Twilio when configured, else the dev outbox. */
@Module({
  imports: [DiscoveryModule],
  controllers: [OutboxController],
  providers: [
    OutboxStore,
    {
      provide: EmailTransport,
      inject: [APP_CONFIG, OutboxStore],
      useFactory: (config: AppConfig, outbox: OutboxStore) =>
        config.mail.smtpUrl
          ? new SmtpEmailTransport(config.mail.smtpUrl, config.mail.from, { maxConnections: config.messaging.emailConcurrency, timeouts: config.mail.timeouts })
          : new OutboxEmailTransport(outbox),
    },
    {
      provide: SmsTransport,
      inject: [APP_CONFIG, OutboxStore],
      useFactory: (config: AppConfig, outbox: OutboxStore) =>
        config.sms.accountSid
          ? new TwilioSmsTransport({
              accountSid: config.sms.accountSid,
              authToken: config.sms.authToken!,
              from: config.sms.from,
              messagingServiceSid: config.sms.messagingServiceSid,
              apiBaseUrl: config.sms.apiBaseUrl,
              timeoutMs: config.sms.timeoutMs,
            })
          : new OutboxSmsTransport(outbox),
    },
    NotificationComposerRegistry,
    NotificationService,
    OutboxRetention,
  ],
  exports: [EmailTransport, SmsTransport, NotificationService, OutboxStore],
})
export class ChannelsModule implements OnApplicationShutdown {
  constructor(@Inject(EmailTransport) private readonly email: EmailTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.email.close();
  }
}
