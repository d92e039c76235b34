// The "underutilized" trigger for one NodeGroup: from the group's Nodes, their utilisation
// samples and the removals already running, which nodes to scale down now (selectCandidates)
// with every safety check run before a node is chosen. Pure: the controller gathers the inputs.
//
// Why run the safety checks here when the workflow runs them again: a node that fails them
// would otherwise be chosen on every pass, get a workflow that ends BLOCKED, and (as the most
// removable node) take the group's concurrency slot from a node that could go. Skipping it here
// lets the next candidate through; the workflow's own check still guards against the cluster
// changing in between.
import type {
  V1Node,
  V1PersistentVolume,
  V1Pod,
  V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import { LABELS, MANAGED_LABEL_VALUE, TAINTS } from '../apis/v1alpha1';
import { belowThresholdSince, unneededRule, utilizationAt } from '../state/utilization';
import type { SampleSeries } from '../state/utilization';
import { selectCandidates, type CandidateNode, type CandidateSelection } from './candidates';
import { runSafetyChecks } from './safety';
import type { ClusterHealthPolicy, SafetyInput } from './safety/input';
import type { EffectiveScaleDownPolicy } from './scale-down-policy';

/** Which NodeGroup a Node of ours belongs to, from the labels we put on it. */
export interface GroupMembership {
  namespace: string;
  nodeGroup: string;
  vpsieNode?: string;
}

/** undefined for Nodes we do not manage (or whose group labels are missing). */
export function groupMembership(node: V1Node): GroupMembership | undefined {
  const labels = node.metadata?.labels ?? {};
  if (labels[LABELS.managed] !== MANAGED_LABEL_VALUE) return undefined;
  const namespace = labels[LABELS.nodeGroupNamespace];
  const nodeGroup = labels[LABELS.nodeGroup];
  if (!namespace || !nodeGroup || !node.metadata?.name) return undefined;
  const vpsieNode = labels[LABELS.vpsieNode];
  return vpsieNode ? { namespace, nodeGroup, vpsieNode } : { namespace, nodeGroup };
}

/** Deleted, or carrying our to-be-deleted taint: a removal has it already. */
export function isBeingRemoved(node: V1Node): boolean {
  return (
    node.metadata?.deletionTimestamp !== undefined ||
    (node.spec?.taints ?? []).some((taint) => taint.key === TAINTS.toBeDeleted)
  );
}

/** The cluster as listed at the start of the pass, shared by every group's plan. */
export interface ClusterSnapshot {
  allNodes: readonly V1Node[];
  /** Pods bound to a node, by node name. */
  podsByNode: ReadonlyMap<string, readonly V1Pod[]>;
  /** Every pod bound to some node. */
  boundPods: readonly V1Pod[];
  pdbs: readonly V1PodDisruptionBudget[];
  /** Bound PersistentVolumes by claim, keyed `namespace/claimName`. */
  pvsByClaim: Readonly<Record<string, V1PersistentVolume>>;
  clusterHealth?: ClusterHealthPolicy;
}

export interface GroupScaleDownInput {
  policy: EffectiveScaleDownPolicy;
  /** The group's Nodes. */
  members: readonly V1Node[];
  samples: { series(nodeName: string): SampleSeries | undefined };
  /** The sampler's interval; samples further apart than 2.5 intervals break a low run. */
  sampleIntervalSeconds: number;
  /** The group's nodes with a scale-down workflow running, whether or not the Node shows it. */
  inFlight: readonly string[];
  /** Nodes of other groups that are leaving: removals running, or chosen earlier this pass. */
  otherNodesLeaving: readonly string[];
  cluster: ClusterSnapshot;
  nowMs: number;
}

export function planGroupScaleDown(input: GroupScaleDownInput): CandidateSelection {
  const { policy, cluster, nowMs } = input;
  // A threshold of 0 means no node is ever underutilised; unneededRule rejects it, so no rule.
  const rule =
    policy.utilizationThreshold > 0
      ? unneededRule({
          threshold: policy.utilizationThreshold,
          unneededSeconds: policy.unneededSeconds,
          sampleIntervalSeconds: input.sampleIntervalSeconds,
        })
      : undefined;
  const maxGapMs = 2.5 * input.sampleIntervalSeconds * 1000;

  const byName = new Map<string, V1Node>();
  const nodes: CandidateNode[] = input.members.map((node) => {
    const name = node.metadata?.name ?? '';
    byName.set(name, node);
    const series = input.samples.series(name);
    const newest = series && series.size > 0 ? series.size - 1 : -1;
    // A newest sample older than the gap tolerance is not "current": say so rather than judge.
    const fresh =
      series !== undefined && newest >= 0 && nowMs - series.timestampAt(newest) <= maxGapMs;
    return {
      name,
      utilization: fresh ? utilizationAt(series, newest, 'max') : undefined,
      belowThresholdSinceMs: fresh && rule ? belowThresholdSince(series, nowMs, rule) : undefined,
      pods: cluster.podsByNode.get(name) ?? [],
      beingDeleted: isBeingRemoved(node),
    };
  });

  const deleting = new Set(input.inFlight);
  for (const node of nodes) if (node.beingDeleted) deleting.add(node.name);
  const currentNodes = [...byName.keys()];

  return selectCandidates({
    nodes,
    nowMs,
    group: {
      minNodes: policy.minNodes,
      utilizationThreshold: policy.utilizationThreshold,
      unneededTimeMs: policy.unneededSeconds * 1000,
      maxConcurrentScaleDowns: policy.maxConcurrentScaleDowns,
      inFlightRemovals: input.inFlight,
    },
    isSafeToRemove: (name, alreadyChosen) =>
      runSafetyChecks(
        safetyInputFor(byName.get(name)!, {
          cluster,
          policy,
          currentNodes,
          // Chosen earlier in this pass counts as leaving too, so minNodes holds for the pass.
          deletingNodes: [...deleting, ...alreadyChosen],
          otherNodesLeaving: [...input.otherNodesLeaving, ...alreadyChosen],
          nowMs,
        }),
      ),
  });
}

export interface SafetyContext {
  cluster: ClusterSnapshot;
  policy: EffectiveScaleDownPolicy;
  /** Names of the group's nodes. */
  currentNodes: readonly string[];
  /** Names of the group's nodes already leaving. */
  deletingNodes: readonly string[];
  otherNodesLeaving?: readonly string[];
  nowMs: number;
}

/**
 * The safety checks' input for one node. One builder for the controller's pre-check and the
 * workflow's re-check, so both judge a node by the same facts.
 */
export function safetyInputFor(node: V1Node, context: SafetyContext): SafetyInput {
  const { cluster, policy } = context;
  return {
    node,
    podsOnNode: cluster.podsByNode.get(node.metadata?.name ?? '') ?? [],
    allNodes: cluster.allNodes,
    allPods: cluster.boundPods,
    pdbs: cluster.pdbs,
    pvsByClaim: cluster.pvsByClaim,
    group: {
      minNodes: policy.minNodes,
      currentNodes: [...context.currentNodes],
      deletingNodes: [...context.deletingNodes],
      cooldowns: policy.cooldowns,
      maintenanceWindows: policy.maintenanceWindows,
      pause: policy.pause,
    },
    otherNodesLeaving: context.otherNodesLeaving,
    clusterHealth: cluster.clusterHealth,
    skip: policy.skippedChecks,
    nowMs: context.nowMs,
  };
}
