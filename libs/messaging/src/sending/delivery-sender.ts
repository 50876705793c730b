import { Injectable } from '@nestjs/common';
import { EmailTransport, SmsTransport } from '@beacon/channels';
import { InjectConfig, type AppConfig } from '@beacon/core';
import { localised, renderEmail, renderSms } from '../message-content';
import { MessageLinksService } from '../message-links.service';
import type { MessageContext } from '../message-context';
import type { MessageEntity } from '../message.entity';
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

  send(message: MessageEntity, context: MessageContext, d: ClaimedDelivery): Promise<string> {
    return d.channel === 'email' ? this.sendEmail(message, context, d) : this.sendSms(message, context, d);
  }

  /** The web version's link: the same for every recipient of a language, so signed once per send job (context.webUrls). */
  private webUrl(message: MessageEntity, context: MessageContext, language: string): string {
    let url = context.webUrls?.get(language);
    if (url === undefined) {
      url = this.links.webVersionUrl(message.id, language);
      context.webUrls?.set(language, url);
    }
    return url;
  }

  private surveyUrl(message: MessageEntity, d: ClaimedDelivery): string | undefined {
    return message.surveyId ? this.links.surveyUrl(message.surveyId, d.residentId) : undefined;
  }

  private async sendEmail(message: MessageEntity, context: MessageContext, d: ClaimedDelivery): Promise<string> {
    const unsubscribeUrl = this.links.unsubscribeUrl(d.residentId, 'email');
    const content = localised(message, d.language, this.config.languages);
    const rendered = renderEmail(
      { ...content, ...context },
      { ratingUrl: this.links.ratingUrl(d.id), unsubscribeUrl, manageUrl: this.links.manageUrl(d.residentId), surveyUrl: this.surveyUrl(message, d), webUrl: this.webUrl(message, context, content.language) },
    );
    const { providerId } = await this.email.send({
      to: d.email!,
      ...rendered,
      ...this.links.emailAddresses(d.id),
      // Encoded once per message (SendJob): each e-mail only concatenates the bytes.
      inline: context.attachments?.inline,
      attachments: context.attachments?.attachments,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Beacon-Delivery': d.id,
      },
    });
    return providerId;
  }

  private async sendSms(message: MessageEntity, context: MessageContext, d: ClaimedDelivery): Promise<string> {
    const { providerId } = await this.sms.send({
      to: d.phone!,
      body: this.smsBody(message, context, d),
      statusCallback: `${this.config.http.publicUrl}/webhooks/twilio/status`,
    });
    return providerId;
  }

  private smsBody(message: MessageEntity, context: MessageContext, d: ClaimedDelivery): string {
    const content = localised(message, d.language, this.config.languages);
    return renderSms(content, this.links.ratingUrl(d.id), 3, this.surveyUrl(message, d), this.webUrl(message, context, content.language));
  }
}
