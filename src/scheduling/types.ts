// The scale-up planner's contract: plain data in (pending pods, the cluster as the scheduler sees
// it, the NodeGroups with their offerings and limits), plain data out (nodes to create and why,
// pods no group can ever run and why). No I/O: the scale-up controller gathers the input from its
// informers and writes the output as VPSieNodes and pod Events.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ResourceAmounts } from '../disruption/resources';

/** Cluster Autoscaler's expanders (and `price`), chainable: later ones break ties of earlier. */
export const EXPANDER_NAMES = [
  'least-waste',
  'price',
  'most-pods',
  'least-nodes',
  'priority',
  'random',
] as const;
export type ExpanderName = (typeof EXPANDER_NAMES)[number];

/** A VPSie offering (plan) as the planner needs it. */
export interface OfferingInfo {
  id: string;
  name: string;
  /** vCPUs. */
  cpu: number;
  ramMb: number;
  diskGb: number;
  /** Monthly price; undefined when the API gave none (such offerings sort last on price). */
  priceMonthly?: number;
}

export interface GroupRef {
  namespace: string;
  name: string;
}

/** One NodeGroup as the planner sees it: what a new node of it looks like, and its limits. */
export interface GroupView extends GroupRef {
  /** The group's offerings found in the catalogue, in spec.offeringIDs order. */
  offerings: OfferingInfo[];
  /** spec.offeringIDs the catalogue does not list (reported, never used). */
  unknownOfferings: string[];
  preferredOffering?: string;
  /** Labels a new Node of the group carries: spec.labels, ours, the kubelet's defaults except
   *  hostname (the planner adds kubernetes.io/hostname per simulated node). */
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  /** spec.systemReserved as amounts (cpu in millicores, memory in bytes). */
  systemReserved: ResourceAmounts;
  /** spec.extendedResources as amounts, offered by every new node of the group. */
  extendedResources: ResourceAmounts;
  /** spec.scaleUpPolicy.priority, for the `priority` expander (higher wins). */
  priority: number;
  minNodes: number;
  maxNodes: number;
  /** VPSieNodes of the group that are not being deleted (any phase but Terminating/Deleting/Failed). */
  currentNodes: number;
  /** spec.scaleUpPolicy.enabled. */
  scaleUpEnabled: boolean;
  /** status.backoff.until in ms, when in the future. */
  backoffUntilMs?: number;
}

/** A VPSieNode that is not Ready yet: its offering's capacity counts as arriving. */
export interface InFlightNode {
  group: GroupRef;
  offeringId: string;
  /** The Node name it will register as (spec.nodeName or its own name). */
  nodeName: string;
}

export interface ClusterLimits {
  /** 0: no limit. */
  maxNodesTotal: number;
  /** vCPUs over all nodes of the autoscaler's groups; 0: no limit. */
  coresTotal: number;
  /** Memory in bytes over all nodes of the autoscaler's groups; 0: no limit. */
  memoryTotalBytes: number;
  /** Most new nodes one plan may ask for. */
  maxNodesPerScaleUp: number;
}

export interface PlannerInput {
  /** Already filtered: unschedulable, unbound, not deleting, old enough, priority >= cutoff. */
  pendingPods: readonly V1Pod[];
  /** Every Node of the cluster. Ready, schedulable ones are capacity. */
  nodes: readonly V1Node[];
  /** Pods bound to nodes and not finished (they take capacity, count for affinity/spread). */
  boundPods: readonly V1Pod[];
  inFlight: readonly InFlightNode[];
  daemonSets: readonly V1DaemonSet[];
  groups: readonly GroupView[];
  /** The cores and memory of every current node of the groups, for the cluster-wide limits. */
  currentTotals: { nodes: number; cores: number; memoryBytes: number };
  limits: ClusterLimits;
  expanders: readonly ExpanderName[];
  nowMs: number;
  /** In [0, 1); only the `random` expander uses it (tests pass a fixed sequence). */
  random: () => number;
}

/** Why a node is created: the pods it is for, or the minNodes rule. */
export interface NewNodeReason {
  kind: 'unschedulable_pods' | 'below_min_nodes';
  /** `namespace/name` of the pods the plan put on it (empty for below_min_nodes). */
  pods: string[];
  /** One sentence for people: offering, expander choice. */
  summary: string;
  /**
   * below_min_nodes only: pending pods the plan expects to run on this node (it counts as
   * capacity like an in-flight node), so no other node is asked for them. Absent when none.
   */
  absorbedPods?: string[];
}

export interface NewNode {
  group: GroupRef;
  offeringId: string;
  reason: NewNodeReason;
}

export interface UnschedulablePod {
  pod: string;
  /** Per group: why no new node of it could ever run this pod. */
  reasons: { group: string; reason: string }[];
  /** The metric label of the first reason (resources, taints, affinity ...). */
  constraint: string;
}

/** A pod that could run on a new node of some group, but a limit stops the scale-up now. */
export interface HeldBackPod {
  pod: string;
  /** The group that could run it, when one limit of one group holds it back. */
  group?: GroupRef;
  /** `at_max_nodes`, `backoff`, `policy_disabled`, `cluster_limit`, `max_nodes_per_scale_up`. */
  reason: string;
  detail: string;
}

export interface ScaleUpPlan {
  newNodes: NewNode[];
  /** Pod → node name (existing or in-flight) it fits on without a new node. */
  fitsExisting: Map<string, string>;
  unschedulable: UnschedulablePod[];
  heldBack: HeldBackPod[];
  /** One line per group choice: which groups were options, which won and why. */
  decisions: string[];
}
