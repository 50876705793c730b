import Provider, { type Configuration } from 'oidc-provider';
import type { Server } from 'node:http';
import { freePort } from './free-port';

/** Claims of each account the test provider knows, by subject; change them between sign-ins. */
export type AccountClaims = Record<string, Record<string, unknown>>;

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: AccountClaims;
  /** Issue the next tokens with a clock this many seconds slow (an ID token already expired on arrival). */
  setClockSkew(seconds: number): void;
  /** Change one character of the next ID tokens' signatures (as a forger without the key would). */
  setTamperIdToken(on: boolean): void;
  /**
   * Plays the person at the provider: follows the authorisation URL through the (dev) login
   * form as `subject`, and returns the redirect back to the client (the callback URL).
   */
  signIn(authorizationUrl: string, subject: string): Promise<URL>;
  close(): Promise<void>;
}

/** A real, certified OpenID provider (`oidc-provider`) on a loopback port, for one test file. */
export async function startOidcProvider(redirectUri: string): Promise<OidcTestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts: AccountClaims = {};
  let clockSkewMs = 0;
  let tamperIdToken = false;
  const clientId = 'beacon-test';
  const clientSecret = 'beacon-test-client-secret-0123456789';
  const config: Configuration = {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'roles', 'npu', 'groups', 'office'] },
    // Claims in the ID token itself (as Entra ID sends roles and groups).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    findAccount: (_ctx, sub) => (accounts[sub] ? { accountId: sub, claims: () => ({ sub, ...accounts[sub] }) } : undefined),
    // No consent screen: the test's client is first-party.
    loadExistingGrant: async (ctx) => {
      const grant = new provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  // Only while the token endpoint runs (the client under test shares this process and waits for it).
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && tamperIdToken && typeof body?.id_token === 'string') {
      const [h, p, sig] = body.id_token.split('.');
      body.id_token = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    }
  });
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/token' || !clockSkewMs) return next();
    const realNow = Date.now;
    const skew = clockSkewMs;
    Date.now = () => realNow() - skew;
    try {
      await next();
    } finally {
      Date.now = realNow;
    }
  });
  const server: Server = provider.listen(port);

  async function signIn(authorizationUrl: string, subject: string): Promise<URL> {
    const jar = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(url, issuer), { redirect: 'manual', ...init, headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [kv] = c.split(';');
        const at = kv.indexOf('=');
        jar.set(kv.slice(0, at), kv.slice(at + 1));
      }
      return res;
    };
    let res = await go(authorizationUrl);
    for (let hops = 0; hops < 10; hops++) {
      if (res.status >= 300 && res.status < 400) {
        const location = new URL(res.headers.get('location')!, issuer);
        if (location.origin !== issuer) return location;
        res = await go(location.href);
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (res.status !== 200 || !action) throw new Error(`provider answered ${res.status}: ${html.slice(0, 300)}`);
      res = await go(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt: 'login', login: subject, password: 'any' }).toString() });
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    setTamperIdToken: (on) => {
      tamperIdToken = on;
    },
    setClockSkew: (s) => {
      clockSkewMs = s * 1000;
    },
    signIn,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
