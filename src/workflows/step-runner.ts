// Runs one workflow step (an activity call) with the retry loop in the workflow itself, so every
// attempt and its error are visible in history, counted in the status query, and passed to the
// activity (which records the retry metric). Non-retryable failures and cancellation stop at once.
import { ActivityFailure, ApplicationFailure, isCancellation, sleep } from '@temporalio/workflow';

export interface StepState {
  step: string;
  attempts: number;
  lastError?: string;
}

export interface StepPolicy {
  maxAttempts: number;
  /** First pause between attempts; doubles up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_STEP_POLICY: StepPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 2_000,
  maxBackoffMs: 60_000,
};

function rootCause(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

/** The error type an activity gave a permanent failure (e.g. `QuotaExceeded`), if any. */
export function failureType(err: unknown): string | undefined {
  const cause = rootCause(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function isNonRetryable(err: unknown): boolean {
  const cause = rootCause(err);
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

export function errorMessage(err: unknown): string {
  const cause = rootCause(err);
  return cause instanceof Error ? cause.message : String(cause);
}

export async function runStep<T>(
  state: StepState,
  step: string,
  call: (attempt: number) => Promise<T>,
  policy: StepPolicy = DEFAULT_STEP_POLICY,
): Promise<T> {
  state.step = step;
  state.attempts = 0;
  let backoff = policy.initialBackoffMs;
  for (;;) {
    state.attempts += 1;
    try {
      const result = await call(state.attempts);
      state.lastError = undefined;
      return result;
    } catch (err) {
      if (isCancellation(err)) throw err;
      state.lastError = errorMessage(err);
      if (isNonRetryable(err) || state.attempts >= policy.maxAttempts) throw err;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, policy.maxBackoffMs);
    }
  }
}
