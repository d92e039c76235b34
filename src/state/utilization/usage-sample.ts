// Usage-based utilisation from metrics-server (metrics.k8s.io NodeMetrics), for clusters that set
// features.metricsServerUtilization. The sample is stamped with the time metrics-server measured
// the usage, not the time we asked, so polling faster than metrics-server scrapes yields the same
// timestamp again — which the store treats as a replacement, not a new sample.
//
// Usage may exceed allocatable (kubelet, the container runtime and system daemons run in the
// reserved part of the node), so ratios above 1 are real measurements and are kept.

import { QuantityError, parseQuantity } from '../quantity';
import { allocatableOf } from './allocatable';
import { SampleInputError } from './errors';
import type { NodeMetricsShape, ResourceList } from './kubernetes-shapes';
import type { SampledResource } from './pod-requests';
import type { UtilizationSample } from './sample';

/**
 * The node's usage sample. Throws SampleInputError when allocatable is missing or zero, or the
 * metrics item has no readable timestamp or usage.
 */
export function usageSample(
  nodeAllocatable: ResourceList | undefined,
  nodeMetrics: NodeMetricsShape,
): UtilizationSample {
  const timestampMs = Date.parse(nodeMetrics.timestamp);
  if (Number.isNaN(timestampMs)) {
    throw new SampleInputError(
      `${metricsName(nodeMetrics)}: timestamp ${JSON.stringify(nodeMetrics.timestamp)} is not an RFC 3339 time`,
    );
  }
  return {
    timestampMs,
    cpu: usageOf(nodeMetrics, 'cpu') / allocatableOf(nodeAllocatable, 'cpu'),
    memory: usageOf(nodeMetrics, 'memory') / allocatableOf(nodeAllocatable, 'memory'),
  };
}

function usageOf(nodeMetrics: NodeMetricsShape, resource: SampledResource): number {
  const written = nodeMetrics.usage[resource];
  if (written === undefined) {
    throw new SampleInputError(`${metricsName(nodeMetrics)}: usage has no ${resource}`);
  }
  let value: number;
  try {
    value = parseQuantity(written);
  } catch (error) {
    if (error instanceof QuantityError) {
      throw new SampleInputError(
        `${metricsName(nodeMetrics)}: usage.${resource}: ${error.message}`,
      );
    }
    throw error;
  }
  if (value < 0) {
    throw new SampleInputError(
      `${metricsName(nodeMetrics)}: usage.${resource} is negative (${written})`,
    );
  }
  return value;
}

function metricsName(nodeMetrics: NodeMetricsShape): string {
  return `NodeMetrics ${nodeMetrics.metadata?.name ?? '(unnamed)'}`;
}
