// An expander narrows the NodeGroup options of a scale-up to its favourites (Cluster
// Autoscaler's expanders). It keeps every option tied for best, so the next expander of the
// chain can break the tie.
import type { GroupView, OfferingInfo } from '../types';

/** One NodeGroup's best way to run (some of) the pending pods. */
export interface ExpansionOption {
  readonly group: GroupView;
  readonly offering: OfferingInfo;
  readonly nodeCount: number;
  readonly podCount: number;
  /** Requests of the pods placed (cpu in millicores, memory in bytes). */
  readonly requested: { readonly cpu: number; readonly memory: number };
  /** Allocatable of all the new nodes together, after systemReserved. */
  readonly allocatable: { readonly cpu: number; readonly memory: number };
  /** nodeCount × the offering's monthly price; undefined when the offering has no price. */
  readonly totalPrice: number | undefined;
}

export interface ExpanderContext {
  /** In [0, 1). */
  random: () => number;
}

export type Expander = (
  options: readonly ExpansionOption[],
  context: ExpanderContext,
) => ExpansionOption[];

// Scores are ratios and sums of them; a difference this small is rounding, not preference.
const EPSILON = 1e-9;

/** The options whose score is lowest (ties kept). */
export function keepLowest(
  options: readonly ExpansionOption[],
  score: (option: ExpansionOption) => number,
): ExpansionOption[] {
  const scores = options.map(score);
  const best = Math.min(...scores);
  return options.filter((_, i) => scores[i]! <= best + EPSILON || scores[i] === best);
}

/** The options whose score is highest (ties kept). */
export function keepHighest(
  options: readonly ExpansionOption[],
  score: (option: ExpansionOption) => number,
): ExpansionOption[] {
  return keepLowest(options, (o) => -score(o));
}
