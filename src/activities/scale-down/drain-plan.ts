// Which pods a drain evicts, with what grace period, and which of them are gone yet. Pure: the
// drain activity lists the pods and passes them in.
import type { V1Pod } from '@kubernetes/client-node';
import { isDaemonSetPod, isMirrorPod, isTerminal, podKey } from '../../disruption/pods';

/** What Kubernetes gives a pod that does not set `terminationGracePeriodSeconds`. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

export interface PlannedEviction {
  /** `namespace/name`, as pods are named in messages and heartbeats. */
  key: string;
  namespace: string;
  name: string;
  /** The pod we mean: a pod recreated under the same name is another pod. */
  uid: string;
  gracePeriodSeconds: number;
  labels: Record<string, string>;
}

/** Why a pod on the node is left alone (DaemonSet and mirror pods go down with the node). */
export type SkipReason = 'mirror' | 'daemonset' | 'terminal';

export interface DrainPlan {
  evict: PlannedEviction[];
  skipped: Array<{ key: string; reason: SkipReason }>;
}

/** The pod's own grace period, never longer than the group allows a drain to wait for it. */
export function cappedGracePeriodSeconds(pod: V1Pod, maxSeconds: number): number {
  const own = pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  return Math.max(0, Math.min(own, maxSeconds));
}

function skipReason(pod: V1Pod): SkipReason | undefined {
  if (isMirrorPod(pod)) return 'mirror';
  if (isDaemonSetPod(pod)) return 'daemonset';
  if (isTerminal(pod)) return 'terminal';
  return undefined;
}

/** Pods already terminating are evicted too: the eviction can only shorten their grace period. */
export function planDrain(
  pods: readonly V1Pod[],
  limits: { maxTerminationGracePeriodSeconds: number },
): DrainPlan {
  const plan: DrainPlan = { evict: [], skipped: [] };
  for (const pod of pods) {
    const reason = skipReason(pod);
    if (reason) {
      plan.skipped.push({ key: podKey(pod), reason });
      continue;
    }
    plan.evict.push({
      key: podKey(pod),
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
      gracePeriodSeconds: cappedGracePeriodSeconds(pod, limits.maxTerminationGracePeriodSeconds),
      labels: { ...pod.metadata?.labels },
    });
  }
  // A stable order makes heartbeats and messages comparable between polls and attempts.
  plan.evict.sort((a, b) => a.key.localeCompare(b.key));
  return plan;
}

/**
 * The evicted pods still on the node: same namespace, name and UID, and not finished. A pod
 * recreated under the same name (a StatefulSet's) has another UID, so ours counts as gone.
 */
export function podsNotYetGone(
  evicted: readonly PlannedEviction[],
  podsOnNode: readonly V1Pod[],
): PlannedEviction[] {
  const present = new Set(
    podsOnNode
      .filter((pod) => !isTerminal(pod))
      .map((pod) => `${podKey(pod)}#${pod.metadata?.uid}`),
  );
  return evicted.filter((e) => present.has(`${e.key}#${e.uid}`));
}
