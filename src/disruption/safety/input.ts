// Everything the safety checks look at, as one plain object: the caller gathers it (informer
// caches, NodeGroup spec and status, workflow state) and the checks never do I/O or read a clock.
import type { SafetyCheckCode } from './codes';
import type {
  V1Node,
  V1PersistentVolume,
  V1Pod,
  V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import type { MaintenanceWindow } from '../../apis/v1alpha1/maintenance-window';

/**
 * When scale-down may happen again after earlier scaling. Timestamps are epoch milliseconds;
 * delays default to Cluster Autoscaler's: --scale-down-delay-after-add 10m,
 * --scale-down-delay-after-delete = scan interval (0 here), --scale-down-delay-after-failure 3m.
 */
export interface CooldownPolicy {
  lastScaleUpMs?: number;
  lastScaleDownMs?: number;
  lastScaleDownFailureMs?: number;
  delayAfterAddMs?: number;
  delayAfterDeleteMs?: number;
  delayAfterFailureMs?: number;
}

/** An operator pause of scale-down; a pause whose expiry has passed no longer blocks. */
export interface PauseState {
  paused: boolean;
  reason?: string;
  expiresAtMs?: number;
}

export interface GroupPolicy {
  /** Fewest nodes the group keeps. */
  minNodes: number;
  /**
   * Names of the group's nodes that exist now, INCLUDING those being deleted. Names, not a
   * count, so a node listed both here and in deletingNodes can never be counted twice.
   */
  currentNodes: readonly string[];
  /** Names of the group's nodes already being removed (cordoned, draining or terminating). */
  deletingNodes: readonly string[];
  /** Requested / allocatable (cpu and memory) the remaining nodes may reach; default 0.85. */
  maxUtilizationAfterRemoval?: number;
  cooldowns?: CooldownPolicy;
  /** When present and non-empty, scale-down may start only inside one of these windows. */
  maintenanceWindows?: readonly MaintenanceWindowSpec[];
  pause?: PauseState;
}

/** Cluster Autoscaler's health guard: --ok-total-unready-count, --max-total-unready-percentage. */
export interface ClusterHealthPolicy {
  /** Unready nodes tolerated whatever the cluster size; default 3. */
  okUnreadyCount?: number;
  /** Unready share tolerated, in percent; default 45. */
  maxUnreadyPercentage?: number;
  /** A node younger than this that is not Ready yet is still starting, not unready; 15 min. */
  nodeStartupGraceMs?: number;
}

export interface SafetyInput {
  /** The node considered for removal. */
  node: V1Node;
  /** Pods bound to `node`. */
  podsOnNode: readonly V1Pod[];
  /** Every node of the cluster (`node` may be included; it is never a destination). */
  allNodes: readonly V1Node[];
  /** Pods bound to the other nodes (pods of `node` in here are ignored). */
  allPods: readonly V1Pod[];
  pdbs: readonly V1PodDisruptionBudget[];
  /** Bound PersistentVolumes by claim, keyed `namespace/claimName`. */
  pvsByClaim: Readonly<Record<string, V1PersistentVolume>>;
  group: GroupPolicy;
  /**
   * Other nodes leaving the cluster with this one (e.g. chosen earlier in the same pass, or in
   * other groups); no pod is placed on them. The group's deletingNodes are excluded anyway.
   */
  otherNodesLeaving?: readonly string[];
  clusterHealth?: ClusterHealthPolicy;
  /** Checks turned off by the cluster's configuration; they always pass. */
  skip?: readonly SafetyCheckCode[];
  /** The time of the decision, epoch milliseconds. */
  nowMs: number;
}

/** The NodeGroup CRD's window, before or after defaulting (timeZone defaults to UTC). */
export type MaintenanceWindowSpec = Omit<MaintenanceWindow, 'timeZone'> & { timeZone?: string };

const MINUTE_MS = 60_000;

export const DEFAULTS = {
  maxUtilizationAfterRemoval: 0.85,
  delayAfterAddMs: 10 * MINUTE_MS,
  delayAfterDeleteMs: 0,
  delayAfterFailureMs: 3 * MINUTE_MS,
  okUnreadyCount: 3,
  maxUnreadyPercentage: 45,
  nodeStartupGraceMs: 15 * MINUTE_MS,
} as const;
