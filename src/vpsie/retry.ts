// When and how long the client waits before trying a failed request again: exponential backoff
// with jitter, Retry-After honoured, and only for failures that another attempt can fix (429,
// 5xx, transport errors and timeouts). Pure functions; the loop lives in executor.ts.

import { VpsieError, VpsieRateLimitedError, VpsieTransientError } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /**
   * Share of each delay that is random: 0 = none, 0.2 = the delay lands in [80 %, 100 %] of the
   * exponential value (partial jitter), 1 = anywhere in [0, 100 %] (full jitter). Jitter spreads
   * the retries of many workers that failed together.
   */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
};

/** Delay before retry number `retryIndex` (0 for the first retry). `random` returns [0, 1). */
export function backoffDelayMs(
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * policy.multiplier ** retryIndex,
  );
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return exponential * (1 - jitter * random());
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `nowMs`; undefined if unusable. */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Failures this client retries itself; everything else goes straight back to the caller. */
export function isRetriedInClient(error: VpsieError): boolean {
  if (error instanceof VpsieRateLimitedError) return true;
  return (
    error instanceof VpsieTransientError &&
    (error.reason === 'http_5xx' || error.reason === 'transport' || error.reason === 'timeout')
  );
}

/**
 * How long to wait before retry `retryIndex`, or undefined when the client should give up now.
 * A Retry-After longer than the policy's cap is not slept through inside one call: the
 * VpsieRateLimitedError (with retryAfterMs) goes to the caller, whose scheduler can wait cheaply.
 */
export function retryDelayMs(
  error: VpsieError,
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (retryIndex >= policy.maxRetries || !isRetriedInClient(error)) return undefined;
  const backoff = backoffDelayMs(retryIndex, policy, random);
  if (error instanceof VpsieRateLimitedError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxDelayMs) return undefined;
    return Math.max(backoff, error.retryAfterMs);
  }
  return backoff;
}
