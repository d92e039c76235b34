// One sampling round: a utilisation sample per node into the store, then the store trimmed to
// the nodes that were listed, so a node deleted between rounds (even one whose delete event we
// never saw) cannot keep its ring forever. Pure apart from writing the store: the caller reads
// the cluster and the metrics API and passes plain data in.
//
// Each node is sampled from the source its NodeGroup chose (scaleDownPolicy.utilizationSource):
// - `requests`: pod requests / allocatable (requestsSample), stamped with the round's time;
// - `usage`: metrics.k8s.io usage / allocatable (usageSample), stamped with the time
//   metrics-server measured it. A usage node falls back to a requests sample for this round when
//   the API gave us nothing (not served, switched off, failing), has no figures for the node (a
//   node that just joined), has figures we cannot read, or has figures older than the node's
//   newest sample — a sample stamped before the newest one would be refused by the store, and a
//   reading older than what we already hold is not news. The same timestamp again is recorded:
//   the store replaces the newest sample with it, so re-reading one measurement counts once.
//
// A node whose sample cannot be computed (no allocatable yet, a malformed quantity) or is
// refused (a clock that went back) keeps its earlier samples but gets none this round. The gap
// that leaves breaks its below-threshold run (see belowThresholdSince), which is the safe side:
// a node we could not measure is never judged idle on old data.

import { InvalidSampleError, SampleInputError } from './errors';
import type { NodeMetricsShape, PodShape, ResourceList } from './kubernetes-shapes';
import type { NodeSampleStore } from './node-samples';
import { requestsSample, type RequestsSampleOptions } from './requests-sample';
import type { UtilizationSample } from './sample';
import { usageSample } from './usage-sample';

/** What a node's samples measure; a NodeGroup's scaleDownPolicy.utilizationSource. */
export type UtilizationSource = 'requests' | 'usage';

export interface SampledNode {
  readonly name: string;
  /** node.status.allocatable */
  readonly allocatable: ResourceList | undefined;
  /** Default 'requests'. */
  readonly source?: UtilizationSource;
}

export interface SamplingRoundOptions extends RequestsSampleOptions {
  /**
   * metrics.k8s.io NodeMetrics by node name, as read for this round; undefined when there are
   * none to be had (API not served or failing, or usage switched off cluster-wide). Only nodes
   * whose source is 'usage' look here.
   */
  readonly nodeMetrics?: ReadonlyMap<string, NodeMetricsShape>;
}

/** Why a 'usage' node was sampled by requests this round. */
export type FallbackReason =
  /** No NodeMetrics at all this round (options.nodeMetrics undefined). */
  | 'metrics-unavailable'
  /** The API answered but has no figures for this node. */
  | 'no-figures'
  /** The figures are unreadable (no timestamp, no cpu or memory, a malformed quantity). */
  | 'invalid-figures'
  /** The figures were measured before the node's newest sample. */
  | 'stale-figures';

export interface SamplingFallback {
  readonly node: string;
  readonly reason: FallbackReason;
  /** What was wrong with the figures, for 'invalid-figures' and 'stale-figures'. */
  readonly message?: string;
}

export interface SamplingFailure {
  readonly node: string;
  readonly message: string;
}

export interface SamplingRoundResult {
  /** Nodes that got a sample. */
  readonly recorded: number;
  /** Of those, nodes whose sample is usage-based. */
  readonly recordedUsage: number;
  /** Nodes whose samples were dropped because they were not listed any more. */
  readonly dropped: number;
  /** 'usage' nodes sampled by requests this round (whether or not that sample succeeded). */
  readonly fallbacks: readonly SamplingFallback[];
  readonly failures: readonly SamplingFailure[];
}

/**
 * Samples every node in `nodes` (all of them: the store keeps only these afterwards).
 * `podsByNode` maps a node name to the pods bound to it; a node missing from it has no pods.
 */
export function recordSamplingRound(
  store: NodeSampleStore,
  nodes: readonly SampledNode[],
  podsByNode: ReadonlyMap<string, readonly PodShape[]>,
  options: SamplingRoundOptions,
): SamplingRoundResult {
  let recorded = 0;
  let recordedUsage = 0;
  const fallbacks: SamplingFallback[] = [];
  const failures: SamplingFailure[] = [];
  for (const node of nodes) {
    let usage: UtilizationSample | undefined;
    if (node.source === 'usage') {
      const chosen = usageFor(store, node, options.nodeMetrics);
      if ('sample' in chosen) usage = chosen.sample;
      else fallbacks.push(chosen.fallback);
    }
    try {
      store.addSample(
        node.name,
        usage ?? requestsSample(node.allocatable, podsByNode.get(node.name) ?? [], options),
      );
      recorded++;
      if (usage) recordedUsage++;
    } catch (error) {
      if (!(error instanceof SampleInputError || error instanceof InvalidSampleError)) throw error;
      failures.push({ node: node.name, message: error.message });
    }
  }
  const dropped = store.retainOnly(new Set(nodes.map((node) => node.name)));
  return { recorded, recordedUsage, dropped, fallbacks, failures };
}

/** The node's usage sample, or why it has none this round. */
function usageFor(
  store: NodeSampleStore,
  node: SampledNode,
  nodeMetrics: ReadonlyMap<string, NodeMetricsShape> | undefined,
): { sample: UtilizationSample } | { fallback: SamplingFallback } {
  if (nodeMetrics === undefined) {
    return { fallback: { node: node.name, reason: 'metrics-unavailable' } };
  }
  const item = nodeMetrics.get(node.name);
  if (item === undefined) return { fallback: { node: node.name, reason: 'no-figures' } };
  let sample: UtilizationSample;
  try {
    sample = usageSample(node.allocatable, item);
  } catch (error) {
    if (!(error instanceof SampleInputError)) throw error;
    // Also a missing or zero allocatable; the requests sample then fails with the same cause
    // and the node is reported among the failures.
    return {
      fallback: { node: node.name, reason: 'invalid-figures', message: error.message },
    };
  }
  const series = store.series(node.name);
  const newestMs = series && series.size > 0 ? series.timestampAt(series.size - 1) : undefined;
  if (newestMs !== undefined && sample.timestampMs < newestMs) {
    return {
      fallback: {
        node: node.name,
        reason: 'stale-figures',
        message: `usage measured at ${item.timestamp} is older than the newest sample at ${new Date(newestMs).toISOString()}`,
      },
    };
  }
  return { sample };
}
