// Scale-up: pending pods (and groups below minNodes) become VPSieNodes. watch -> decide -> write:
// informers keep the cluster in memory (cluster-cache.ts), a batch window gathers pending pods
// the way Karpenter does (1 s after the last, at most 10 s after the first), one pass plans them
// (src/scheduling, pure) and writes the planned nodes as VPSieNodes, whose provisioning
// workflows the provisioning controller starts. A pass also runs every scanIntervalSeconds, for
// minNodes, back-offs that ended and pods that have waited out newPodScaleUpDelay.
//
// No node twice: every pass plans from the VPSieNodes that exist (not-Ready ones count as
// arriving capacity), and the ones this process just created are added until the informer has
// them. A restarted controller lists everything before its first pass, so it sees them too.
import * as k8s from '@kubernetes/client-node';
import { NodeGroup, VPSieNode } from '../../apis/v1alpha1';
import type { Logger } from '../../logging/logger';
import type { Metrics } from '../../metrics/recorders';
import type { ScalingDecisionReason } from '../../metrics/label-values';
import { isNodeReady } from '../../disruption/nodes';
import { BatchWindow } from '../../scheduling/batch-window';
import {
  clusterInput,
  groupKey,
  resolvedPlacement,
  type GroupDefaults,
  type GroupInputs,
} from '../../scheduling/cluster-input';
import { filterPendingPods, isUnschedulable } from '../../scheduling/pending-pods';
import type { HeldBackReason } from '../../scheduling/limits';
import { planScaleUp } from '../../scheduling/planner';
import { constraintsInMessage } from '../../scheduling/scheduler-message';
import type {
  ClusterLimits,
  ExpanderName,
  OfferingInfo,
  ScaleUpPlan,
} from '../../scheduling/types';
import { ClusterCache, type CacheEvent } from './cluster-cache';
import { PodEvents, type PodVerdict } from './pod-events';
import { VpsieNodeWriter, vpsieNodeFor } from './vpsienode-writer';

export interface ScaleUpSettings extends GroupDefaults {
  scanIntervalSeconds: number;
  batchIdleSeconds: number;
  batchMaxSeconds: number;
  newPodScaleUpDelaySeconds: number;
  expendablePodsPriorityCutoff: number;
  expanders: readonly ExpanderName[];
  limits: ClusterLimits;
}

export interface ScaleUpControllerOptions {
  kubeConfig: k8s.KubeConfig;
  logger: Logger;
  metrics: Metrics;
  /** NodeGroups and VPSieNodes of this namespace only; all namespaces when unset. */
  namespace?: string;
  offerings: { offerings(): Promise<ReadonlyMap<string, OfferingInfo>> };
  settings: ScaleUpSettings;
  /** Tests fix the `random` expander's choices. */
  random?: () => number;
}

/** What one pass did; returned for tests and logged. */
export interface ScaleUpPass {
  plan: ScaleUpPlan;
  created: VPSieNode[];
  createErrors: number;
  pending: number;
}

const CONTROLLER = 'scale-up';
/** How long a VPSieNode created here is assumed to exist before the informer shows it. */
const RECENT_MS = 60_000;
const CREATE_CONCURRENCY = 20;

const podUid = (pod: k8s.V1Pod) => pod.metadata?.uid ?? '';
const podKeyOf = (pod: k8s.V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

export class ScaleUpController {
  private readonly cache: ClusterCache;
  private readonly writer: VpsieNodeWriter;
  private readonly podEvents: PodEvents;
  private readonly batch: BatchWindow;
  /** VPSieNodes created by this process, until the informer has them. */
  private readonly recent = new Map<string, { node: VPSieNode; atMs: number }>();
  /** Pod uid → constraints already counted in unschedulable_pods_total. */
  private readonly counted = new Map<string, Set<string>>();
  /** Pod uid → verdict already counted in scale_up_impossible_pods_total. */
  private readonly impossible = new Map<string, string>();
  private readonly seenPending = new Set<string>();
  private batchTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private running = false;
  private current: Promise<unknown> | undefined;
  private again = false;

  constructor(private readonly options: ScaleUpControllerOptions) {
    const { kubeConfig, logger } = options;
    this.cache = new ClusterCache(kubeConfig, options.namespace, logger, (e) => this.onEvent(e));
    this.writer = new VpsieNodeWriter(kubeConfig);
    this.podEvents = new PodEvents(kubeConfig.makeApiClient(k8s.EventsV1Api), logger);
    this.batch = new BatchWindow({
      idleMs: options.settings.batchIdleSeconds * 1000,
      maxMs: options.settings.batchMaxSeconds * 1000,
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.cache.start();
    this.running = true;
    // Pods already pending at start are one batch, planned at once.
    this.requestPass();
    this.scanTimer = setInterval(
      () => this.requestPass(),
      this.options.settings.scanIntervalSeconds * 1000,
    );
    this.scanTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.batchTimer);
    clearInterval(this.scanTimer);
    await this.current;
    await this.cache.stop();
  }

  private onEvent(event: CacheEvent): void {
    if (!this.running) return;
    if (event.kind === 'pod') {
      const uid = podUid(event.pod);
      // A deleted pod's last state may still read Unschedulable (a forced delete): forget it.
      if (event.deleted || !isUnschedulable(event.pod)) {
        this.seenPending.delete(uid);
        return;
      }
      const isNew = !this.seenPending.has(uid);
      this.seenPending.add(uid);
      if (isNew) this.observe(1);
      return;
    }
    // A new or changed NodeGroup may need its minNodes; plan it with the next batch.
    if (event.kind === 'nodegroup') this.observe(0);
  }

  /** Feeds the batch window and (re)arms the timer for when the batch is due. */
  private observe(newPods: number): void {
    const now = Date.now();
    this.batch.observe(now, newPods);
    const due = this.batch.dueAtMs();
    if (due === undefined) return;
    clearTimeout(this.batchTimer);
    this.batchTimer = setTimeout(() => this.requestPass(), Math.max(0, due - now));
    this.batchTimer.unref();
  }

  /** Runs a pass now, or right after the one in progress. */
  private requestPass(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    clearTimeout(this.batchTimer);
    this.batch.reset();
    this.current = this.runOnce()
      .catch((err: unknown) => {
        this.options.logger.error('scale-up pass failed', { err });
      })
      .finally(() => {
        this.current = undefined;
        if (this.again) {
          this.again = false;
          this.requestPass();
        }
      });
  }

  /** One pass: read the caches, plan, write. Public for tests. */
  async runOnce(nowMs = Date.now()): Promise<ScaleUpPass> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const { logger, metrics, settings } = this.options;
    try {
      const pass = await this.pass(nowMs);
      metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'success',
        durationSeconds: seconds(),
      });
      if (pass.created.length > 0 || pass.plan.unschedulable.length > 0) {
        logger.info('scale-up pass', {
          pending: pass.pending,
          created: pass.created.map((n) => n.metadata.name),
          fitsExisting: pass.plan.fitsExisting.size,
          unschedulable: pass.plan.unschedulable.length,
          heldBack: pass.plan.heldBack.length,
          decisions: pass.plan.decisions,
          batchWindowSeconds: [settings.batchIdleSeconds, settings.batchMaxSeconds],
        });
      }
      return pass;
    } catch (err) {
      metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'error',
        errorType: 'unknown',
        durationSeconds: seconds(),
      });
      throw err;
    }
  }

  private async pass(nowMs: number): Promise<ScaleUpPass> {
    const { settings } = this.options;
    const allPods = this.cache.pods.list();
    const unschedulable = allPods.filter(isUnschedulable);
    this.recordPendingMetrics(unschedulable);

    const groups = this.groupInputs(nowMs);
    const catalogue = await this.options.offerings.offerings();
    const nodes = this.cache.nodes.list().map(withoutStaleNotReadyTaint);
    const nodesByName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
    const input = clusterInput(groups, nodesByName, catalogue, settings, nowMs);
    for (const { group, why } of input.unusable) {
      this.options.logger.warn('NodeGroup cannot scale up', { nodeGroup: group, why });
    }
    const pendingPods = filterPendingPods(unschedulable, {
      nowMs,
      newPodScaleUpDelaySeconds: settings.newPodScaleUpDelaySeconds,
      expendablePodsPriorityCutoff: settings.expendablePodsPriorityCutoff,
    });
    const plan = planScaleUp({
      pendingPods,
      nodes,
      boundPods: allPods.filter((p) => p.spec?.nodeName),
      inFlight: input.inFlight,
      daemonSets: this.cache.daemonSets.list(),
      groups: input.groups,
      currentTotals: input.currentTotals,
      limits: settings.limits,
      expanders: settings.expanders,
      nowMs,
      random: this.options.random ?? Math.random,
    });

    const byGroup = new Map(
      groups.map((g) => [
        groupKey(g.group.metadata.namespace ?? '', g.group.metadata.name ?? ''),
        g.group,
      ]),
    );
    const { created, createErrors } = await this.createNodes(plan, byGroup, nowMs);
    this.recordDecisions(plan, created);
    this.explainToPods(plan, pendingPods, created);
    this.podEvents.retainOnly(new Set(unschedulable.map(podUid)));
    return { plan, created, createErrors, pending: pendingPods.length };
  }

  /** Valid NodeGroups in scope with their VPSieNodes, plus the ones this process just created. */
  private groupInputs(nowMs: number): GroupInputs[] {
    const vpsieNodes: VPSieNode[] = [];
    const names = new Set<string>();
    for (const raw of this.cache.vpsieNodes.list()) {
      const parsed = VPSieNode.safeParse(raw);
      if (!parsed.success) continue;
      vpsieNodes.push(parsed.data);
      names.add(`${parsed.data.metadata.namespace}/${parsed.data.metadata.name}`);
    }
    for (const [key, { node, atMs }] of this.recent) {
      if (names.has(key) || nowMs - atMs > RECENT_MS) this.recent.delete(key);
      else vpsieNodes.push(node);
    }
    const result: GroupInputs[] = [];
    for (const raw of this.cache.nodeGroups.list()) {
      const parsed = NodeGroup.safeParse(raw);
      if (!parsed.success) {
        this.options.logger.warn('NodeGroup is invalid; not scaling it up', {
          nodeGroup: `${raw.metadata?.namespace}/${raw.metadata?.name}`,
          error: parsed.error.message,
        });
        continue;
      }
      const group = parsed.data;
      if (group.metadata.deletionTimestamp) continue;
      result.push({
        group,
        vpsieNodes: vpsieNodes.filter(
          (n) =>
            n.metadata.namespace === group.metadata.namespace &&
            n.spec.nodeGroupName === group.metadata.name,
        ),
      });
    }
    return result;
  }

  private async createNodes(
    plan: ScaleUpPlan,
    groups: ReadonlyMap<string, NodeGroup>,
    nowMs: number,
  ): Promise<{ created: VPSieNode[]; createErrors: number }> {
    const created: VPSieNode[] = [];
    let createErrors = 0;
    const queue = [...plan.newNodes];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const group = groups.get(groupKey(next.group.namespace, next.group.name));
        const datacenterId = group && resolvedPlacement(group, this.options.settings).datacenterId;
        if (!datacenterId) continue; // planned only for groups with one; defensive
        try {
          const stored = await this.writer.create(vpsieNodeFor(next, datacenterId, nowMs));
          const key = `${stored.metadata.namespace}/${stored.metadata.name}`;
          this.recent.set(key, { node: stored, atMs: Date.now() });
          created.push(stored);
        } catch (err) {
          createErrors += 1;
          this.options.logger.error('creating a VPSieNode failed; the next pass plans again', {
            nodeGroup: groupKey(next.group.namespace, next.group.name),
            err,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
    return { created, createErrors };
  }

  private recordPendingMetrics(unschedulable: readonly k8s.V1Pod[]): void {
    const { metrics } = this.options;
    const byNamespace: Record<string, number> = {};
    const live = new Set<string>();
    for (const pod of unschedulable) {
      const namespace = pod.metadata?.namespace ?? 'default';
      byNamespace[namespace] = (byNamespace[namespace] ?? 0) + 1;
      const uid = podUid(pod);
      live.add(uid);
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      const onlySelector = !pod.spec?.affinity?.nodeAffinity;
      const seen = this.counted.get(uid) ?? new Set<string>();
      for (const constraint of constraintsInMessage(condition?.message, onlySelector)) {
        if (seen.has(constraint)) continue;
        seen.add(constraint);
        metrics.recordUnschedulablePod({ namespace, constraint });
      }
      this.counted.set(uid, seen);
    }
    for (const uid of this.counted.keys()) if (!live.has(uid)) this.counted.delete(uid);
    for (const uid of this.impossible.keys()) if (!live.has(uid)) this.impossible.delete(uid);
    metrics.setPendingPods(byNamespace);
  }

  private recordDecisions(plan: ScaleUpPlan, created: readonly VPSieNode[]): void {
    const { metrics } = this.options;
    const added = new Map<
      string,
      { namespace: string; nodeGroup: string; nodes: number; minOnly: boolean }
    >();
    for (const node of created) {
      const namespace = node.metadata.namespace ?? '';
      const nodeGroup = node.spec.nodeGroupName;
      const entry = added.get(groupKey(namespace, nodeGroup)) ?? {
        namespace,
        nodeGroup,
        nodes: 0,
        minOnly: true,
      };
      entry.nodes += 1;
      entry.minOnly &&= node.spec.createdFor?.trigger === 'BelowMinNodes';
      added.set(groupKey(namespace, nodeGroup), entry);
    }
    for (const { namespace, nodeGroup, nodes, minOnly } of added.values()) {
      metrics.recordScaleUp({ namespace, nodeGroup, nodesAdded: nodes });
      metrics.recordScalingDecision({
        namespace,
        nodeGroup,
        decision: 'scale_up',
        reason: minOnly ? 'below_min_nodes' : 'unschedulable_pods',
      });
    }
    // Held back by a limit: one no_change decision per group and reason per pass.
    const held = new Set<string>();
    for (const pod of plan.heldBack) {
      if (!pod.group) continue;
      const key = `${pod.group.namespace}/${pod.group.name}/${pod.reason}`;
      if (held.has(key)) continue;
      held.add(key);
      metrics.recordScalingDecision({
        namespace: pod.group.namespace,
        nodeGroup: pod.group.name,
        decision: 'no_change',
        reason: DECISION_REASON[pod.reason as HeldBackReason] ?? 'cluster_limit',
      });
    }
  }

  private explainToPods(
    plan: ScaleUpPlan,
    pendingPods: readonly k8s.V1Pod[],
    created: readonly VPSieNode[],
  ): void {
    const byKey = new Map(pendingPods.map((p) => [podKeyOf(p), p]));
    const verdicts: PodVerdict[] = [];
    for (const node of created) {
      const groupName = `${node.metadata.namespace}/${node.spec.nodeGroupName}`;
      for (const key of node.spec.createdFor?.pods ?? []) {
        const pod = byKey.get(key);
        if (!pod) continue;
        verdicts.push({
          pod,
          type: 'Normal',
          reason: 'TriggeredScaleUp',
          note: `pod triggered scale-up: ${groupName} adds ${node.metadata.name} (${node.spec.createdFor?.summary ?? ''})`,
        });
      }
    }
    for (const verdict of plan.unschedulable) {
      const pod = byKey.get(verdict.pod);
      if (!pod) continue;
      const note = `pod didn't trigger scale-up: ${verdict.reasons.map((r) => `${r.group}: ${r.reason}`).join('; ') || 'no NodeGroup can scale up'}`;
      verdicts.push({ pod, type: 'Warning', reason: 'NotTriggerScaleUp', note });
      if (this.impossible.get(podUid(pod)) !== note) {
        this.impossible.set(podUid(pod), note);
        this.options.metrics.recordPodWithoutScaleUp({
          namespace: pod.metadata?.namespace ?? 'default',
          constraint: verdict.constraint as never,
        });
      }
    }
    for (const held of plan.heldBack) {
      const pod = byKey.get(held.pod);
      if (!pod) continue;
      verdicts.push({
        pod,
        type: 'Normal',
        reason: 'NotTriggerScaleUp',
        note: `pod didn't trigger scale-up: ${held.detail}`,
      });
    }
    this.podEvents.tell(verdicts);
  }
}

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

/**
 * A new Node is created with the `node.kubernetes.io/not-ready` NoSchedule taint, and it keeps
 * it for up to node-monitor-period (5 s) after it turned Ready, until the node lifecycle
 * controller takes it away. Planned as it is, the Node would be Ready (so its VPSieNode no
 * longer counts as arriving) yet refuse every pending pod (the taint), and the pods it was
 * created for would get a second node. A Ready Node's not-ready taint is stale: plan without it.
 */
function withoutStaleNotReadyTaint(node: k8s.V1Node): k8s.V1Node {
  const taints = node.spec?.taints;
  if (!taints?.some((t) => t.key === NOT_READY_TAINT) || !isNodeReady(node)) return node;
  return {
    ...node,
    spec: { ...node.spec, taints: taints.filter((t) => t.key !== NOT_READY_TAINT) },
  };
}

/** A held-back pod's limit as the scaling_decisions_total reason; every limit has one. */
const DECISION_REASON: Record<HeldBackReason, ScalingDecisionReason> = {
  at_max_nodes: 'at_max_nodes',
  backoff: 'backoff',
  policy_disabled: 'policy_disabled',
  cluster_limit: 'cluster_limit',
  max_nodes_per_scale_up: 'cluster_limit',
};
