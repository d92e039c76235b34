// Which pods a drain would evict, and the facts about a pod that the safety checks ask for.
// DaemonSet and mirror pods are never evicted (they die with the node, as in `kubectl drain
// --ignore-daemonsets` and Cluster Autoscaler); finished pods hold nothing worth keeping.
import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { annotationIsTrue, annotationOf } from './metadata';
import { isDaemonSetPod, isMirrorPod, isTerminal } from '../state/utilization/pod-kinds';
import { SAFE_TO_EVICT_ANNOTATION } from './well-known';

/** `namespace/name`, the way pods are named in messages and results. */
export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

export function namespaceOf(pod: V1Pod): string {
  return pod.metadata?.namespace ?? 'default';
}

export function controllerOf(pod: V1Pod): V1OwnerReference | undefined {
  return pod.metadata?.ownerReferences?.find((owner) => owner.controller === true);
}

// One classification of pods for utilisation and for draining, so the same pods count the same.
export { isDaemonSetPod, isMirrorPod, isTerminal } from '../state/utilization/pod-kinds';

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
