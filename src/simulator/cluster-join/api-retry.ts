// Bounded retries for the simulated VM's API calls. A kubelet retries registration forever; the
// simulator gives up after a few attempts so a broken cluster shows up as a recorded failure
// instead of a hang. Only failures that can pass are retried: no answer at all, 429, 5xx.

import { statusCode } from './cluster-api';

export interface RetryPolicy {
  /** Tries in all, the first included (default 5). */
  attempts: number;
  /** First wait; doubles each time up to maxDelayMs (defaults 100 ms / 2 s). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 2000,
};

export function isTransientApiError(error: unknown): boolean {
  const code = statusCode(error);
  return code === undefined || code === 429 || code >= 500;
}

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  /** Checked before each wait: a stopping simulator does not keep retrying. */
  stopped: () => boolean = () => false,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransientApiError(error) || stopped()) throw error;
      await sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
