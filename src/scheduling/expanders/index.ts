// The expander chain: each expander keeps its favourites among the options left by the one
// before; what is still tied at the end goes to the first group by namespace/name, so the same
// input always gives the same answer. A Record keyed by ExpanderName, so a name without an
// expander does not compile.
import type { ExpanderName } from '../types';
import { type Expander, type ExpanderContext, type ExpansionOption } from './expander';
import { leastNodes } from './least-nodes';
import { leastWaste } from './least-waste';
import { mostPods } from './most-pods';
import { price } from './price';
import { priority } from './priority';
import { random } from './random';

export const EXPANDERS: Readonly<Record<ExpanderName, Expander>> = {
  'least-waste': leastWaste,
  price,
  'most-pods': mostPods,
  'least-nodes': leastNodes,
  priority,
  random,
};

export interface ExpanderChoice {
  readonly winner: ExpansionOption;
  /** The expander that narrowed the options to one, 'name order' for the final tie-break, or
   *  'only option'. */
  readonly decidedBy: string;
}

function byName(a: ExpansionOption, b: ExpansionOption): number {
  const left = `${a.group.namespace}/${a.group.name}`;
  const right = `${b.group.namespace}/${b.group.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function runExpanders(
  options: readonly ExpansionOption[],
  chain: readonly ExpanderName[],
  context: ExpanderContext,
): ExpanderChoice {
  if (options.length === 0) throw new Error('runExpanders needs at least one option');
  if (options.length === 1) return { winner: options[0]!, decidedBy: 'only option' };
  let left = [...options].sort(byName);
  for (const name of chain) {
    const kept = EXPANDERS[name](left, context);
    // An expander never empties the field (a defensive guard for future expanders).
    if (kept.length === 0) continue;
    if (kept.length === 1) return { winner: kept[0]!, decidedBy: name };
    left = kept;
  }
  return { winner: left[0]!, decidedBy: 'name order' };
}

export type { Expander, ExpanderContext, ExpansionOption } from './expander';
export { wasteScore } from './least-waste';
export { pricePerPod } from './price';
