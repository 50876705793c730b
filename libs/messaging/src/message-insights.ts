import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Read-side extensions other libs contribute to a message's detail (engagement: ratings, replies). */
export interface MessageInsights {
  forMessage(messageId: string): Promise<Record<string, unknown>>;
}

/**
 * Marks a provider as MessageInsights (found at run time through Nest discovery, as
 * @ResidentDataExporterProvider and @NotificationComposerProvider are), so messaging never
 * imports the libs that know more about a message.
 */
export const MessageInsightsProvider = DiscoveryService.createDecorator<void>();

/** Every MessageInsights provider in the application. */
@Injectable()
export class MessageInsightsRegistry {
  private found?: MessageInsights[];

  constructor(private readonly discovery: DiscoveryService) {}

  all(): MessageInsights[] {
    this.found ??= this.discovery
      .getProviders({ metadataKey: MessageInsightsProvider.KEY })
      .map((w) => w.instance as MessageInsights | undefined)
      .filter((x): x is MessageInsights => !!x && typeof x.forMessage === 'function');
    return this.found;
  }
}
