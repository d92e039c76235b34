// What a predicate is: a cheap yes/no for the packing loops, and an explanation built only when
// someone will read it (a group's reason in an event), so millions of checks build no strings.
import type { UnschedulableConstraint } from '../../metrics/label-values';
import type { PodClass } from '../pod-class';
import type { SimNode } from '../sim-node';

export const PREDICATE_NAMES = [
  'node_selector',
  'node_affinity',
  'taints',
  'resources',
  'host_ports',
  'pod_affinity',
  'pod_anti_affinity',
  'topology_spread',
] as const;
export type PredicateName = (typeof PREDICATE_NAMES)[number];

export interface Rejection {
  readonly predicate: PredicateName;
  /** The metric label (UNSCHEDULABLE_CONSTRAINTS) for this rejection. */
  readonly constraint: UnschedulableConstraint;
  /** For people, phrased about a new node of a group, e.g. "taint gpu=true:NoSchedule not tolerated". */
  readonly reason: string;
  /** Set by `resources`: the first resource that does not fit. */
  readonly shortfall?: { resource: string; needed: number; available: number };
}

export interface Predicate {
  /**
   * Reads only the node's name, labels and taints (never what is placed on it), so one verdict
   * holds for every node of a template and for an existing node for the whole plan.
   */
  readonly static: boolean;
  fits(cls: PodClass, node: SimNode): boolean;
  /** Only called when `fits` said no. */
  explain(cls: PodClass, node: SimNode): Rejection;
}
