// Which offering a group would use for the pods: the one placing the most pods, then the
// cheapest in total for them, then the group's preferredOffering, then the fewest nodes, then
// the offering id (so the answer never depends on input order).
import type { PackResult } from './packing';
import type { GroupView } from './types';

export interface OfferingChoice {
  readonly result: PackResult;
  /** Why this offering, for the summary: "is the cheapest that fits". */
  readonly why: string;
}

export function totalPrice(result: PackResult): number | undefined {
  const price = result.template.offering.priceMonthly;
  return price === undefined ? undefined : price * result.nodeCount;
}

const criteria: readonly [string, (r: PackResult, group: GroupView) => number][] = [
  ['places the most pods', (r) => -r.placed],
  ['is the cheapest that fits', (r) => totalPrice(r) ?? Infinity],
  ['is the preferred offering', (r, g) => (r.template.offering.id === g.preferredOffering ? 0 : 1)],
  ['needs the fewest nodes', (r) => r.nodeCount],
];

export function chooseOffering(
  group: GroupView,
  results: readonly PackResult[],
): OfferingChoice | undefined {
  if (results.length === 0) return undefined;
  if (results.length === 1) {
    const only =
      group.offerings.length === 1
        ? "is the group's only offering"
        : 'is the only offering that fits';
    return { result: results[0]!, why: only };
  }
  let left = [...results].sort((a, b) =>
    a.template.offering.id < b.template.offering.id
      ? -1
      : a.template.offering.id > b.template.offering.id
        ? 1
        : 0,
  );
  for (const [why, score] of criteria) {
    const scores = left.map((r) => score(r, group));
    const best = Math.min(...scores);
    const kept = left.filter((_, i) => scores[i] === best);
    if (kept.length === 1) return { result: kept[0]!, why };
    left = kept;
  }
  return { result: left[0]!, why: 'comes first by id among equal offerings' };
}
