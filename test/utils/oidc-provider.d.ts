// The few parts of oidc-provider (which ships no types) that the test provider uses.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  interface OidcContext {
    oidc: { client?: { clientId: string }; session?: { accountId?: string } };
  }
  interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }
  interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  export interface Configuration {
    clients: Record<string, unknown>[];
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    pkce?: { required?: () => boolean };
    ttl?: Record<string, number | (() => number)>;
    findAccount(ctx: OidcContext, sub: string): Account | undefined | Promise<Account | undefined>;
    loadExistingGrant?(ctx: OidcContext): Promise<GrantInstance | undefined>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: new (init: { clientId: string; accountId: string }) => GrantInstance;
    listen(port: number): Server;
    use(middleware: (ctx: { path: string; body?: unknown }, next: () => Promise<void>) => Promise<void>): void;
  }
}
