// Which pending pods a scale-up is for (Cluster Autoscaler's rules): the scheduler has tried and
// marked them Unschedulable, they are not bound, not being deleted and not finished, they have
// been unschedulable for at least new-pod-scale-up-delay, they are not DaemonSet pods, and their
// priority is not below the expendable-pods cutoff (pods that low would rather wait than cost a
// node).
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { timestampMs } from '../disruption/metadata';
import { isDaemonSetPod, isTerminal } from '../disruption/pods';

export interface PendingPodFilter {
  nowMs: number;
  newPodScaleUpDelaySeconds: number;
  expendablePodsPriorityCutoff: number;
}

function unschedulableCondition(pod: V1Pod): V1PodCondition | undefined {
  return pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
}

/** The scheduler gave up on it for now: PodScheduled=False (Unschedulable), unbound, live. */
export function isUnschedulable(pod: V1Pod): boolean {
  return (
    unschedulableCondition(pod) !== undefined &&
    !pod.spec?.nodeName &&
    pod.metadata?.deletionTimestamp === undefined &&
    !isTerminal(pod)
  );
}

/**
 * Since when it has been unschedulable: the condition's lastTransitionTime, else the pod's
 * creation. Undefined when neither is readable.
 */
function unschedulableSinceMs(pod: V1Pod): number | undefined {
  const condition = unschedulableCondition(pod);
  return (
    timestampMs(condition?.lastTransitionTime as Date | string | undefined) ??
    timestampMs(pod.metadata?.creationTimestamp as Date | string | undefined)
  );
}

export function filterPendingPods(pods: readonly V1Pod[], filter: PendingPodFilter): V1Pod[] {
  const delayMs = filter.newPodScaleUpDelaySeconds * 1000;
  return pods.filter((pod) => {
    if (!isUnschedulable(pod)) return false;
    // A DaemonSet pod is pinned to one existing node (node affinity on its name): a new node
    // could never run it, and new nodes get their own copy anyway.
    if (isDaemonSetPod(pod)) return false;
    if ((pod.spec?.priority ?? 0) < filter.expendablePodsPriorityCutoff) return false;
    if (delayMs <= 0) return true;
    // A pod without any readable timestamp cannot be shown to be too new; the API server always
    // sets creationTimestamp, so this only matters for hand-made objects.
    const since = unschedulableSinceMs(pod);
    return since === undefined || filter.nowMs - since >= delayMs;
  });
}
