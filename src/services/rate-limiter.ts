import { AppError, ErrorCode } from '../errors.js';

/**
 * Token buckets per key, in this process: `ratePerSecond` on average, up to `burst` at once.
 * Refusals are RATE_LIMITED with `retryAfterMs`. Idle buckets are forgotten.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly what: string,
  ) {}

  /** Takes one token for `key`, or throws RATE_LIMITED. */
  take(key: string, now = Date.now()): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: this.burst, at: now }));
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000);
      throw new AppError(ErrorCode.RATE_LIMITED, `too many ${this.what}: at most ${this.ratePerSecond} a second, bursts of ${this.burst}`, { retryAfterMs });
    }
    bucket.tokens -= 1;
    if (this.buckets.size > 50_000) this.forgetIdle(now);
  }

  private forgetIdle(now: number): void {
    const fullAfterMs = (this.burst / this.ratePerSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > fullAfterMs) this.buckets.delete(key);
  }
}
