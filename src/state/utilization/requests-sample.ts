// Requests-based utilisation, Cluster Autoscaler's measure for scale-down
// (simulator/utilization.CalculateUtilizationOfResource): the pods' effective requests over the
// node's allocatable, per resource.
//
// Which pods count, and why:
// - Succeeded and Failed pods never count: they hold nothing (CA's pod lister filters them out).
// - Pods deleted longer ago than their grace period + 30 s do not count (CA's long-terminating
//   rule): they are on their way out and must not keep the node.
// - DaemonSet and mirror (static) pods count like any other pod by default, as in CA, whose
//   --ignore-daemonsets-utilization and --ignore-mirror-pods-utilization default to false. They
//   run on every node, so counting them keeps a node that hosts only them from looking empty
//   when its allocatable is small. With the ignore options they leave both sides of the ratio:
//   their requests are subtracted from allocatable instead of added to the pods' sum.

import { SampleInputError } from './errors';
import { allocatableOf } from './allocatable';
import type { PodShape, ResourceList } from './kubernetes-shapes';
import { isDaemonSetPod, isLongTerminating, isMirrorPod, isTerminal } from './pod-kinds';
import { type SampledResource, podRequest } from './pod-requests';
import type { UtilizationSample } from './sample';

export interface RequestsSampleOptions {
  /** When the sample is taken (epoch ms); also "now" for the long-terminating rule. */
  readonly timestampMs: number;
  /** CA's --ignore-daemonsets-utilization. Default false. */
  readonly ignoreDaemonSetPods?: boolean;
  /** CA's --ignore-mirror-pods-utilization. Default false. */
  readonly ignoreMirrorPods?: boolean;
}

/**
 * The node's requests-based utilisation sample. `nodeAllocatable` is node.status.allocatable;
 * `podsOnNode` are the pods bound to the node (spec.nodeName), in any phase. Throws
 * SampleInputError when allocatable is missing or zero, or a quantity is malformed or negative.
 */
export function requestsSample(
  nodeAllocatable: ResourceList | undefined,
  podsOnNode: Iterable<PodShape>,
  options: RequestsSampleOptions,
): UtilizationSample {
  const pods = [...podsOnNode];
  return {
    timestampMs: options.timestampMs,
    cpu: requestsRatio(nodeAllocatable, pods, 'cpu', options),
    memory: requestsRatio(nodeAllocatable, pods, 'memory', options),
  };
}

function requestsRatio(
  nodeAllocatable: ResourceList | undefined,
  pods: readonly PodShape[],
  resource: SampledResource,
  options: RequestsSampleOptions,
): number {
  const allocatable = allocatableOf(nodeAllocatable, resource);
  let requested = 0;
  let ignored = 0;
  for (const pod of pods) {
    if (isTerminal(pod)) continue;
    const request = podRequest(pod, resource);
    if (
      (options.ignoreDaemonSetPods === true && isDaemonSetPod(pod)) ||
      (options.ignoreMirrorPods === true && isMirrorPod(pod))
    ) {
      ignored += request;
      continue;
    }
    if (isLongTerminating(pod, options.timestampMs)) continue;
    requested += request;
  }
  const available = allocatable - ignored;
  if (!(available > 0)) {
    throw new SampleInputError(
      `ignored DaemonSet/mirror pods request all allocatable ${resource} (${ignored} of ${allocatable})`,
    );
  }
  return requested / available;
}
