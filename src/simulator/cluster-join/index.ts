// The simulator's stand-in for what happens inside a VM once it boots: cloud-init installs keys
// (always recorded on the VM), and, when the simulator is given a cluster, kubeadm + the kubelet
// join it (joiner.ts).

import type { Logger } from '../../logging/logger';
import type { SimulatorState } from '../state';
import type { RetryPolicy } from './api-retry';
import { interpretUserData } from './cloud-config';
import { connectToCluster } from './cluster-api';
import { ClusterJoiner } from './joiner';
import { receivedAtBoot } from './records';

export interface SimulatorClusterOptions {
  /** Kubeconfig of the cluster VMs join; its identity creates Nodes and reads kube-system Secrets. */
  kubeconfigPath: string;
  /** The cluster CA, when the kubeconfig does not carry it (CA pins are checked against it). */
  caFile?: string;
  /** Other host:port names VMs may give for the same API server (default: the kubeconfig's). */
  apiServerEndpoints?: string[];
  /** Time from boot to Node registration (default 0). */
  joinDelayMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** Records on every VM, as it boots, the SSH keys it received. Returns the unsubscribe. */
export function recordBootReceipts(state: SimulatorState): () => void {
  return state.onVmRunning((vm) => {
    vm.received = receivedAtBoot(vm, interpretUserData(vm.userData), state.sshKeys());
  });
}

/** Connects to the cluster (throws on an unusable kubeconfig) and starts joining VMs to it. */
export function startClusterJoin(
  state: SimulatorState,
  options: SimulatorClusterOptions,
  logger: Logger,
): ClusterJoiner {
  const connection = connectToCluster(options);
  logger.info('simulated VMs will join the cluster', { endpoint: connection.endpoint });
  return new ClusterJoiner(state, {
    api: connection.api,
    endpoint: connection.endpoint,
    extraEndpoints: options.apiServerEndpoints,
    caPem: connection.caPem,
    logger,
    joinDelayMs: options.joinDelayMs,
    retry: options.retry,
  }).start();
}

export { ClusterJoiner, NEVER_JOINS_REASON } from './joiner';
export type { ClusterJoinerOptions } from './joiner';
export type { ClusterApi } from './cluster-api';
export { interpretUserData } from './cloud-config';
export { caCertHashes } from './bootstrap-checks';
export type { VmJoinRecord, VmReceived } from './records';
export type { JoinPlan, JoinReading, UserDataReading, NodeTaint, AuthorizedKey } from './join-plan';
export { KWOK_ANNOTATION } from './node-object';
