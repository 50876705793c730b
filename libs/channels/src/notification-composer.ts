import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { NotificationRef } from '@beacon/core';
import type { EmailMessage, SmsMessage } from './channel.types';

/** Renders one template from its ref as of now; null = send nothing (erased, address gone, superseded). */
export type Compose<M> = (ref: NotificationRef) => Promise<M | null>;

/**
 * How a lib sends one-off messages without putting their contents in the queue: it provides a
 * class marked @NotificationComposerProvider() whose `email` / `sms` maps name its templates,
 * and enqueues `NotificationService.enqueueEmail(template, ids)`. The worker calls the
 * composer when the job runs, so the message is built from the rows as they are then.
 */
export interface NotificationComposer {
  readonly email?: Readonly<Record<string, Compose<EmailMessage>>>;
  readonly sms?: Readonly<Record<string, Compose<SmsMessage>>>;
}

/** Marks a provider as a NotificationComposer (found at run time through Nest discovery). */
export const NotificationComposerProvider = DiscoveryService.createDecorator<void>();

type Channel = 'email' | 'sms';

/** Every template of every NotificationComposer in the application; a template named twice refuses to boot. */
@Injectable()
export class NotificationComposerRegistry {
  private found?: { email: Map<string, Compose<EmailMessage>>; sms: Map<string, Compose<SmsMessage>> };

  constructor(private readonly discovery: DiscoveryService) {}

  composer(channel: 'email', template: string): Compose<EmailMessage> | undefined;
  composer(channel: 'sms', template: string): Compose<SmsMessage> | undefined;
  composer(channel: Channel, template: string): Compose<EmailMessage> | Compose<SmsMessage> | undefined {
    return this.all()[channel].get(template);
  }

  private all() {
    if (!this.found) {
      const found = { email: new Map<string, Compose<EmailMessage>>(), sms: new Map<string, Compose<SmsMessage>>() };
      const composers = this.discovery
        .getProviders({ metadataKey: NotificationComposerProvider.KEY })
        .map((w) => w.instance as NotificationComposer | undefined)
        .filter((x): x is NotificationComposer => !!x);
      for (const c of composers) {
        for (const [template, fn] of Object.entries(c.email ?? {})) {
          if (found.email.has(template)) throw new Error(`Two NotificationComposers for e-mail template "${template}"`);
          found.email.set(template, fn);
        }
        for (const [template, fn] of Object.entries(c.sms ?? {})) {
          if (found.sms.has(template)) throw new Error(`Two NotificationComposers for SMS template "${template}"`);
          found.sms.set(template, fn);
        }
      }
      this.found = found;
    }
    return this.found;
  }
}
