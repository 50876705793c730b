import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may scrape: 'closed' when no METRICS_TOKEN is configured (the route does not exist),
 * 'ok' for `Bearer <token>`, else 'denied'. Digests are compared in constant time, so neither
 * the token's length nor its content leaks through timing.
 */
export function metricsAccess(expected: string | undefined, authorization: string | undefined): 'closed' | 'ok' | 'denied' {
  if (!expected) return 'closed';
  const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(expected)) ? 'ok' : 'denied';
}
