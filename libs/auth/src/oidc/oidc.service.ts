import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { DomainException, InjectConfig, type AppConfig, type OidcConfig } from '@beacon/core';
import { LinkTokenService } from '../tokens/link-token.service';

/** openid-client's reason, without the claims or tokens it may carry (personal data). */
function describeOidcError(e: unknown): string {
  const err = e as { message?: string; code?: string; error?: string; cause?: { claim?: string; parameter?: string; message?: string } };
  // openid-client wraps oauth4webapi's error, whose message names the parameter or claim.
  const cause = err.cause && typeof err.cause === 'object' && typeof err.cause.message === 'string' ? err.cause.message : '';
  return [err.message, cause && `(${cause})`, err.code, err.error].filter(Boolean).join(' ');
}

/** What the identity provider says about the person, once the callback is verified. */
export interface OidcIdentity {
  /** `<issuer> <sub>`: unique and stable across e-mail changes. */
  subject: string;
  email: string | null;
  name: string | null;
  claims: Record<string, unknown>;
}

// The state, nonce and PKCE verifier travel in an HttpOnly cookie signed with LINK_SECRET,
// bound to its purpose and dead after 10 minutes: a callback needs the browser that started it.
const FLOW_TTL_SECONDS = 600;
export const OIDC_SCOPES = 'openid email profile';

/**
 * Single sign-on with the force's OpenID Connect provider (openid-client): authorisation code
 * flow with PKCE (S256), state and nonce; the ID token's signature (provider JWKS), iss, aud,
 * exp and nonce are verified by openid-client, as is the callback's `iss` (RFC 9207).
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly links: LinkTokenService,
  ) {}

  get enabled(): boolean {
    return !!this.config.auth.oidc;
  }

  get settings(): OidcConfig {
    if (!this.config.auth.oidc) throw new DomainException('NOT_FOUND', 'Single sign-on is not configured');
    return this.config.auth.oidc;
  }

  get cookieName(): string {
    return this.config.env === 'production' ? '__Host-beacon-oidc' : 'beacon-oidc';
  }

  get redirectUri(): string {
    return `${this.config.http.publicUrl}/console/sign-in/oidc/callback`;
  }

  /** The provider's authorisation URL and the signed cookie that the callback must bring back. */
  async begin(next: string): Promise<{ url: string; cookie: string; maxAgeMs: number }> {
    const cfg = await this.configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: this.redirectUri,
      scope: OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const cookie = this.links.sign('oidc-login', { s: state, n: nonce, v: verifier, x: next }, FLOW_TTL_SECONDS);
    return { url: url.href, cookie, maxAgeMs: FLOW_TTL_SECONDS * 1000 };
  }

  /** Verifies the callback against the cookie; any mismatch, tampering or expiry is a 401. */
  async complete(callbackUrl: URL, cookie: string | undefined): Promise<{ identity: OidcIdentity; next: string }> {
    const refused = () => new DomainException('UNAUTHENTICATED', 'We could not confirm your sign-in with your force account. Start again from the sign-in page.');
    let flow: Record<string, string>;
    try {
      flow = this.links.verify('oidc-login', cookie ?? '');
    } catch {
      this.logger.warn('OIDC callback refused: no valid flow cookie (another browser, tampered or expired)');
      throw refused();
    }
    const cfg = await this.configuration();
    try {
      const tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
        pkceCodeVerifier: flow.v,
        expectedState: flow.s,
        expectedNonce: flow.n,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
      const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 120) : null;
      return { identity: { subject: `${claims.iss} ${claims.sub}`, email, name, claims: claims as Record<string, unknown> }, next: flow.x };
    } catch (e) {
      // openid-client's reason (state mismatch, bad signature, expired…) is for the log, not the page.
      this.logger.warn(`OIDC callback refused: ${describeOidcError(e)}`);
      throw refused();
    }
  }

  private configuration(): Promise<oidc.Configuration> {
    const s = this.settings;
    this.discovered ??= oidc
      .discovery(new URL(s.issuerUrl), s.clientId, undefined, oidc.ClientSecretPost(s.clientSecret), {
        // http: only outside production (config refuses it there): a provider on the loopback in tests.
        execute: s.issuerUrl.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .then((cfg) => {
        // openid-client trusts an ID token from the token endpoint over TLS without checking its
        // signature; this checks it against the provider's JWKS too (a forged or altered token fails).
        oidc.enableNonRepudiationChecks(cfg);
        return cfg;
      })
      .catch((e: unknown) => {
        this.discovered = undefined;
        this.logger.error(`OIDC discovery from ${s.issuerUrl} failed: ${(e as Error).message}`);
        throw new DomainException('UNAUTHENTICATED', 'Signing in with your force account is not available right now. Try again later.');
      });
    return this.discovered;
  }
}
