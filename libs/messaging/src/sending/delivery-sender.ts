import { Injectable } from '@nestjs/common';
import { EmailTransport, SmsTransport } from '@beacon/channels';
import { InjectConfig, type AppConfig } from '@beacon/core';
import { renderEmail, renderSms } from '../message-content';
import { MessageLinksService } from '../message-links.service';
import type { MessageEntity } from '../message.entities';
import type { ClaimedDelivery } from './claim.repository';

/** Renders one claimed delivery for its resident and hands it to the channel's provider; returns the provider's id. */
@Injectable()
export class DeliverySender {
  constructor(
    private readonly links: MessageLinksService,
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  send(message: MessageEntity, npuName: string | null, d: ClaimedDelivery): Promise<string> {
    return d.channel === 'email' ? this.sendEmail(message, npuName, d) : this.sendSms(message, d);
  }

  private surveyUrl(message: MessageEntity, d: ClaimedDelivery): string | undefined {
    return message.surveyId ? this.links.surveyUrl(message.surveyId, d.residentId) : undefined;
  }

  private async sendEmail(message: MessageEntity, npuName: string | null, d: ClaimedDelivery): Promise<string> {
    const unsubscribeUrl = this.links.unsubscribeUrl(d.residentId, 'email');
    const rendered = renderEmail(
      { title: message.title, body: message.body, npuName },
      { ratingUrl: this.links.ratingUrl(d.id), unsubscribeUrl, manageUrl: this.links.manageUrl(d.residentId), surveyUrl: this.surveyUrl(message, d) },
    );
    const { providerId } = await this.email.send({
      to: d.email!,
      ...rendered,
      ...this.links.emailAddresses(d.id),
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Beacon-Delivery': d.id,
      },
    });
    return providerId;
  }

  private async sendSms(message: MessageEntity, d: ClaimedDelivery): Promise<string> {
    const { providerId } = await this.sms.send({
      to: d.phone!,
      body: renderSms(message, this.links.ratingUrl(d.id), 3, this.surveyUrl(message, d)),
      statusCallback: `${this.config.http.publicUrl}/webhooks/twilio/status`,
    });
    return providerId;
  }
}
