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
 * Why the node is being removed. `underutilized` is the autoscaler's own decision and is
 * re-checked for safety; the others are explicit deletions (kubectl delete node / vpsienode)
 * that still drain politely (PDBs honoured) but are not second-guessed.
 */
export type ScaleDownTrigger = 'underutilized' | 'node-deleted' | 'vpsienode-deleted';

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
