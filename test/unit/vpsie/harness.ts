// Shared helpers for the client tests: a simulator per test, a client tuned to be fast (tiny
// backoff, no jitter), an observer and a logger that record everything, and clocks whose sleeps
// are recorded instead of waited for.

import { createLogger, type Logger } from '../../../src/logging/logger';
import {
  DEFAULT_SIMULATOR_TOKEN,
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  startVpsieSimulator,
  type VpsieSimulator,
  type VpsieSimulatorOptions,
} from '../../../src/simulator';
import type { Clock } from '../../../src/vpsie/clock';
import { VpsieClient, type VpsieClientOptions } from '../../../src/vpsie/client';
import type { CircuitState, VpsieApiObserver, VpsieErrorType } from '../../../src/vpsie/observer';
import type { CreateVmRequest } from '../../../src/vpsie/types';

export interface RecordingObserver extends VpsieApiObserver {
  requests: Array<{ method: string; status: string; durationSeconds: number }>;
  errors: Array<{ method: string; errorType: VpsieErrorType }>;
  rateLimitedCount: number;
  states: CircuitState[];
}

export function recordingObserver(): RecordingObserver {
  const observer: RecordingObserver = {
    requests: [],
    errors: [],
    rateLimitedCount: 0,
    states: [],
    request: (method, status, durationSeconds) =>
      observer.requests.push({ method, status, durationSeconds }),
    error: (method, errorType) => observer.errors.push({ method, errorType }),
    rateLimited: () => {
      observer.rateLimitedCount += 1;
    },
    circuitStateChanged: (state) => observer.states.push(state),
  };
  return observer;
}

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }), lines };
}

/** Real time for `now`, but sleeps return at once and are recorded. */
export function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) };
}

/** A clock that moves only when told to (sleeps move it forward). */
export function manualClock(start = Date.UTC(2025, 0, 1)): Clock & {
  advance(ms: number): void;
  sleeps: number[];
} {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export async function startSimulator(options: VpsieSimulatorOptions = {}) {
  return startVpsieSimulator({ provisioningDelayMs: 50, tickMs: 5, ...options });
}

export function fastClient(
  sim: VpsieSimulator,
  options: Partial<VpsieClientOptions> = {},
): VpsieClient {
  return new VpsieClient({
    baseUrl: sim.url,
    credentials: { kind: 'token', token: DEFAULT_SIMULATOR_TOKEN },
    retry: { baseDelayMs: 1, maxDelayMs: 20, jitter: 0 },
    findAfterCreate: { attempts: 3, delayMs: 5 },
    timeoutMs: 2000,
    rateLimit: { requestsPerMinute: 60_000, burst: 1000 },
    ...options,
  });
}

export function vmRequest(overrides: Partial<CreateVmRequest> = {}): CreateVmRequest {
  return {
    hostname: 'pool-a-7f3k2',
    offeringId: SIM_PLANS.small,
    osIdentifier: SIM_OS_IMAGES.ubuntu2204,
    datacenterId: SIM_DATACENTERS.newYork,
    projectId: '42',
    sshKeyIds: [],
    ...overrides,
  };
}

/** The requests the simulator saw for one route. */
export function routeRequests(sim: VpsieSimulator, route: string) {
  return sim.requests.filter((r) => r.route === route);
}

/** Resolves with the rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
