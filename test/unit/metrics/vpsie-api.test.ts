import { createLogger } from '../../../src/logging/logger';
import { createVpsieApiObserver } from '../../../src/metrics/vpsie-api-observer';
import type { VpsieApiObserver } from '../../../src/vpsie/observer';
import { freshMetrics, histogramOf, valueOf } from './support';

const STATE = 'vpsie_autoscaler_vpsie_api_circuit_breaker_state';
const OPENED = 'vpsie_autoscaler_vpsie_api_circuit_breaker_opened_total';

function observed() {
  const { registry, metrics } = freshMetrics();
  const warnings: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => warnings.push(JSON.parse(line)) });
  const observer: VpsieApiObserver = createVpsieApiObserver(metrics, logger);
  const states = async () => ({
    closed: await valueOf(registry, STATE, { state: 'closed' }),
    open: await valueOf(registry, STATE, { state: 'open' }),
    half_open: await valueOf(registry, STATE, { state: 'half_open' }),
  });
  return { registry, observer, warnings, states };
}

test('request() counts by method and status and observes the duration by method', async () => {
  const { registry, observer } = observed();
  observer.request('GET /vm', '200', 0.3);
  observer.request('GET /vm', '200', 0.1);
  observer.request('GET /vm', 'timeout', 30);
  observer.request('POST /vm', '503', 2);
  const requests = 'vpsie_autoscaler_vpsie_api_requests_total';
  // Free-form method names are sanitised like any name.
  expect(await valueOf(registry, requests, { method: 'GET__vm', status: '200' })).toBe(2);
  expect(await valueOf(registry, requests, { method: 'GET__vm', status: 'timeout' })).toBe(1);
  expect(await valueOf(registry, requests, { method: 'POST__vm', status: '503' })).toBe(1);
  const duration = await histogramOf(
    registry,
    'vpsie_autoscaler_vpsie_api_request_duration_seconds',
    {
      method: 'GET__vm',
    },
  );
  expect(duration.count).toBe(3);
  expect(duration.sum).toBeCloseTo(30.4);
  expect(duration.buckets).toMatchObject({ '0.1': 1, '0.5': 2, '10': 2, '30': 3 });
});

test('error() and rateLimited() count', async () => {
  const { registry, observer } = observed();
  observer.error('createVm', 'rate_limited');
  observer.error('createVm', 'transient');
  observer.rateLimited();
  observer.rateLimited();
  const errors = 'vpsie_autoscaler_vpsie_api_errors_total';
  expect(await valueOf(registry, errors, { method: 'createVm', error_type: 'rate_limited' })).toBe(
    1,
  );
  expect(await valueOf(registry, errors, { method: 'createVm', error_type: 'transient' })).toBe(1);
  expect(await valueOf(registry, 'vpsie_autoscaler_vpsie_api_rate_limited_total')).toBe(2);
});

test('the breaker state gauge starts closed and shows exactly the current state', async () => {
  const { observer, states } = observed();
  expect(await states()).toEqual({ closed: 1, open: 0, half_open: 0 });
  observer.circuitStateChanged('open');
  expect(await states()).toEqual({ closed: 0, open: 1, half_open: 0 });
  observer.circuitStateChanged('half_open');
  expect(await states()).toEqual({ closed: 0, open: 0, half_open: 1 });
  observer.circuitStateChanged('closed');
  expect(await states()).toEqual({ closed: 1, open: 0, half_open: 0 });
});

test('openings are counted on entering open only, including reopening from half-open', async () => {
  const { registry, observer } = observed();
  expect(await valueOf(registry, OPENED)).toBe(0);
  observer.circuitStateChanged('open');
  observer.circuitStateChanged('open');
  expect(await valueOf(registry, OPENED)).toBe(1);
  observer.circuitStateChanged('half_open');
  observer.circuitStateChanged('open');
  expect(await valueOf(registry, OPENED)).toBe(2);
});

test('invalid input never throws into the VPSie client: it is dropped and logged', async () => {
  const { registry, observer, warnings } = observed();
  const before = await registry.metrics();
  expect(() => observer.request('GET', '200', -1)).not.toThrow();
  expect(() => observer.request('GET', 'teapot', 1)).not.toThrow();
  expect(() => observer.error('GET', 'exploded' as never)).not.toThrow();
  expect(() => observer.circuitStateChanged('ajar' as never)).not.toThrow();
  expect(await registry.metrics()).toBe(before);
  expect(warnings).toHaveLength(4);
  expect(warnings[0]).toMatchObject({
    level: 'warn',
    msg: 'VPSie API metric dropped: invalid input',
  });
  expect(JSON.stringify(warnings[0])).toContain('durationSeconds=-1');
  expect(JSON.stringify(warnings[1])).toContain('status=\\"teapot\\"');
});

test('a failure inside recording is also contained and logged', () => {
  const lines: string[] = [];
  const broken = () => {
    throw new Error('registry gone');
  };
  const observer = createVpsieApiObserver(
    {
      recordVpsieApiRequest: broken,
      recordVpsieApiError: broken,
      recordVpsieApiRateLimited: broken,
      setVpsieApiCircuitState: broken,
    },
    createLogger({ write: (l) => lines.push(l) }),
  );
  expect(() => observer.rateLimited()).not.toThrow();
  expect(JSON.parse(lines[0]!)).toMatchObject({
    msg: 'VPSie API metric dropped: recording failed',
  });
});
