import fc from 'fast-check';
import {
  VpsieAuthError,
  VpsieNotFoundError,
  VpsiePermanentError,
  VpsieRateLimitedError,
  VpsieTransientError,
  type TransientReason,
} from '../../../src/vpsie/errors';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetriedInClient,
  parseRetryAfterMs,
  retryDelayMs,
} from '../../../src/vpsie/retry';

const op = { operation: 'listVms' };
const transient = (reason: TransientReason) => new VpsieTransientError('x', { ...op, reason });
const noJitter = { ...DEFAULT_RETRY_POLICY, jitter: 0 };

describe('backoffDelayMs', () => {
  test('doubles from the base delay and stops at the cap', () => {
    expect([0, 1, 2, 3].map((i) => backoffDelayMs(i, noJitter))).toEqual([100, 200, 400, 800]);
    expect(backoffDelayMs(20, noJitter)).toBe(30_000);
  });

  test('partial jitter keeps every delay within [1 - jitter, 1] of the exponential value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const exponential = Math.min(30_000, 100 * 2 ** retry);
          const delay = backoffDelayMs(retry, DEFAULT_RETRY_POLICY, () => r);
          return delay <= exponential && delay >= exponential * 0.8 - 1e-9;
        },
      ),
    );
  });

  test('full jitter (1) may go down to zero', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, jitter: 1 };
    expect(backoffDelayMs(2, policy, () => 0.999)).toBeCloseTo(0.4, 5);
    expect(backoffDelayMs(2, policy, () => 0)).toBe(400);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  test('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2', now)).toBe(2000);
    expect(parseRetryAfterMs('0.5', now)).toBe(500);
    expect(parseRetryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfterMs(new Date(now - 3000).toUTCString(), now)).toBe(0);
  });
  test('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('which failures the client retries', () => {
  test('429, 5xx, transport errors and timeouts are retried', () => {
    expect(isRetriedInClient(new VpsieRateLimitedError('x', op))).toBe(true);
    for (const reason of ['http_5xx', 'transport', 'timeout'] as const) {
      expect(isRetriedInClient(transient(reason))).toBe(true);
    }
  });

  test('permanent, not-found, auth and fail-fast transient errors are not', () => {
    expect(isRetriedInClient(new VpsiePermanentError('x', { ...op, reason: 'quota' }))).toBe(false);
    expect(isRetriedInClient(new VpsieNotFoundError('x', op))).toBe(false);
    expect(isRetriedInClient(new VpsieAuthError('x', op))).toBe(false);
    for (const reason of [
      'circuit_open',
      'invalid_response',
      'response_too_large',
      'not_yet_visible',
    ] as const) {
      expect(isRetriedInClient(transient(reason))).toBe(false);
    }
  });
});

describe('retryDelayMs', () => {
  test('stops after maxRetries', () => {
    const error = transient('http_5xx');
    expect(retryDelayMs(error, 2, noJitter)).toBe(400);
    expect(retryDelayMs(error, 3, noJitter)).toBeUndefined();
  });

  test('waits at least as long as Retry-After asks', () => {
    const error = new VpsieRateLimitedError('x', { ...op, retryAfterMs: 2500 });
    expect(retryDelayMs(error, 0, noJitter)).toBe(2500);
    const short = new VpsieRateLimitedError('x', { ...op, retryAfterMs: 10 });
    expect(retryDelayMs(short, 0, noJitter)).toBe(100);
  });

  test('gives a Retry-After beyond the cap back to the caller instead of sleeping on it', () => {
    const error = new VpsieRateLimitedError('x', { ...op, retryAfterMs: 31_000 });
    expect(retryDelayMs(error, 0, noJitter)).toBeUndefined();
  });

  test('never retries a permanent error', () => {
    const error = new VpsiePermanentError('x', { ...op, reason: 'validation' });
    expect(retryDelayMs(error, 0, noJitter)).toBeUndefined();
  });
});
