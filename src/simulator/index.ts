// Starts the VPSie cloud simulator: an HTTP server on 127.0.0.1 speaking the API contract, over an
// in-memory account (state) with switchable faults. Booted VMs record what they received; given a
// cluster, they also join it (cluster-join/). Tests start one per suite; the CLI (main.ts) starts
// one for demos.

import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../logging/logger';
import {
  recordBootReceipts,
  startClusterJoin,
  type ClusterJoiner,
  type SimulatorClusterOptions,
} from './cluster-join';
import { FaultPlan } from './faults';
import { createSimulatorServer, type RecordedRequest } from './server';
import { SimulatorState, type SimulatorStateOptions } from './state';

export interface VpsieSimulatorOptions extends SimulatorStateOptions {
  /** 0 (default) picks a free port. The host is always 127.0.0.1. */
  port?: number;
  /** How often due lifecycle transitions are applied (default 20 ms). */
  tickMs?: number;
  /** When given, running VMs join this cluster as their user-data says (see cluster-join/). */
  cluster?: SimulatorClusterOptions;
  /** Default: silent. */
  logger?: Logger;
}

export interface VpsieSimulator {
  /** Base URL to give the client, e.g. http://127.0.0.1:40123 */
  url: string;
  state: SimulatorState;
  faults: FaultPlan;
  /** Every request received, in order, with the route matched and the status answered. */
  requests: RecordedRequest[];
  /** The cluster joining, when a cluster was given (`settled()` waits for work in flight). */
  cluster?: ClusterJoiner;
  close(): Promise<void>;
}

export const DEFAULT_SIMULATOR_TOKEN = 'vpsie-simulator-token';

export async function startVpsieSimulator(
  options: VpsieSimulatorOptions = {},
): Promise<VpsieSimulator> {
  const state = new SimulatorState({
    ...options,
    tokens: options.tokens ?? [DEFAULT_SIMULATOR_TOKEN],
  });
  const logger = options.logger ?? silentLogger;
  const faults = new FaultPlan();
  recordBootReceipts(state);
  // Connect before listening: a bad kubeconfig fails the start, not every later boot.
  const cluster = options.cluster
    ? startClusterJoin(state, options.cluster, logger.child({ component: 'vpsie-simulator' }))
    : undefined;
  const requests: RecordedRequest[] = [];
  const sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      sleeps.add(entry);
    });

  const server = createSimulatorServer({ state, faults, requests, sleep });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only, always: the simulator accepts a fixed token and must not be reachable.
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  const ticker = setInterval(() => state.advance(), options.tickMs ?? 20);
  ticker.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    requests,
    cluster,
    close: async () => {
      clearInterval(ticker);
      await cluster?.stop();
      for (const entry of sleeps) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      sleeps.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export { FaultPlan, DEFAULT_QUOTA_MESSAGE } from './faults';
export type { QuotaStyle, FaultScope } from './faults';
export { SimulatorState, SimulatorError } from './state';
export type { SimVm, VmPhase, SimulatorStateOptions } from './state';
export {
  NEVER_JOINS_REASON,
  KWOK_ANNOTATION,
  caCertHashes,
  interpretUserData,
} from './cluster-join';
export type {
  ClusterJoiner,
  SimulatorClusterOptions,
  VmJoinRecord,
  VmReceived,
  JoinPlan,
  UserDataReading,
} from './cluster-join';
export type { RecordedRequest } from './server';
export {
  defaultCatalogue,
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SIM_SSH_KEYS,
} from './catalogue';
export type { SimCatalogue, SimDatacenter, SimPlan, SimSshKey, SimOsImage } from './catalogue';
