// One sampling round of requests-based utilisation: a sample per node into the store, then the
// store trimmed to the nodes that were listed, so a node deleted between rounds (even one whose
// delete event we never saw) cannot keep its ring forever. Pure apart from writing the store.
//
// A node whose sample cannot be computed (no allocatable yet, a malformed quantity) or is
// refused (a clock that went back) keeps its earlier samples but gets none this round. The gap
// that leaves breaks its below-threshold run (see belowThresholdSince), which is the safe side:
// a node we could not measure is never judged idle on old data.

import { InvalidSampleError, SampleInputError } from './errors';
import type { PodShape, ResourceList } from './kubernetes-shapes';
import type { NodeSampleStore } from './node-samples';
import { requestsSample, type RequestsSampleOptions } from './requests-sample';

export interface SampledNode {
  readonly name: string;
  /** node.status.allocatable */
  readonly allocatable: ResourceList | undefined;
}

export interface SamplingFailure {
  readonly node: string;
  readonly message: string;
}

export interface SamplingRoundResult {
  /** Nodes that got a sample. */
  readonly recorded: number;
  /** Nodes whose samples were dropped because they were not listed any more. */
  readonly dropped: number;
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
  options: RequestsSampleOptions,
): SamplingRoundResult {
  let recorded = 0;
  const failures: SamplingFailure[] = [];
  for (const node of nodes) {
    try {
      store.addSample(
        node.name,
        requestsSample(node.allocatable, podsByNode.get(node.name) ?? [], options),
      );
      recorded++;
    } catch (error) {
      if (!(error instanceof SampleInputError || error instanceof InvalidSampleError)) throw error;
      failures.push({ node: node.name, message: error.message });
    }
  }
  const dropped = store.retainOnly(new Set(nodes.map((node) => node.name)));
  return { recorded, dropped, failures };
}
