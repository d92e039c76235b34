// Recorders for the VPSie API client: requests, classified errors, rate limiting, and the
// circuit breaker. The VPSie client reaches them through VpsieApiObserver (vpsie-api-observer.ts).
import type { CircuitState, VpsieErrorType } from '../vpsie/observer';
import type { MetricInstruments } from './definitions';
import { CIRCUIT_STATES, VPSIE_API_ERROR_TYPES, VPSIE_API_NON_HTTP_STATUSES } from './label-values';
import { durationSeconds, labelValue, MetricInputError, oneOf } from './metric-input-error';

const HTTP_STATUS = /^[1-5][0-9][0-9]$/;

function requestStatus(value: unknown): string {
  if (typeof value === 'string' && HTTP_STATUS.test(value)) return value;
  const nonHttp: readonly string[] = VPSIE_API_NON_HTTP_STATUSES;
  if (typeof value === 'string' && nonHttp.includes(value)) return value;
  throw new MetricInputError('status', value, `an HTTP code 100-599, ${nonHttp.join(', ')}`);
}

export function vpsieApiRecorders(m: MetricInstruments) {
  // The client's breaker starts closed; publishing that up front means the state gauge is
  // never empty and the first transition to open is counted.
  let circuitState: CircuitState = 'closed';
  const publishCircuitState = () => {
    for (const state of CIRCUIT_STATES) {
      m.vpsieApiCircuitBreakerState.set({ state }, state === circuitState ? 1 : 0);
    }
  };
  publishCircuitState();

  return {
    /** One finished HTTP exchange; `status` is the HTTP code, `transport_error` or `timeout`. */
    recordVpsieApiRequest(input: {
      method: string;
      status: string;
      durationSeconds: number;
    }): void {
      const method = labelValue('method', input.method);
      const status = requestStatus(input.status);
      const seconds = durationSeconds('durationSeconds', input.durationSeconds);
      m.vpsieApiRequests.inc({ method, status });
      m.vpsieApiRequestDuration.observe({ method }, seconds);
    },

    recordVpsieApiError(input: { method: string; errorType: VpsieErrorType }): void {
      const method = labelValue('method', input.method);
      const errorType = oneOf('errorType', VPSIE_API_ERROR_TYPES, input.errorType);
      m.vpsieApiErrors.inc({ method, error_type: errorType });
    },

    recordVpsieApiRateLimited(): void {
      m.vpsieApiRateLimited.inc();
    },

    /** Counts an opening only on a real change to open, so a repeated report is harmless. */
    setVpsieApiCircuitState(state: CircuitState): void {
      const next = oneOf('state', CIRCUIT_STATES, state);
      if (next === 'open' && circuitState !== 'open') m.vpsieApiCircuitBreakerOpened.inc();
      circuitState = next;
      publishCircuitState();
    },
  };
}
