// Plays the VMs' kubeadm + kubelet against a real API server. When a VM turns running (and is
// not marked neverJoins) it reads the VM's user-data, checks the join as kubeadm would
// (endpoint, bootstrap tokens, CA pin), then registers the Node: kwok keeps it Ready from there.
// When a joined VM is deleted, its Node stops getting heartbeats, as after a power-off.
//
// On delete the Node is NOT removed. A cloud without a cloud-controller-manager (VPSie has none)
// never deletes Node objects: the node lifecycle controller only marks a silent Node's
// conditions Unknown and taints it unreachable, and the Node stays until someone deletes it.
// The autoscaler must do that itself, and the simulator must not hide it if it does not. We
// write the Unknown conditions straight away instead of waiting out the controller's grace
// period, so tests see the outcome without a 40-second wait.
//
// Each VM's work runs in order (a delete waits for the join in flight); every outcome is
// recorded on the VM (`vm.join`) and logged.

import type { Logger } from '../../logging/logger';
import type { SimulatorState, SimVm } from '../state';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './api-retry';
import { bootstrapTokenProblem, bootstrapTokenSecretName, caPinProblem } from './bootstrap-checks';
import { interpretUserData } from './cloud-config';
import { apiErrorMessage, type ClusterApi } from './cluster-api';
import type { JoinPlan } from './join-plan';
import {
  readyStatus,
  registeredNode,
  kubeletStatus,
  reRegistrationPatch,
  silentKubeletConditions,
  stopHeartbeatPatch,
} from './node-object';

export interface ClusterJoinerOptions {
  api: ClusterApi;
  /** host:port of the API server (from the kubeconfig). */
  endpoint: string;
  /** Other host:port names VMs may use for the same API server (a load balancer, a DNS name). */
  extraEndpoints?: string[];
  caPem: string;
  logger: Logger;
  /** How long a booted VM takes to register (kubeadm + kubelet start-up); default 0. */
  joinDelayMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How often, after a heartbeat stops, the Unknown status is checked against a late kwok write. */
  heartbeatSettle?: { checks: number; intervalMs: number };
}

export const NEVER_JOINS_REASON =
  'fault injected (vmsNeverJoin): the VM boots but its kubelet never registers';

class JoinFailure extends Error {}

export class ClusterJoiner {
  private readonly queues = new Map<string, Promise<void>>();
  /** Which VM's kubelet a joined Node belongs to, so only its owner stops its heartbeat. */
  private readonly owners = new Map<string, string>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly retry: RetryPolicy;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(
    private readonly state: SimulatorState,
    private readonly options: ClusterJoinerOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  start(): this {
    this.unsubscribe.push(
      this.state.onVmRunning((vm) => {
        // Visible from the moment of boot, so no one reads "no record" as "will not join".
        vm.join = { state: 'joining', since: this.state.now() };
        this.enqueue(vm, () => this.join(vm));
      }),
      this.state.onVmDeleted((vm) => this.enqueue(vm, () => this.leave(vm))),
    );
    return this;
  }

  /** Resolves once no join or heartbeat stop is in flight. */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Stops listening, cuts waits short and waits for work in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    await this.settled();
  }

  private enqueue(vm: SimVm, work: () => Promise<void>) {
    const previous = this.queues.get(vm.identifier) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.options.logger.error('cluster-join work failed', { vm: vm.hostname, error });
    });
    this.queues.set(vm.identifier, next);
    void next.then(() => {
      if (this.queues.get(vm.identifier) === next) this.queues.delete(vm.identifier);
    });
  }

  // --- join --------------------------------------------------------------------------------

  private async join(vm: SimVm) {
    if (vm.neverJoins) return this.notAttempted(vm, NEVER_JOINS_REASON);
    const reading = interpretUserData(vm.userData);
    if (reading.join.kind === 'none') return this.notAttempted(vm, reading.join.reason);
    if (reading.join.kind === 'invalid') return this.failed(vm, reading.join.reason);
    const plan = reading.join.plan;
    if (this.options.joinDelayMs) await this.sleep(this.options.joinDelayMs);
    // kubelet lowercases the hostname it registers under; kubeadm defaults to that hostname.
    const nodeName = plan.nodeName ?? (reading.hostname ?? vm.hostname).toLowerCase();
    try {
      this.checkEndpoint(plan);
      await this.checkDiscovery(plan);
      await this.checkTlsBootstrap(plan);
      if (vm.deletedAt !== undefined || this.stopped) {
        throw new JoinFailure('the VM was deleted before its kubelet registered');
      }
      const adopted = await this.register(vm, nodeName, plan);
      this.owners.set(nodeName, vm.identifier);
      vm.join = { state: 'joined', nodeName, at: this.state.now(), adopted };
      this.options.logger.info('simulated VM joined the cluster', {
        vm: vm.hostname,
        node: nodeName,
        adopted,
      });
    } catch (error) {
      const reason =
        error instanceof JoinFailure ? error.message : `API error: ${apiErrorMessage(error)}`;
      this.failed(vm, reason);
    }
  }

  private checkEndpoint(plan: JoinPlan) {
    const wanted = plan.discovery.apiServerEndpoint.toLowerCase();
    const known = [this.options.endpoint, ...(this.options.extraEndpoints ?? [])];
    if (!known.some((endpoint) => endpoint.toLowerCase() === wanted)) {
      throw new JoinFailure(
        `kubeadm cannot reach an API server at ${plan.discovery.apiServerEndpoint} ` +
          `(the cluster is at ${known.join(', ')})`,
      );
    }
  }

  private async checkDiscovery(plan: JoinPlan) {
    const { token, caCertHashes, unsafeSkipCAVerification } = plan.discovery;
    await this.checkToken(token, 'signing', 'discovery');
    if (unsafeSkipCAVerification) return;
    const problem = caPinProblem(caCertHashes, this.options.caPem);
    if (problem) throw new JoinFailure(`discovery failed: ${problem}`);
  }

  private async checkTlsBootstrap(plan: JoinPlan) {
    await this.checkToken(plan.tlsBootstrapToken, 'authentication', 'TLS bootstrap');
  }

  private async checkToken(token: string, usage: 'signing' | 'authentication', step: string) {
    const secret = await this.call(() =>
      this.options.api.readBootstrapTokenSecret(bootstrapTokenSecretName(token)),
    );
    const problem = bootstrapTokenProblem(token, secret, usage, new Date());
    if (problem) throw new JoinFailure(`${step} failed: ${problem}`);
  }

  /** Creates the Node, or takes over an existing one as a re-registering kubelet would. */
  private async register(vm: SimVm, nodeName: string, plan: JoinPlan): Promise<boolean> {
    const { api } = this.options;
    // kubeadm refuses to join under the name of a Node that is Ready: another machine has it.
    const existing = await this.call(() => api.readNode(nodeName));
    if (readyStatus(existing) === 'True') {
      throw new JoinFailure(
        `a Node with name "${nodeName}" and status "Ready" already exists in the cluster`,
      );
    }
    const outcome = await this.call(() => api.createNode(registeredNode(vm, nodeName, plan)));
    if (outcome === 'created') return false;
    // Like the kubelet: refresh its own status and labels; taints and --node-labels apply only
    // when a Node is created. Status first: kwok, once it sees the annotation again, builds its
    // status writes from the Node as it then is, and must not find the old machine's capacity.
    await this.call(() => api.patchNodeStatus(nodeName, kubeletStatus(vm, nodeName)));
    await this.call(() => api.patchNode(nodeName, reRegistrationPatch(vm, nodeName)));
    return true;
  }

  // --- leave -------------------------------------------------------------------------------

  private async leave(vm: SimVm) {
    const join = vm.join;
    if (join?.state !== 'joined' || this.owners.get(join.nodeName) !== vm.identifier) return;
    this.owners.delete(join.nodeName);
    try {
      await this.stopHeartbeat(join.nodeName);
      join.heartbeatStoppedAt = this.state.now();
      this.options.logger.info('simulated VM deleted: its Node stopped getting heartbeats', {
        vm: vm.hostname,
        node: join.nodeName,
      });
    } catch (error) {
      this.options.logger.warn('could not stop the heartbeat of a deleted VM', {
        vm: vm.hostname,
        node: join.nodeName,
        error: apiErrorMessage(error),
      });
    }
  }

  private async stopHeartbeat(nodeName: string) {
    const { api } = this.options;
    await this.call(() => api.patchNode(nodeName, { ...stopHeartbeatPatch }));
    // kwok may still have a status write in flight when it lets go of the Node; look again a
    // few times and write Unknown back if such a write landed after ours.
    const settle = this.options.heartbeatSettle ?? { checks: 4, intervalMs: 250 };
    for (let check = 0; check <= settle.checks; check += 1) {
      const node = await this.call(() => api.readNode(nodeName));
      if (!node) return; // someone deleted it: nothing left to mark
      if (readyStatus(node) !== 'Unknown') {
        if (check > 0) {
          this.options.logger.debug('kwok wrote the Node status after letting go; marking again', {
            node: nodeName,
          });
        }
        const conditions = silentKubeletConditions(node, new Date());
        await this.call(() => api.patchNodeStatus(nodeName, { conditions }));
      }
      if (check < settle.checks) await this.sleep(settle.intervalMs);
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private notAttempted(vm: SimVm, reason: string) {
    vm.join = { state: 'not-attempted', reason, at: this.state.now() };
    this.options.logger.info('simulated VM boots but does not try to join', {
      vm: vm.hostname,
      reason,
    });
  }

  private failed(vm: SimVm, reason: string) {
    vm.join = { state: 'failed', reason, at: this.state.now() };
    this.options.logger.warn('simulated VM failed to join the cluster', {
      vm: vm.hostname,
      reason,
    });
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(
      fn,
      this.retry,
      (ms) => this.sleep(ms),
      () => this.stopped,
    );
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}
