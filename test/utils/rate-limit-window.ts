/**
 * Rate limits count in fixed windows aligned to the epoch (`floor(epoch / window)`), with the
 * previous window's hits carried over weighted and rounded down: a fixed sequence of requests
 * that straddles a window edge can get one more request through than the limit. A test that
 * expects the 429 at the n-th request calls this first: it returns at once when the current
 * window has at least `needMs` left, or else waits for the next window to begin.
 */
export async function awayFromWindowEdge(windowSeconds: number, needMs = 5000): Promise<void> {
  const windowMs = windowSeconds * 1000;
  if (needMs >= windowMs) throw new Error(`awayFromWindowEdge: ${needMs} ms do not fit in a ${windowSeconds} s window`);
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 100));
}
