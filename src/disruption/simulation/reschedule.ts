// Where would the drained pods go? A first-fit simulation of the scheduler over the nodes that
// stay: each pod, largest first, goes to the first destination (by name) that passes the node
// predicates and required pod anti-affinity, and its requests are added there before the next
// pod is tried. A pod that fits nowhere is recorded and skipped, so one run finds them all.
// First-fit can miss a packing a smarter search would find; it never claims a fit that is not
// there, which is the safe direction for a scale-down check.
import type { V1Pod } from '@kubernetes/client-node';
import { nodeName } from '../nodes';
import { podKey } from '../pods';
import { type ResourceAmounts, addInto, nodeAllocatable, PODS, podRequests } from '../resources';
import type { PvsByClaim } from '../volumes';
import { type RemovalInput, clusterAfterRemoval } from './cluster-after-removal';
import { type NodeCapacity, type PodNeeds, nodeFitRejection, podNeeds } from './node-fit';
import { PodTopology } from './pod-anti-affinity';

export type ReschedulingInput = RemovalInput & { pvsByClaim: PvsByClaim };

export interface UnplacedPod {
  pod: string;
  /** `no_fit`: no destination passes the node predicates; `anti_affinity`: some do, but
   *  required pod anti-affinity rules each of them out. */
  cause: 'no_fit' | 'anti_affinity';
  /** The scheduler-style explanation, e.g. "0/3 nodes are available: 3 Insufficient cpu." */
  detail: string;
}

export interface ReschedulingResult {
  /** Pod `namespace/name` → node it would go to. */
  placements: ReadonlyMap<string, string>;
  unplaced: readonly UnplacedPod[];
}

const ANTI_AFFINITY_REASON = "didn't satisfy existing pods anti-affinity rules";

function withPodSlot(requests: Readonly<ResourceAmounts>): ResourceAmounts {
  return { ...requests, [PODS]: 1 };
}

function summary(total: number, reasons: ReadonlyMap<string, number>): string {
  if (total === 0) return 'no Ready, schedulable node remains';
  const parts = [...reasons].map(([reason, count]) => `${count} node(s) ${reason}`);
  return `0/${total} nodes are available: ${parts.join(', ')}`;
}

export function simulateRescheduling(input: ReschedulingInput): ReschedulingResult {
  const view = clusterAfterRemoval(input);
  const targets: NodeCapacity[] = view.destinations.map((node) => {
    const requested: ResourceAmounts = {};
    for (const pod of view.podsByNode.get(nodeName(node)) ?? []) {
      addInto(requested, withPodSlot(podRequests(pod)));
    }
    return { node, allocatable: nodeAllocatable(node), requested };
  });
  const topology = new PodTopology(view.staying, view.podsByNode);

  const placements = new Map<string, string>();
  const unplaced: UnplacedPod[] = [];
  for (const pod of view.podsToMove) {
    const target = place(pod, podNeeds(pod, input.pvsByClaim), targets, topology);
    if (typeof target === 'string') {
      placements.set(podKey(pod), target);
    } else {
      unplaced.push({ pod: podKey(pod), ...target });
    }
  }
  return { placements, unplaced };
}

function place(
  pod: V1Pod,
  needs: PodNeeds,
  targets: readonly NodeCapacity[],
  topology: PodTopology,
): string | Omit<UnplacedPod, 'pod'> {
  const reasons = new Map<string, number>();
  const antiAffinityConflict = topology.conflictsFor(pod);
  let firstConflict: string | undefined;
  for (const target of targets) {
    const rejection = nodeFitRejection(pod, needs, target);
    const conflict = rejection ? undefined : antiAffinityConflict(target.node);
    if (!rejection && !conflict) {
      addInto(target.requested, withPodSlot(needs.requests));
      topology.add(pod, nodeName(target.node));
      return nodeName(target.node);
    }
    firstConflict ??= conflict;
    const reason = rejection ?? ANTI_AFFINITY_REASON;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const detail = summary(targets.length, reasons);
  return firstConflict
    ? { cause: 'anti_affinity', detail: `${detail} (${firstConflict})` }
    : { cause: 'no_fit', detail };
}
