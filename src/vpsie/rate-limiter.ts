// Client-side token bucket, so a burst of node operations cannot push the account over the API's
// rate limit (100 requests a minute by default). Waiters are served in arrival order.

import type { Clock } from './clock';

export interface RateLimiterOptions {
  requestsPerMinute: number;
  /** Requests allowed back to back before the steady rate applies. */
  burst: number;
  clock: Clock;
}

export const DEFAULT_RATE_LIMIT = { requestsPerMinute: 100, burst: 10 };

export class TokenBucketRateLimiter {
  private tokens: number;
  private lastRefillMs: number;
  private readonly tokensPerMs: number;
  // Each acquire chains on the previous one: first come, first served, no thundering herd.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.requestsPerMinute > 0) || !(options.burst >= 1)) {
      throw new Error('rate limit needs requestsPerMinute > 0 and burst >= 1');
    }
    this.tokens = options.burst;
    this.lastRefillMs = options.clock.now();
    this.tokensPerMs = options.requestsPerMinute / 60_000;
  }

  /** Resolves when a request may go out, with how long it had to wait (ms). */
  acquire(): Promise<number> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<number> {
    let waitedMs = 0;
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return waitedMs;
      }
      const waitMs = Math.max(1, Math.ceil((1 - this.tokens) / this.tokensPerMs));
      await this.options.clock.sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  private refill() {
    const now = this.options.clock.now();
    const elapsed = Math.max(0, now - this.lastRefillMs);
    this.tokens = Math.min(this.options.burst, this.tokens + elapsed * this.tokensPerMs);
    this.lastRefillMs = now;
  }
}
