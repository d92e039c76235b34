// Stops calling an API that is down: after N consecutive transport/5xx failures the circuit opens
// and calls fail fast; after the open period one probe request is let through (half-open), and its
// outcome closes the circuit or opens it again. Any answer that proves the API is alive (2xx, a
// 4xx, a 429) counts as a success.

import type { CircuitState } from './observer';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export const DEFAULT_CIRCUIT_BREAKER = { failureThreshold: 5, openMs: 30_000 };

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAtMs = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when not open). */
  remainingOpenMs(): number {
    if (this.current !== 'open') return 0;
    return Math.max(0, this.openedAtMs + this.options.openMs - this.options.now());
  }

  /**
   * Asks to send one request. False means fail fast. A true answer must be followed by exactly
   * one of recordSuccess, recordFailure or release.
   */
  tryAcquire(): boolean {
    if (this.current === 'open' && this.remainingOpenMs() === 0) this.transition('half_open');
    if (this.current === 'closed') return true;
    if (this.current === 'half_open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  recordSuccess() {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure() {
    this.probeInFlight = false;
    this.consecutiveFailures += 1;
    if (
      this.current === 'half_open' ||
      (this.current === 'closed' && this.consecutiveFailures >= this.options.failureThreshold)
    ) {
      this.openedAtMs = this.options.now();
      this.transition('open');
    }
  }

  /** The permitted request ended without telling us anything about the API's health. */
  release() {
    this.probeInFlight = false;
  }

  private transition(state: CircuitState) {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
