import { DiscoveryService } from '@nestjs/core';

/**
 * Whether a resident's signed access token still names someone who may act: a token outlives an
 * erasure (or a purged sign-up) until it expires, and must then be refused everywhere alike (401,
 * like no token). The residents lib owns the answer (its table) in a provider marked
 * `@ResidentStandingProvider()`; the auth guard asks it once per request on every resident route.
 */
export interface ResidentStanding {
  mayAct(residentId: string): Promise<boolean>;
}

export const ResidentStandingProvider = DiscoveryService.createDecorator<void>();
