import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LinkTokenService } from '@beacon/auth';
import { badRequest } from '@beacon/core';
import { maskEmail, maskPhone } from './contact';
import { CHANNELS, type Channel } from './resident.entity';
import type { UnsubscribeScope } from './resident-links.service';
import { ResidentRepository } from './resident.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const UNSUBSCRIBE_SCOPES: readonly UnsubscribeScope[] = [...CHANNELS, 'all'];

export interface SubscriptionView {
  channels: { channel: Channel; enabled: boolean; address: string | null }[];
  /** The resident's stored language (their pages are in it). */
  language: string | null;
}

/**
 * Unsubscribe links (/u/{token}). The token is the only credential: it names the resident and
 * the channel of the message it came in. Works for years, needs no sign-in, never leaks an
 * address (masked), and is harmless to repeat.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly residents: ResidentRepository,
    private readonly linkTokens: LinkTokenService,
  ) {}

  parse(token: string): { residentId: string; scope: UnsubscribeScope } {
    const claims = this.linkTokens.verify('unsubscribe', token);
    if (!UUID.test(claims.r ?? '') || !UNSUBSCRIBE_SCOPES.includes(claims.c as UnsubscribeScope)) throw badRequest('This link is not valid');
    return { residentId: claims.r, scope: claims.c as UnsubscribeScope };
  }

  async view(token: string): Promise<SubscriptionView> {
    const { residentId } = this.parse(token);
    const r = await this.residents.findById(residentId);
    if (!r || r.status === 'erased') return { channels: [], language: null };
    const channels = await this.residents.listChannels(r.id);
    return {
      channels: channels.map((c) => ({ channel: c.channel, enabled: c.enabled, address: c.channel === 'email' ? maskEmail(r.email) : maskPhone(r.phoneE164) })),
      language: r.language,
    };
  }

  /** Turns off the chosen channel (default: the token's); the last one off makes the resident 'unsubscribed'. */
  async unsubscribe(token: string, chosen?: string): Promise<{ scope: UnsubscribeScope; stillOn: Channel[] }> {
    const parsed = this.parse(token);
    if (chosen !== undefined && !UNSUBSCRIBE_SCOPES.includes(chosen as UnsubscribeScope)) {
      throw badRequest('scope must be one of: email, sms, all', ['scope must be one of: email, sms, all']);
    }
    const scope = (chosen as UnsubscribeScope | undefined) ?? parsed.scope;
    const stillOn = await this.db.transaction(async (tx) => {
      const r = await this.residents.findByIdForUpdate(parsed.residentId, tx);
      if (!r || r.status === 'erased') return [];
      await this.residents.disableChannels(r.id, scope === 'all' ? 'all' : [scope], tx);
      await this.residents.syncStatusWithChannels(r.id, tx);
      return (await this.residents.listChannels(r.id, tx)).filter((c) => c.enabled).map((c) => c.channel);
    });
    return { scope, stillOn };
  }
}
