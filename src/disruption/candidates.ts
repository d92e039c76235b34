// Which nodes of one group to scale down now, and for every other node why not.
// A node is a candidate when its utilisation has stayed below the group's threshold for the
// group's unneeded time (Cluster Autoscaler's --scale-down-utilization-threshold 0.5 and
// --scale-down-unneeded-time 10m). Empty nodes go first (nothing to drain, nothing can go
// wrong), then the least utilised. Two limits cap the choice, both counting the removals already
// in flight: minNodes (the earlier autoscaler counted deleting nodes as still there and
// cascade-deleted whole groups) and maxConcurrentScaleDowns. The utilisation history itself is
// someone else's job (src/state/utilization); this module takes its conclusion as input.
import type { V1Pod } from '@kubernetes/client-node';
import { podsDrainWouldEvict } from './pods';
import type { SafetyFailure, SafetyResult } from './safety/result';

export interface CandidateNode {
  name: string;
  /** Current utilisation: max(cpu, memory) of requests / allocatable, 0..1; undefined if unknown. */
  utilization: number | undefined;
  /** Since when utilisation has stayed below the group's threshold; undefined if it is not. */
  belowThresholdSinceMs: number | undefined;
  /** Pods bound to the node. */
  pods: readonly V1Pod[];
  /** Already being removed (cordoned by us, draining, terminating). */
  beingDeleted?: boolean;
}

export interface CandidateGroupPolicy {
  minNodes: number;
  /** Default 0.5. */
  utilizationThreshold?: number;
  /** Default 10 minutes. */
  unneededTimeMs?: number;
  /** Removals of this group that may be in flight at once; default 1. */
  maxConcurrentScaleDowns?: number;
  /**
   * Nodes with a scale-down operation running, whether or not their Node shows it yet (a
   * workflow started a moment ago has not cordoned its node). Counted with beingDeleted.
   */
  inFlightRemovals?: readonly string[];
}

export interface CandidateInput {
  /** The group's nodes. */
  nodes: readonly CandidateNode[];
  group: CandidateGroupPolicy;
  nowMs: number;
  /**
   * Optional safety gate, e.g. runSafetyChecks with otherNodesLeaving = alreadyChosen. A node it
   * rejects is skipped and the next candidate is tried, so one blocked node does not stall the
   * group. Without it, the caller checks the chosen nodes itself.
   */
  isSafeToRemove?: (node: string, alreadyChosen: readonly string[]) => SafetyResult;
}

export const CANDIDATE_DEFAULTS = {
  utilizationThreshold: 0.5,
  unneededTimeMs: 10 * 60_000,
  maxConcurrentScaleDowns: 1,
} as const;

/** Why a node was not chosen: stable codes for status, events and "why won't it go away?". */
export const NOT_CHOSEN_REASONS = [
  'being_deleted',
  'no_utilization_data',
  'above_threshold',
  'unneeded_time_not_reached',
  'unsafe',
  'min_nodes',
  'concurrency_limit',
] as const;
export type NotChosenReason = (typeof NOT_CHOSEN_REASONS)[number];

export interface ChosenCandidate {
  name: string;
  /** Runs only DaemonSet, mirror or finished pods: nothing to evict. */
  empty: boolean;
  utilization: number;
  /** How long it has been below the threshold. */
  unneededForMs: number;
}

export interface NotChosen {
  name: string;
  reason: NotChosenReason;
  message: string;
  /** For `unsafe`: every failing safety check, the first being the blocking one. */
  safetyFailures?: readonly SafetyFailure[];
}

export interface CandidateSelection {
  /** In removal order. */
  chosen: ChosenCandidate[];
  /** Every other node of the group, in input order. */
  notChosen: NotChosen[];
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

function minutes(ms: number): string {
  return `${Math.round(ms / 6000) / 10} min`;
}

/** Most removable first: empty, then least utilised, then longest unneeded, then by name. */
function removalOrder(a: ChosenCandidate, b: ChosenCandidate): number {
  return (
    Number(b.empty) - Number(a.empty) ||
    a.utilization - b.utilization ||
    b.unneededForMs - a.unneededForMs ||
    a.name.localeCompare(b.name)
  );
}

export function selectCandidates(input: CandidateInput): CandidateSelection {
  const threshold = input.group.utilizationThreshold ?? CANDIDATE_DEFAULTS.utilizationThreshold;
  const unneededTimeMs = input.group.unneededTimeMs ?? CANDIDATE_DEFAULTS.unneededTimeMs;
  const maxConcurrent =
    input.group.maxConcurrentScaleDowns ?? CANDIDATE_DEFAULTS.maxConcurrentScaleDowns;

  const deleting = new Set(input.group.inFlightRemovals ?? []);
  for (const node of input.nodes) if (node.beingDeleted) deleting.add(node.name);
  const activeCount = input.nodes.filter((node) => !deleting.has(node.name)).length;

  const verdicts = new Map<string, NotChosen>();
  const reject = (name: string, reason: NotChosenReason, message: string) =>
    verdicts.set(name, { name, reason, message });

  const eligible: ChosenCandidate[] = [];
  for (const node of input.nodes) {
    const { name, utilization, belowThresholdSinceMs: since } = node;
    if (deleting.has(name)) {
      reject(name, 'being_deleted', 'already being removed');
    } else if (utilization === undefined || !Number.isFinite(utilization) || utilization < 0) {
      reject(name, 'no_utilization_data', 'no utilisation measured yet');
    } else if (utilization >= threshold) {
      reject(
        name,
        'above_threshold',
        `utilisation ${percent(utilization)} is not below the threshold ${percent(threshold)}`,
      );
    } else if (since === undefined) {
      // Below now, but the sample history has not (yet) seen it stay below.
      reject(name, 'unneeded_time_not_reached', 'only just went below the threshold');
    } else if (input.nowMs - since < unneededTimeMs) {
      reject(
        name,
        'unneeded_time_not_reached',
        `below the threshold for ${minutes(input.nowMs - since)} of the ` +
          `${minutes(unneededTimeMs)} required`,
      );
    } else {
      const empty = podsDrainWouldEvict(node.pods).length === 0;
      eligible.push({ name, empty, utilization, unneededForMs: input.nowMs - since });
    }
  }
  eligible.sort(removalOrder);

  // Both limits count removals already in flight, so retrying a pass never exceeds them.
  const removableAboveMin = Math.max(0, activeCount - input.group.minNodes);
  const freeSlots = Math.max(0, maxConcurrent - deleting.size);
  const limit = Math.min(removableAboveMin, freeSlots);
  const limitReason: NotChosenReason =
    removableAboveMin <= freeSlots ? 'min_nodes' : 'concurrency_limit';
  const limitMessage =
    limitReason === 'min_nodes'
      ? `the group keeps at least ${input.group.minNodes} node(s) and ${activeCount} remain ` +
        'outside removals in flight'
      : `${deleting.size} of at most ${maxConcurrent} concurrent scale-down(s) already in flight`;

  const chosen: ChosenCandidate[] = [];
  for (const candidate of eligible) {
    if (chosen.length >= limit) {
      const taken = chosen.length > 0 ? ` (${chosen.length} chosen in this pass)` : '';
      reject(candidate.name, limitReason, `eligible, but ${limitMessage}${taken}`);
      continue;
    }
    const safety = input.isSafeToRemove?.(
      candidate.name,
      chosen.map((c) => c.name),
    );
    if (safety && !safety.ok) {
      verdicts.set(candidate.name, {
        name: candidate.name,
        reason: 'unsafe',
        message: `blocked by ${safety.blocking.code}: ${safety.blocking.message}`,
        safetyFailures: safety.failures,
      });
      continue;
    }
    chosen.push(candidate);
  }

  const notChosen = input.nodes.flatMap((node) => {
    const verdict = verdicts.get(node.name);
    return verdict ? [verdict] : [];
  });
  return { chosen, notChosen };
}
