// VpsieApiObserver (owned by the VPSie client) on top of the VPSie API metrics. Unlike the
// recorders, the observer never throws: it runs inside every API call, and a bad metric value
// (say a negative duration from a clock step) must not fail a VM creation. It logs instead.
import { silentLogger, type Logger } from '../logging/logger';
import type { VpsieApiObserver } from '../vpsie/observer';
import { MetricInputError } from './metric-input-error';
import type { Metrics } from './recorders';

type VpsieApiMetrics = Pick<
  Metrics,
  | 'recordVpsieApiRequest'
  | 'recordVpsieApiError'
  | 'recordVpsieApiRateLimited'
  | 'setVpsieApiCircuitState'
>;

export function createVpsieApiObserver(
  metrics: VpsieApiMetrics,
  logger: Logger = silentLogger,
): VpsieApiObserver {
  const guarded = (record: () => void) => {
    try {
      record();
    } catch (err) {
      const reason = err instanceof MetricInputError ? 'invalid input' : 'recording failed';
      logger.warn(`VPSie API metric dropped: ${reason}`, { error: err });
    }
  };
  return {
    request: (method, status, durationSeconds) =>
      guarded(() => metrics.recordVpsieApiRequest({ method, status, durationSeconds })),
    error: (method, errorType) => guarded(() => metrics.recordVpsieApiError({ method, errorType })),
    rateLimited: () => guarded(() => metrics.recordVpsieApiRateLimited()),
    circuitStateChanged: (state) => guarded(() => metrics.setVpsieApiCircuitState(state)),
  };
}
