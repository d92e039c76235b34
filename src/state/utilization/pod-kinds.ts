// How Cluster Autoscaler classifies the pods on a node when it computes utilisation
// (cluster-autoscaler/utils/pod and utils/drain), so the same pods count the same way here.

import type { PodShape } from './kubernetes-shapes';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DAEMONSET_POD_ANNOTATION = 'cluster-autoscaler.kubernetes.io/daemonset-pod';
/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;
/** Cluster Autoscaler's PodLongTerminatingExtraThreshold. */
const LONG_TERMINATING_EXTRA_MS = 30_000;

/** Succeeded and Failed pods hold no resources; the scheduler and CA's pod lister skip them. */
export function isTerminal(pod: PodShape): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A static pod as the API server shows it (kubelet's mirror of a manifest on the node). */
export function isMirrorPod(pod: PodShape): boolean {
  return pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

/** Controlled by a DaemonSet, or annotated as one (for pods a DaemonSet-like operator creates). */
export function isDaemonSetPod(pod: PodShape): boolean {
  const controller = pod.metadata?.ownerReferences?.find((owner) => owner.controller === true);
  if (controller?.kind === 'DaemonSet') return true;
  return pod.metadata?.annotations?.[DAEMONSET_POD_ANNOTATION] === 'true';
}

/**
 * Deleted longer ago than its grace period plus 30 s: the pod should be gone and CA stops
 * counting it, so a pod stuck terminating does not keep its node alive forever.
 */
export function isLongTerminating(pod: PodShape, nowMs: number): boolean {
  const deletion = pod.metadata?.deletionTimestamp;
  if (deletion === undefined) return false;
  const deletedAtMs = deletion instanceof Date ? deletion.getTime() : Date.parse(deletion);
  // An unreadable deletion time is treated as "not long terminating": counting the pod keeps
  // the node, which is the safe side.
  if (Number.isNaN(deletedAtMs)) return false;
  const graceMs = (pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  return deletedAtMs + graceMs + LONG_TERMINATING_EXTRA_MS < nowMs;
}
