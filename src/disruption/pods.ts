// Which pods a drain would evict, and the facts about a pod that the safety checks ask for.
// DaemonSet and mirror pods are never evicted (they die with the node, as in `kubectl drain
// --ignore-daemonsets` and Cluster Autoscaler); finished pods hold nothing worth keeping.
import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { annotationIsTrue, annotationOf } from './metadata';
import {
  CA_DAEMONSET_POD_ANNOTATION,
  MIRROR_POD_ANNOTATION,
  SAFE_TO_EVICT_ANNOTATION,
} from './well-known';

/** `namespace/name`, the way pods are named in messages and results. */
export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

export function namespaceOf(pod: V1Pod): string {
  return pod.metadata?.namespace ?? 'default';
}

export function isMirrorPod(pod: V1Pod): boolean {
  return annotationOf(pod, MIRROR_POD_ANNOTATION) !== undefined;
}

export function controllerOf(pod: V1Pod): V1OwnerReference | undefined {
  return pod.metadata?.ownerReferences?.find((owner) => owner.controller === true);
}

export function isDaemonSetPod(pod: V1Pod): boolean {
  return (
    controllerOf(pod)?.kind === 'DaemonSet' || annotationIsTrue(pod, CA_DAEMONSET_POD_ANNOTATION)
  );
}

/** Succeeded or Failed: the pod will never run again, so it neither moves nor blocks. */
export function isTerminal(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Running or about to: not finished and not already being deleted. */
export function isActive(pod: V1Pod): boolean {
  return !isTerminal(pod) && pod.metadata?.deletionTimestamp === undefined;
}

/** Pods that stay on the node until it disappears: DaemonSet and mirror (static) pods. */
export function isNodeBound(pod: V1Pod): boolean {
  return isDaemonSetPod(pod) || isMirrorPod(pod);
}

/** The pods a drain of their node would evict, and that must therefore run somewhere else. */
export function podsDrainWouldEvict(pods: readonly V1Pod[]): V1Pod[] {
  return pods.filter((pod) => !isTerminal(pod) && !isNodeBound(pod));
}

/** Cluster Autoscaler's `safe-to-evict: "true"`: the owner accepts losing this pod. */
export function isMarkedSafeToEvict(pod: V1Pod): boolean {
  return annotationIsTrue(pod, SAFE_TO_EVICT_ANNOTATION);
}

/** Cluster Autoscaler's `safe-to-evict: "false"`: the owner forbids evicting this pod. */
export function isMarkedNotSafeToEvict(pod: V1Pod): boolean {
  return annotationOf(pod, SAFE_TO_EVICT_ANNOTATION) === 'false';
}
