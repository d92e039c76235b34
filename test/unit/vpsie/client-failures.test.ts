// How the client classifies, retries and limits failures, against the simulator's fault plan.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VpsieSimulator } from '../../../src/simulator';
import {
  VpsieNotFoundError,
  VpsiePermanentError,
  VpsieRateLimitedError,
  VpsieTransientError,
  type VpsieClient,
} from '../../../src/vpsie';
import {
  fastClient,
  manualClock,
  recordingClock,
  recordingObserver,
  rejectionOf,
  routeRequests,
  startSimulator,
  vmRequest,
} from './harness';

let sim: VpsieSimulator;

beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.close());

describe('quota', () => {
  test.each(['envelope', 'http400'] as const)(
    'a quota refusal (%s) is permanent and never retried',
    async (style) => {
      sim.faults.quotaOnCreate({ style });
      const observer = recordingObserver();
      const error = await rejectionOf(fastClient(sim, { observer }).createVm(vmRequest()));
      expect(error).toBeInstanceOf(VpsiePermanentError);
      expect(error).toMatchObject({
        type: 'permanent',
        reason: 'quota',
        retryable: false,
        operation: 'createVm',
        httpStatus: style === 'envelope' ? 200 : 400,
      });
      expect(error.message).toContain('exceeds the allowed limit');
      expect(routeRequests(sim, 'createVm')).toHaveLength(1);
      expect(sim.state.listVms()).toHaveLength(0);
      expect(observer.errors).toEqual([{ method: 'createVm', errorType: 'permanent' }]);
    },
  );
});

describe('rate limiting by the API', () => {
  test('429 is retried after the Retry-After the API asked for', async () => {
    sim.faults.rateLimit(2, 1, { only: 'listVms' });
    const clock = recordingClock();
    const observer = recordingObserver();
    const client = fastClient(sim, { clock, observer, retry: { baseDelayMs: 1, jitter: 0 } });
    await expect(client.listVms()).resolves.toEqual([]);
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(routeRequests(sim, 'listVms').map((r) => r.status)).toEqual([429, 429, 200]);
    expect(observer.rateLimitedCount).toBe(2);
  });

  test('a Retry-After beyond the backoff cap goes back to the caller', async () => {
    sim.faults.rateLimit(1, 120);
    const error = await rejectionOf(fastClient(sim, { retry: { maxDelayMs: 30_000 } }).listVms());
    expect(error).toBeInstanceOf(VpsieRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, retryable: true, httpStatus: 429 });
    expect(routeRequests(sim, 'listVms')).toHaveLength(1);
  });
});

describe('server errors', () => {
  test('a burst of 5xx is retried with exponential backoff, then succeeds', async () => {
    sim.faults.serverErrors(2, 502);
    const clock = recordingClock();
    const client = fastClient(sim, { clock, retry: { baseDelayMs: 10, multiplier: 2, jitter: 0 } });
    await expect(client.listDatacenters()).resolves.toHaveLength(2);
    expect(clock.sleeps).toEqual([10, 20]);
    expect(routeRequests(sim, 'listDatacenters').map((r) => r.status)).toEqual([502, 502, 200]);
  });

  test('when the retries run out the caller gets a transient error', async () => {
    sim.faults.serverErrors(100, 503);
    const observer = recordingObserver();
    const error = await rejectionOf(fastClient(sim, { observer }).listVms());
    expect(error).toBeInstanceOf(VpsieTransientError);
    expect(error).toMatchObject({ reason: 'http_5xx', httpStatus: 503, retryable: true });
    expect(routeRequests(sim, 'listVms')).toHaveLength(4);
    expect(observer.errors).toEqual([{ method: 'listVms', errorType: 'transient' }]);
  });

  test('a 5xx during create is retried without making a second VM', async () => {
    sim.faults.serverErrors(1, 500, { only: 'createVm' });
    await fastClient(sim).createVm(vmRequest({ hostname: 'pool-c-1' }));
    expect(sim.state.vmsByHostname('pool-c-1')).toHaveLength(1);
    expect(routeRequests(sim, 'createVm').map((r) => r.status)).toEqual([500, 200]);
  });
});

describe('client errors are not retried', () => {
  test('404 → VpsieNotFoundError after one request', async () => {
    const error = await rejectionOf(fastClient(sim).getVm('3f0e0000-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(VpsieNotFoundError);
    expect(error).toMatchObject({ type: 'not_found', httpStatus: 404, retryable: false });
    expect(routeRequests(sim, 'getVm')).toHaveLength(1);
  });

  test('400 → permanent validation error naming the field, after one request', async () => {
    const error = await rejectionOf(fastClient(sim).createVm(vmRequest({ hostname: 'bad_name!' })));
    expect(error).toMatchObject({ type: 'permanent', reason: 'validation', httpStatus: 400 });
    expect(error.message).toContain('"hostname"');
    expect(routeRequests(sim, 'createVm')).toHaveLength(1);
  });
});

describe('timeouts, size cap, transport', () => {
  test('a request slower than the timeout fails as a transient timeout', async () => {
    sim.faults.addLatency(3000, 1);
    const observer = recordingObserver();
    const client = fastClient(sim, { observer, timeoutMs: 250, retry: { maxRetries: 0 } });
    const error = await rejectionOf(client.listVms());
    expect(error).toMatchObject({ type: 'transient', reason: 'timeout' });
    expect(error.message).toContain('250 ms');
    expect(observer.requests.map((r) => r.status)).toEqual(['timeout']);
  });

  test('a timed-out request is retried', async () => {
    sim.faults.addLatency(3000, 1);
    await expect(fastClient(sim, { timeoutMs: 250 }).listVms()).resolves.toEqual([]);
    expect(routeRequests(sim, 'listVms')).toHaveLength(2);
  });

  test('a response over the size cap is refused and not retried', async () => {
    sim.faults.oversizeResponses(5, 50_000, { only: 'listSshKeys' });
    const observer = recordingObserver();
    const client = fastClient(sim, { observer, maxResponseBytes: 10_000 });
    const error = await rejectionOf(client.listSshKeys());
    expect(error).toMatchObject({ type: 'transient', reason: 'response_too_large' });
    expect(routeRequests(sim, 'listSshKeys')).toHaveLength(1);
    expect(observer.requests.map((r) => r.status)).toEqual(['transport_error']);
    await expect(client.listDatacenters()).resolves.toHaveLength(2);
  });

  test('a refused connection is a transient transport error, retried', async () => {
    await sim.close();
    const observer = recordingObserver();
    const closed = fastClient(sim, { observer });
    const error = await rejectionOf(closed.listVms());
    expect(error).toMatchObject({ type: 'transient', reason: 'transport' });
    expect(error.message).toContain('ECONNREFUSED');
    expect(observer.requests.map((r) => r.status)).toEqual(Array(4).fill('transport_error'));
    sim = await startSimulator(); // for afterEach
  });

  test('a 200 that is not an envelope is an invalid response, not retried', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await rejectionOf(fastClient({ ...sim, url }).listVms());
      expect(error).toMatchObject({ type: 'transient', reason: 'invalid_response' });
      expect(error.message).toContain('<html>maintenance</html>');
      expect(hits).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a data shape the schemas do not know is an invalid response', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200).end(JSON.stringify({ error: false, data: [{ hostname: 'x' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await rejectionOf(fastClient({ ...sim, url }).listVms());
      expect(error).toMatchObject({ reason: 'invalid_response' });
      expect(error.message).toMatch(/at 0\.(id|identifier)/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('circuit breaker', () => {
  function breakerClient(observer = recordingObserver()) {
    const clock = manualClock();
    const client: VpsieClient = fastClient(sim, {
      clock,
      observer,
      retry: { maxRetries: 0 },
      circuitBreaker: { failureThreshold: 3, openMs: 1000 },
    });
    return { client, clock, observer };
  }

  test('opens after consecutive 5xx, fails fast, then half-opens and closes on a good probe', async () => {
    const { client, clock, observer } = breakerClient();
    sim.faults.serverErrors(3, 503);
    for (let i = 0; i < 3; i += 1) await expect(client.listVms()).rejects.toThrow(/503/);
    const fast = await rejectionOf(client.listVms());
    expect(fast).toMatchObject({ type: 'transient', reason: 'circuit_open' });
    expect(routeRequests(sim, 'listVms')).toHaveLength(3);

    clock.advance(1000);
    await expect(client.listVms()).resolves.toEqual([]);
    expect(observer.states).toEqual(['closed', 'open', 'half_open', 'closed']);
    expect(routeRequests(sim, 'listVms')).toHaveLength(4);
  });

  test('a failed probe opens it again', async () => {
    const { client, clock, observer } = breakerClient();
    sim.faults.serverErrors(4, 500);
    for (let i = 0; i < 3; i += 1) await rejectionOf(client.listVms());
    clock.advance(1000);
    await expect(client.listVms()).rejects.toThrow(/500/);
    await expect(client.listVms()).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(observer.states).toEqual(['closed', 'open', 'half_open', 'open']);
  });

  test('answers that prove the API is up (404s) never open it', async () => {
    const { client, observer } = breakerClient();
    for (let i = 0; i < 5; i += 1) {
      await rejectionOf(client.getVm('3f0e0000-0000-4000-8000-000000000000'));
    }
    expect(observer.states).toEqual(['closed']);
  });
});

describe('client-side rate limiter', () => {
  test('paces requests beyond the burst and reports the wait', async () => {
    const clock = manualClock();
    const observer = recordingObserver();
    const client = fastClient(sim, {
      clock,
      observer,
      rateLimit: { requestsPerMinute: 60, burst: 2 },
    });
    for (let i = 0; i < 4; i += 1) await client.listDatacenters();
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(observer.rateLimitedCount).toBe(2);
    expect(routeRequests(sim, 'listDatacenters')).toHaveLength(4);
  });
});
