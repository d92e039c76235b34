// The contract between the scale-down workflow and its activities: plain, serialisable data.
import type { SafetyCheckCode } from '../../disruption/safety/codes';

export interface ScaleDownTarget {
  /** Namespace of the NodeGroup and VPSieNode. */
  namespace: string;
  nodeGroup: string;
  nodeName: string;
  /** The VPSieNode standing for the node, when there is one. */
  vpsieNode?: string;
}

/**
 * Why the node is being removed. `underutilized` and `above-max-nodes` (the group has more nodes
 * than its maxNodes) are the autoscaler's own decisions and are re-checked for safety; the
 * others are explicit deletions (kubectl delete node / vpsienode) that still drain politely
 * (PDBs honoured) but are not second-guessed.
 */
export type ScaleDownTrigger =
  'underutilized' | 'node-deleted' | 'vpsienode-deleted' | 'above-max-nodes';

/**
 * The autoscaler decided this removal itself: safety is re-checked first, and a failed drain
 * gives the node back (uncordoned) instead of retrying. Used by the workflow, so it must stay
 * deterministic: only the trigger decides.
 */
export function isAutoscalerDecision(trigger: ScaleDownTrigger): boolean {
  return trigger === 'underutilized' || trigger === 'above-max-nodes';
}

/**
 * Safety checks a trigger does not run, on top of the cluster's skipped ones. Above maxNodes the
 * operator has already decided the group is too big: `cooldown` (wait after the last scaling)
 * and `capacity` (keep headroom so the group does not grow straight back) guard against the
 * autoscaler's own churn, which cannot happen above maxNodes as scale-up stops at it. Everything
 * that protects workloads (PDBs, safe-to-evict, local storage, rescheduling) and operator intent
 * (pause, maintenance windows, protected nodes, minNodes) still applies.
 */
export function checksSkippedBy(trigger: ScaleDownTrigger): readonly SafetyCheckCode[] {
  return trigger === 'above-max-nodes' ? ['cooldown', 'capacity'] : [];
}

export interface ScaleDownInput extends ScaleDownTarget {
  trigger: ScaleDownTrigger;
}

export type SafetyVerdict =
  | { ok: true }
  | { ok: false; reason: SafetyCheckCode; message: string; failedChecks: SafetyCheckCode[] };

export interface DrainLimits {
  /** Give up (uncordon, record a timeout) after this long. */
  drainTimeoutSeconds: number;
  /** Pods' own grace periods are capped at this. */
  maxTerminationGracePeriodSeconds: number;
  /** First wait before draining an explicitly deleted node again after a failed drain. */
  retryDelaySeconds: number;
}

export interface DrainResult {
  podsEvicted: number;
  durationSeconds: number;
}

export interface PauseState {
  paused: boolean;
  reason?: string;
  pausedBy?: string;
  /** RFC 3339; absent = until resumed. */
  since?: string;
  expiresAt?: string;
}

export interface ScaleDownActivities {
  checkScaleDownSafety(input: ScaleDownInput): Promise<SafetyVerdict>;
  /** Blocks (heartbeating) while scale-down is paused for the group or cluster-wide. */
  waitWhilePaused(target: ScaleDownTarget): Promise<void>;
  drainLimits(target: ScaleDownTarget): Promise<DrainLimits>;
  /** Cordon and taint so nothing new lands on the node. Idempotent. */
  cordonNode(target: ScaleDownTarget): Promise<void>;
  /** Undo cordonNode after a failed drain. Idempotent. */
  uncordonNode(target: ScaleDownTarget): Promise<void>;
  /** Evict every evictable pod and wait until they are gone; heartbeats progress. */
  drainNode(target: ScaleDownTarget, limits: DrainLimits): Promise<DrainResult>;
  setVpsieNodePhase(target: ScaleDownTarget, phase: 'Terminating' | 'Deleting'): Promise<void>;
  /** Deletes the VM (by VPSieNode vpsID, else by hostname); missing = already deleted. */
  deleteVm(target: ScaleDownTarget): Promise<{ deleted: boolean }>;
  /** Deletes the Node and VPSieNode, releasing our finalizers. Idempotent. */
  deleteNodeObjects(target: ScaleDownTarget): Promise<void>;
  recordScaleDownOutcome(
    input: ScaleDownInput,
    outcome:
      | { result: 'removed'; startedAtMs: number }
      | { result: 'blocked'; verdict: SafetyVerdict & { ok: false } }
      | {
          result: 'failed';
          errorType: 'drain_timeout' | 'drain_error' | 'vpsie_api' | 'kubernetes_api' | 'unknown';
          message: string;
        },
  ): Promise<void>;
}

export const ScaleDownFailureTypes = {
  /** The drain ran out of the group's drain timeout (a PDB kept refusing, pods did not stop). */
  drainTimeout: 'DrainTimeout',
  /** The API refused an eviction in a way no retry can fix (RBAC, invalid request). */
  drainRejected: 'DrainRejected',
} as const;
