// A pod's effective CPU and memory request, computed the way kube-scheduler reserves room for it
// (component-helpers resource.PodRequests), so our utilisation agrees with what the scheduler —
// and Cluster Autoscaler, which calls the same helper — believe is taken on the node:
//
//   containers     the sum of every regular container's request;
//   sidecars       init containers with restartPolicy Always run for the pod's life, so they add
//                  to that sum too;
//   init peak      an ordinary init container runs alone, next only to the sidecars started
//                  before it, so the pod needs max(its request + those sidecars) at start-up;
//   effective      max(containers + sidecars, init peak);
//   pod level      a pod-level request (spec.resources, PodLevelResources) replaces the above;
//   overhead       RuntimeClass overhead (spec.overhead) is added last.
//
// Requests only: the API server defaults a missing request to the limit at admission, so pods
// read from the API already carry it. In-place resize (status.containerStatuses[].allocated
// resources) is not considered; the spec is what the scheduler admitted.

import { QuantityError, parseQuantity } from '../quantity';
import { SampleInputError } from './errors';
import type { ContainerShape, PodShape, ResourceList } from './kubernetes-shapes';

export type SampledResource = 'cpu' | 'memory';

/** The pod's effective request of `resource`: cores for cpu, bytes for memory. */
export function podRequest(pod: PodShape, resource: SampledResource): number {
  const spec = pod.spec;
  const podLevel = spec?.resources?.requests?.[resource];
  let total: number;
  if (podLevel !== undefined) {
    total = requestQuantity(pod, 'spec.resources.requests', resource, podLevel);
  } else {
    let running = 0;
    for (const container of spec?.containers ?? []) {
      running += containerRequest(pod, container, resource);
    }
    let sidecars = 0;
    let initPeak = 0;
    for (const container of spec?.initContainers ?? []) {
      const own = containerRequest(pod, container, resource);
      if (container.restartPolicy === 'Always') {
        running += own;
        sidecars += own;
        initPeak = Math.max(initPeak, sidecars);
      } else {
        initPeak = Math.max(initPeak, own + sidecars);
      }
    }
    total = Math.max(running, initPeak);
  }
  const overhead = spec?.overhead?.[resource];
  if (overhead !== undefined) {
    total += requestQuantity(pod, 'spec.overhead', resource, overhead);
  }
  return total;
}

function containerRequest(pod: PodShape, container: ContainerShape, resource: SampledResource) {
  const value = container.resources?.requests?.[resource];
  if (value === undefined) return 0;
  return requestQuantity(
    pod,
    `container ${container.name ?? '(unnamed)'} requests`,
    resource,
    value,
  );
}

function requestQuantity(
  pod: PodShape,
  where: string,
  resource: SampledResource,
  value: NonNullable<ResourceList[string]>,
): number {
  let parsed: number;
  try {
    parsed = parseQuantity(value);
  } catch (error) {
    if (error instanceof QuantityError) {
      throw new SampleInputError(`pod ${podName(pod)}: ${where}.${resource}: ${error.message}`);
    }
    throw error;
  }
  if (parsed < 0) {
    throw new SampleInputError(`pod ${podName(pod)}: ${where}.${resource} is negative (${value})`);
  }
  return parsed;
}

/** namespace/name for messages. */
function podName(pod: PodShape): string {
  const { namespace, name } = pod.metadata ?? {};
  return `${namespace ?? '(no namespace)'}/${name ?? '(unnamed)'}`;
}
