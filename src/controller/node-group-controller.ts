// The NodeGroup status reconciler. Watches NodeGroups, VPSieNodes and our Nodes (informers), and
// for each affected group recomputes its status from the caches (level-triggered: what an event
// said is never used, only which group it touched), writes the fields it owns when they changed,
// publishes the group's gauges, and starts `above-max-nodes` scale-down workflows for nodes
// beyond maxNodes. Scale-up is another controller's job; the fields the workflows write
// (lastScaleUpTime, lastScaleDownTime, backoff, scaleDownPause) are never in our patch.
import * as k8s from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { WorkflowClient } from '@temporalio/client';
import type { ScaleDownInput } from '../activities/scale-down/types';
import { GROUP, LABELS, NodeGroup, VERSION, VPSieNode } from '../apis/v1alpha1';
import { apiStatus, isConflict, isNotFound, mergePatch } from '../kube/clients';
import {
  nodeGroupInformer,
  ourNodeInformer,
  restartOnError,
  vpsieNodeInformer,
} from '../kube/informers';
import type { Logger } from '../logging/logger';
import type { ReconcileErrorType } from '../metrics/label-values';
import type { Metrics } from '../metrics/recorders';
import { storedConditions } from '../state/node-groups/conditions';
import { isOurNodeOf } from '../state/node-groups/members';
import {
  invalidSpecConditions,
  observeNodeGroup,
  selectExcess,
  statusDiffers,
  type NodeGroupObservation,
  type OwnedStatus,
} from '../state/node-groups/status';
import { scaleDownWorkflowId } from '../workflows/scale-down-node';
import { GroupQueue } from './group-queue';
import { InFlightRemovals } from './scale-down-in-flight';
import { startOwnRemoval } from './start-scale-down';

export interface NodeGroupControllerOptions {
  kubeConfig: k8s.KubeConfig;
  workflows: WorkflowClient;
  taskQueue: string;
  logger: Logger;
  metrics: Metrics;
  /** Only NodeGroups (and their VPSieNodes and Nodes) of this namespace; all when unset. */
  namespace?: string;
  /** config.controller.resyncSeconds: every group is reconciled again this often; 0: never. */
  resyncSeconds: number;
  /**
   * How long a group's first event waits for more before the group is reconciled, so a burst
   * (a hundred VPSieNode updates) becomes one reconcile and at most one patch. Default 1000.
   */
  debounceMs?: number;
  /**
   * After an above-max removal of a node ended without removing it (blocked by a PDB, a failed
   * drain), that node is passed over for this long and the next one is tried. Default 300.
   */
  removalRetrySeconds?: number;
  /**
   * Start `above-max-nodes` removals for nodes beyond maxNodes (default true). Off: the status
   * still says the group is above maxNodes, and nothing is removed.
   */
  enforceMaxNodes?: boolean;
}

const CONTROLLER = 'nodegroup-status';

type RawObject = k8s.KubernetesObject & { spec?: unknown; status?: Record<string, unknown> };

/** A reconcile that could not finish; carries the metric's error_type. */
class ReconcileError extends Error {
  constructor(
    readonly errorType: ReconcileErrorType,
    override readonly cause: unknown,
  ) {
    super(`NodeGroup reconcile failed (${errorType})`);
  }
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const splitKey = (key: string) => {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

export class NodeGroupController {
  private readonly groups: k8s.Informer<RawObject> & k8s.ObjectCache<RawObject>;
  private readonly vpsieNodes: k8s.Informer<RawObject> & k8s.ObjectCache<RawObject>;
  private readonly nodes: k8s.Informer<k8s.V1Node> & k8s.ObjectCache<k8s.V1Node>;
  private readonly queue: GroupQueue;
  private readonly inFlight: InFlightRemovals;
  private readonly custom: k8s.CustomObjectsApi;
  /** `namespace/node` -> when we last started an above-max removal of it. */
  private readonly attempts = new Map<string, number>();
  /** Groups whose backoff expiry has a reconcile scheduled, and for when. */
  private readonly expiries = new Map<string, { at: string; timer: NodeJS.Timeout }>();
  /** VPSieNodes already warned about failing validation (by uid@resourceVersion). */
  private readonly warnedInvalid = new Set<string>();
  private resync: NodeJS.Timeout | undefined;

  constructor(private readonly options: NodeGroupControllerOptions) {
    const { kubeConfig, namespace, logger } = options;
    this.custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    this.inFlight = new InFlightRemovals(options.workflows);
    this.queue = new GroupQueue(options.debounceMs ?? 1000, (key) => {
      const { namespace: ns, name } = splitKey(key);
      return this.reconcileGroup(ns, name);
    });
    this.groups = nodeGroupInformer<RawObject>(kubeConfig, namespace);
    this.vpsieNodes = vpsieNodeInformer<RawObject>(kubeConfig, namespace);
    this.nodes = ourNodeInformer<k8s.V1Node>(kubeConfig, namespace);

    // 'change' is add, update and delete: a deleted VPSieNode or Node changes its group too.
    this.groups.on('change', (obj) => this.touch(obj.metadata?.namespace, obj.metadata?.name));
    this.vpsieNodes.on('change', (obj) => {
      const spec = obj.spec as { nodeGroupName?: unknown } | undefined;
      const group = typeof spec?.nodeGroupName === 'string' ? spec.nodeGroupName : undefined;
      this.touch(obj.metadata?.namespace, group);
    });
    this.nodes.on('change', (node) => {
      const labels = node.metadata?.labels ?? {};
      this.touch(labels[LABELS.nodeGroupNamespace], labels[LABELS.nodeGroup]);
    });
    restartOnError(this.groups, 'NodeGroup', logger);
    restartOnError(this.vpsieNodes, 'VPSieNode', logger);
    restartOnError(this.nodes, 'Node', logger);
  }

  async start(): Promise<void> {
    await Promise.all([this.groups.start(), this.vpsieNodes.start(), this.nodes.start()]);
    // Events that arrived while the caches were filling were held: now every cache is complete.
    this.queue.open();
    this.enqueueAll();
    if (this.options.resyncSeconds > 0) {
      this.resync = setInterval(() => this.enqueueAll(), this.options.resyncSeconds * 1000);
      this.resync.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    this.resync = undefined;
    for (const { timer } of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    await this.queue.close();
    await Promise.all([this.groups.stop(), this.vpsieNodes.stop(), this.nodes.stop()]);
  }

  /**
   * Reconciles one group from the caches now (serialised with any reconcile of the same group
   * in progress). Never throws: a failure is logged, counted, and retried by a later event or
   * the resync.
   */
  reconcileGroup(namespace: string, name: string): Promise<void> {
    return this.queue.run(keyOf(namespace, name), () => this.reconcileOnce(namespace, name));
  }

  private touch(namespace: string | undefined, name: string | undefined): void {
    if (namespace && name) this.queue.enqueue(keyOf(namespace, name));
  }

  private enqueueAll(): void {
    for (const group of this.groups.list()) {
      this.touch(group.metadata?.namespace, group.metadata?.name);
    }
  }

  private async reconcileOnce(namespace: string, name: string): Promise<void> {
    const started = process.hrtime.bigint();
    const durationSeconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const { metrics, logger } = this.options;
    try {
      const result = await this.sync(namespace, name);
      metrics.recordReconcile({
        controller: CONTROLLER,
        result,
        durationSeconds: durationSeconds(),
      });
    } catch (err) {
      const errorType = err instanceof ReconcileError ? err.errorType : 'unknown';
      const cause = err instanceof ReconcileError ? err.cause : err;
      // An invalid group was already reported (warning and Error condition) by reportInvalid.
      if (errorType !== 'invalid_spec') {
        logger.error('NodeGroup reconcile failed', {
          nodeGroup: keyOf(namespace, name),
          errorType,
          err: cause,
        });
      }
      metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'error',
        errorType,
        durationSeconds: durationSeconds(),
      });
    }
  }

  private async sync(namespace: string, name: string): Promise<'success' | 'requeue'> {
    const key = keyOf(namespace, name);
    const raw = this.groups.get(name, namespace);
    if (!raw) {
      this.forget(namespace, name);
      return 'success';
    }
    const parsed = NodeGroup.safeParse(raw);
    if (!parsed.success) {
      await this.reportInvalid(raw, namespace, name, parsed.error);
      throw new ReconcileError('invalid_spec', parsed.error);
    }
    const group = parsed.data;
    const observation = observeNodeGroup({
      group,
      vpsieNodes: this.vpsieNodesOf(namespace, name),
      nodes: this.nodes.list().filter((n) => isOurNodeOf(n, namespace, name)),
      nowMs: Date.now(),
    });
    this.recordMetrics(group, observation);
    this.reconcileAtBackoffExpiry(key, group.status?.backoff?.until);

    let result: 'success' | 'requeue' = 'success';
    if (statusDiffers(group.status, observation.status)) {
      result = await this.patchStatus(raw, namespace, name, observation.status);
    }
    // A group being deleted is not trimmed node by node: its deletion is not a lowered maxNodes.
    if (
      this.options.enforceMaxNodes !== false &&
      observation.excess.over > 0 &&
      !observation.excess.disabled &&
      !raw.metadata?.deletionTimestamp
    ) {
      await this.removeExcess(group, observation);
    }
    return result;
  }

  /** The group's VPSieNodes that validate; one that does not is skipped (and warned about). */
  private vpsieNodesOf(namespace: string, group: string): VPSieNode[] {
    const valid: VPSieNode[] = [];
    for (const raw of this.vpsieNodes.list(namespace)) {
      if ((raw.spec as { nodeGroupName?: unknown } | undefined)?.nodeGroupName !== group) continue;
      const parsed = VPSieNode.safeParse(raw);
      if (parsed.success) {
        valid.push(parsed.data);
        continue;
      }
      const id = `${raw.metadata?.uid}@${raw.metadata?.resourceVersion}`;
      if (!this.warnedInvalid.has(id)) {
        this.warnedInvalid.add(id);
        this.options.logger.warn('skipping invalid VPSieNode in NodeGroup status', {
          vpsieNode: keyOf(namespace, raw.metadata?.name ?? ''),
          message: parsed.error.message,
        });
      }
    }
    return valid;
  }

  private recordMetrics(group: NodeGroup, observation: NodeGroupObservation): void {
    const ref = { nodeGroup: group.metadata.name ?? '', namespace: group.metadata.namespace ?? '' };
    const { status } = observation;
    this.options.metrics.recordNodeGroupStatus({
      ...ref,
      desired: status.desiredNodes,
      current: status.currentNodes,
      ready: status.readyNodes,
      min: group.spec.minNodes,
      max: group.spec.maxNodes,
    });
    this.options.metrics.setVpsieNodePhaseCounts({ ...ref, counts: observation.phaseCounts });
  }

  /**
   * A merge patch of the status subresource with only our fields, conditional on the
   * resourceVersion we computed from: the conditions list is replaced whole, so a condition
   * another writer added since (ScaleDownFailed, which drives a cooldown) must never be lost.
   * A conflict means the cache is behind; its update event brings the group back here.
   */
  private async patchStatus(
    raw: RawObject,
    namespace: string,
    name: string,
    status: OwnedStatus | { conditions: OwnedStatus['conditions'] },
  ): Promise<'success' | 'requeue'> {
    try {
      await this.custom.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          plural: 'nodegroups',
          namespace,
          name,
          body: { metadata: { resourceVersion: raw.metadata?.resourceVersion }, status },
        },
        mergePatch,
      );
      return 'success';
    } catch (err) {
      if (isConflict(err)) {
        this.queue.enqueue(keyOf(namespace, name));
        return 'requeue';
      }
      if (isNotFound(err)) return 'success';
      throw new ReconcileError('kubernetes_api', err);
    }
  }

  /** Error (and Ready) say why the group is skipped, when the API server takes the patch. */
  private async reportInvalid(
    raw: RawObject,
    namespace: string,
    name: string,
    error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  ): Promise<void> {
    const message = error.issues
      .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
      .join('; ');
    const stored = raw.status?.conditions;
    const conditions = invalidSpecConditions(stored, message, Date.now(), raw.metadata?.generation);
    this.options.logger.warn('skipping invalid NodeGroup', {
      nodeGroup: keyOf(namespace, name),
      message,
    });
    if (isDeepStrictEqual(conditions, storedConditions(stored))) return;
    await this.patchStatus(raw, namespace, name, { conditions }).catch((err: unknown) => {
      // The API server may reject the object as a whole: the log above is all we can do.
      this.options.logger.debug('reporting invalid NodeGroup failed', {
        status: apiStatus(err),
        err,
      });
    });
  }

  /** Starts a removal for each chosen excess node, after asking Temporal which already run. */
  private async removeExcess(group: NodeGroup, first: NodeGroupObservation): Promise<void> {
    const namespace = group.metadata.namespace ?? '';
    const nodeGroup = group.metadata.name ?? '';
    const running = await this.inFlight.list().catch((err: unknown) => {
      throw new ReconcileError('temporal', err);
    });
    const inFlight = running.filter((r) => r.namespace === namespace).map((r) => r.nodeName);
    const selection = selectExcess(group, first.members, {
      inFlight,
      notNow: this.recentlyAttempted(namespace, inFlight),
    });
    if (selection.heldBack > 0) {
      this.options.logger.debug('above maxNodes; more removals wait for maxConcurrentScaleDowns', {
        nodeGroup: keyOf(namespace, nodeGroup),
        heldBack: selection.heldBack,
      });
    }
    let failed: unknown;
    for (const chosen of selection.chosen) {
      const input: ScaleDownInput = {
        trigger: 'above-max-nodes',
        namespace,
        nodeGroup,
        nodeName: chosen.nodeName,
        vpsieNode: chosen.vpsieNode,
      };
      failed = (await this.startRemoval(input, selection.over, group.spec.maxNodes)) ?? failed;
    }
    if (failed !== undefined) throw new ReconcileError('temporal', failed);
  }

  /** Returns the error when the start failed. */
  private async startRemoval(input: ScaleDownInput, over: number, maxNodes: number) {
    const { logger, metrics, workflows, taskQueue } = this.options;
    const workflowId = scaleDownWorkflowId(input);
    const ref = { namespace: input.namespace, nodeGroup: input.nodeGroup };
    const outcome = await startOwnRemoval(workflows, taskQueue, input, this.inFlight);
    if (outcome === 'running') return undefined;
    if (outcome !== 'started') {
      logger.error('starting above-max scale-down failed', { workflowId, err: outcome.error });
      return outcome.error;
    }
    this.attempts.set(keyOf(input.namespace, input.nodeName), Date.now());
    metrics.recordScalingDecision({ ...ref, decision: 'scale_down', reason: 'above_max_nodes' });
    logger.info('scaling down node above maxNodes', {
      workflowId,
      ...ref,
      node: input.nodeName,
      over,
      maxNodes,
    });
    return undefined;
  }

  /** Nodes whose removal we started recently and which are no longer in flight. */
  private recentlyAttempted(namespace: string, inFlight: readonly string[]): string[] {
    const windowMs = (this.options.removalRetrySeconds ?? 300) * 1000;
    const now = Date.now();
    const running = new Set(inFlight);
    const names: string[] = [];
    for (const [key, at] of this.attempts) {
      if (now - at >= windowMs) {
        this.attempts.delete(key);
        continue;
      }
      const { namespace: ns, name } = splitKey(key);
      if (ns === namespace && !running.has(name)) names.push(name);
    }
    return names;
  }

  /** The Error condition says "backing off" until backoff.until: look again just after it. */
  private reconcileAtBackoffExpiry(key: string, until: string | undefined): void {
    const scheduled = this.expiries.get(key);
    if (scheduled?.at === until) return;
    if (scheduled) clearTimeout(scheduled.timer);
    this.expiries.delete(key);
    const delayMs = until === undefined ? NaN : Date.parse(until) - Date.now() + 1000;
    if (!(delayMs > 0)) return;
    const timer = setTimeout(
      () => {
        this.expiries.delete(key);
        this.queue.enqueue(key, 0);
      },
      Math.min(delayMs, 2 ** 31 - 1),
    );
    timer.unref();
    this.expiries.set(key, { at: until!, timer });
  }

  private forget(namespace: string, name: string): void {
    const key = keyOf(namespace, name);
    const scheduled = this.expiries.get(key);
    if (scheduled) clearTimeout(scheduled.timer);
    this.expiries.delete(key);
    this.options.metrics.forgetNodeGroup({ namespace, nodeGroup: name });
  }
}
