/**
 * A channel's optional send cap (EMAIL_RATE_PER_SECOND / SMS_RATE_PER_SECOND): a token bucket per
 * process, at most `perSecond` acquisitions per second (0 = no limit). Not core's RateLimiter,
 * which counts requests in PostgreSQL.
 */
export class SendRateLimiter {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }
  async acquire(): Promise<void> {
    if (!this.perSecond) return;
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
