// What the VPSie client reports about every request. The client knows nothing of prom-client:
// src/metrics implements this interface, tests can implement it with plain arrays.

export type VpsieErrorType = 'not_found' | 'permanent' | 'rate_limited' | 'auth' | 'transient';
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface VpsieApiObserver {
  /** One finished HTTP exchange: `status` is the HTTP code, or `transport_error`/`timeout`. */
  request(method: string, status: string, durationSeconds: number): void;
  /** One failed operation, classified. */
  error(method: string, errorType: VpsieErrorType): void;
  /** The API answered 429, or our own limiter made a request wait. */
  rateLimited(): void;
  circuitStateChanged(state: CircuitState): void;
}

export const noopObserver: VpsieApiObserver = {
  request: () => undefined,
  error: () => undefined,
  rateLimited: () => undefined,
  circuitStateChanged: () => undefined,
};
