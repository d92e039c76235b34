// Verdicts of the static predicates (labels and taints) per pod class and node, computed once:
// an existing node keeps its labels for the whole plan and every node of a template shares the
// template's. The first-fit scans over 1,000 nodes then cost a byte lookup per node instead of
// re-matching selectors for every replica.
import { PREDICATES } from './predicates';
import type { PodClass } from './pod-class';
import type { SimNode } from './sim-node';

const AFFINITY_KNOWN = 1;
const AFFINITY_OK = 2;
const TAINTS_KNOWN = 4;
const TAINTS_OK = 8;

export class StaticVerdicts {
  private readonly byClass: (Uint8Array | undefined)[] = [];

  /** `size`: how many static ids (existing nodes plus templates) there are. */
  constructor(private readonly size: number) {}

  private row(cls: PodClass): Uint8Array {
    let row = this.byClass[cls.id];
    if (row === undefined) {
      row = new Uint8Array(this.size);
      this.byClass[cls.id] = row;
    }
    return row;
  }

  /** nodeSelector and required node affinity (what topology spread calls "eligible"). */
  affinityFits(cls: PodClass, node: SimNode): boolean {
    const row = this.row(cls);
    let bits = row[node.staticId]!;
    if ((bits & AFFINITY_KNOWN) === 0) {
      const ok =
        PREDICATES.node_selector.fits(cls, node) && PREDICATES.node_affinity.fits(cls, node);
      bits |= AFFINITY_KNOWN | (ok ? AFFINITY_OK : 0);
      row[node.staticId] = bits;
    }
    return (bits & AFFINITY_OK) !== 0;
  }

  taintsFit(cls: PodClass, node: SimNode): boolean {
    const row = this.row(cls);
    let bits = row[node.staticId]!;
    if ((bits & TAINTS_KNOWN) === 0) {
      bits |= TAINTS_KNOWN | (PREDICATES.taints.fits(cls, node) ? TAINTS_OK : 0);
      row[node.staticId] = bits;
    }
    return (bits & TAINTS_OK) !== 0;
  }

  /** Every static predicate. */
  fits(cls: PodClass, node: SimNode): boolean {
    return this.affinityFits(cls, node) && this.taintsFit(cls, node);
  }
}
