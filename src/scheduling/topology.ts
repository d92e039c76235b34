// Pods per topology domain, for required pod affinity, required pod anti-affinity (both
// directions) and DoNotSchedule topology spread, kept current as the plan places pods.
//
// kube-scheduler computes these counts per pod by walking every pod of the cluster; with 30,000
// bound pods and thousands of pending ones that is far too slow. Here the counters are created
// once per distinct term (replicas share them), seeded once from the bound pods (grouped by
// namespace and labels, so each term matches each label set once), and then bumped in O(1) per
// placement. Every bump goes through the Journal, so an option's simulation can be undone.
import type { BoundPodIndex } from './bound-pods';
import { Journal, type Revertible } from './journal';
import type { PodClass, SpreadRule } from './pod-class';
import { type SimNode, topologyValue } from './sim-node';
import type { CompiledTerm } from './terms';
import type { StaticVerdicts } from './verdicts';

/** How many pods (of some kind) are in each value of one topology key. */
export class DomainCounter implements Revertible {
  private readonly counts = new Map<string, number>();
  /** Sum over all domains. */
  total = 0;

  constructor(
    readonly key: string,
    private readonly journal: Journal,
  ) {}

  count(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** One more pod on `node` (nothing when the node is in no domain of the key). */
  bump(node: SimNode, log = true): void {
    const value = topologyValue(node, this.key);
    if (value === undefined) return;
    this.add(value, 1);
    if (log) this.journal.record(this, value, 1);
  }

  private add(value: string, delta: number): void {
    const count = (this.counts.get(value) ?? 0) + delta;
    if (count === 0) this.counts.delete(value);
    else this.counts.set(value, count);
    this.total += delta;
  }

  revert(value: string, delta: number): void {
    this.add(value, -delta);
  }
}

/**
 * A pod's required affinity terms together. As in kube-scheduler, a pod counts only if it
 * matches every term, and then in each term's domain.
 */
export class AffinityCounter {
  readonly counters: DomainCounter[];

  constructor(
    readonly terms: readonly CompiledTerm[],
    journal: Journal,
  ) {
    this.counters = terms.map((t) => new DomainCounter(t.topologyKey, journal));
  }

  selects(namespace: string, labels: Readonly<Record<string, string>>): boolean {
    return this.terms.every((t) => t.selects(namespace, labels));
  }

  bump(node: SimNode, log = true): void {
    for (const counter of this.counters) counter.bump(node, log);
  }

  /** No pod anywhere matches: the scheduler then lets a pod that matches itself go first. */
  empty(): boolean {
    return this.counters.every((c) => c.total === 0);
  }
}

const ADDED_DOMAIN = 0;

/**
 * One DoNotSchedule constraint of one pod class: matching pods per domain over the nodes
 * eligible for that class, and the minimum over those domains (kept with a histogram of counts,
 * so neither a placement nor an undo rescans the domains).
 */
export class SpreadCounter implements Revertible {
  readonly key: string;
  private readonly counts = new Map<string, number>();
  private readonly histogram = new Map<number, number>();
  private min = Infinity;
  private readonly eligibleByStaticId = new Map<number, boolean>();

  constructor(
    readonly rule: SpreadRule,
    private readonly owner: PodClass,
    private readonly verdicts: StaticVerdicts,
    private readonly journal: Journal,
  ) {
    this.key = rule.topologyKey;
  }

  /**
   * Counted nodes: those the owner's node affinity (and, with nodeTaintsPolicy Honor, taints)
   * admit and that carry every topology key of the owner's constraints, as the scheduler counts.
   * Nodes sharing a static id share labels, so the answer is cached per static id.
   */
  eligible(node: SimNode): boolean {
    let ok = this.eligibleByStaticId.get(node.staticId);
    if (ok === undefined) {
      ok =
        (!this.rule.honorNodeAffinity || this.verdicts.affinityFits(this.owner, node)) &&
        (!this.rule.honorTaints || this.verdicts.taintsFit(this.owner, node)) &&
        this.owner.spread.every((r) => topologyValue(node, r.topologyKey) !== undefined);
      this.eligibleByStaticId.set(node.staticId, ok);
    }
    return ok;
  }

  count(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** The smallest count over the domains (0 when there is none). */
  minimum(): number {
    return this.min === Infinity ? 0 : this.min;
  }

  /** A node joins: its domain exists from now on, with 0 pods if it is new. */
  addNode(node: SimNode, log = true): void {
    if (!this.eligible(node)) return;
    const value = topologyValue(node, this.key)!;
    if (this.counts.has(value)) return;
    this.counts.set(value, 0);
    this.shift(undefined, 0);
    if (log) this.journal.record(this, value, ADDED_DOMAIN);
  }

  /** A matching pod goes to `node`. */
  place(node: SimNode, log = true): void {
    if (!this.eligible(node)) return;
    const value = topologyValue(node, this.key)!;
    if (!this.counts.has(value)) this.addNode(node, log);
    this.add(value, 1);
    if (log) this.journal.record(this, value, 1);
  }

  revert(value: string, delta: number): void {
    if (delta === ADDED_DOMAIN) {
      this.shift(this.counts.get(value)!, undefined);
      this.counts.delete(value);
    } else {
      this.add(value, -delta);
    }
  }

  private add(value: string, delta: number): void {
    const before = this.counts.get(value)!;
    this.counts.set(value, before + delta);
    this.shift(before, before + delta);
  }

  /** Moves one domain in the histogram from count `from` to count `to` (undefined: none). */
  private shift(from: number | undefined, to: number | undefined): void {
    if (from !== undefined) {
      const left = this.histogram.get(from)! - 1;
      if (left === 0) this.histogram.delete(from);
      else this.histogram.set(from, left);
    }
    if (to !== undefined) {
      this.histogram.set(to, (this.histogram.get(to) ?? 0) + 1);
      if (to < this.min) this.min = to;
    }
    if (from === this.min && !this.histogram.has(from)) {
      this.min = Infinity;
      for (const count of this.histogram.keys()) if (count < this.min) this.min = count;
    }
  }
}

/** The counters a class reads when it is placed, and those its placement changes. */
export interface ClassTopology {
  /** Per own anti-affinity term: pods that term selects. */
  readonly ownAntiAffinity: readonly DomainCounter[];
  /** Pods holding an anti-affinity term that selects this class, per the term's domains. */
  readonly blockedBy: readonly DomainCounter[];
  readonly affinity: AffinityCounter | undefined;
  /** Aligned with cls.spread. */
  readonly spread: readonly SpreadCounter[];
  /** What placing one pod of the class bumps. */
  readonly bumps: readonly DomainCounter[];
  readonly affinityBumps: readonly AffinityCounter[];
  readonly spreadBumps: readonly SpreadCounter[];
}

const EMPTY: ClassTopology = {
  ownAntiAffinity: [],
  blockedBy: [],
  affinity: undefined,
  spread: [],
  bumps: [],
  affinityBumps: [],
  spreadBumps: [],
};

/** Whether any class has a rule that needs the bound pods grouped by labels. */
export function needsLabelGroups(classes: readonly PodClass[]): boolean {
  return classes.some(
    (c) => c.antiAffinityTerms.length + c.affinityTerms.length + c.spread.length > 0,
  );
}

export class Topology {
  readonly journal = new Journal();
  /** term id → pods the term selects (for the term owner's own anti-affinity). */
  private readonly selected = new Map<string, { term: CompiledTerm; counter: DomainCounter }>();
  /** term id → pods holding the term (for the symmetric anti-affinity check). */
  private readonly holders = new Map<string, { term: CompiledTerm; counter: DomainCounter }>();
  private readonly affinities = new Map<string, AffinityCounter>();
  private readonly spreads: SpreadCounter[] = [];

  /**
   * `classes`: every class that may be placed (pending pods and DaemonSet pods); `nodes`: every
   * node of the cluster (Ready or not: the scheduler counts pods and domains on all of them);
   * `bound`: the bound pods, indexed (with label groups when needsLabelGroups(classes)).
   */
  constructor(
    classes: readonly PodClass[],
    nodes: readonly SimNode[],
    bound: BoundPodIndex,
    verdicts: StaticVerdicts,
  ) {
    for (const { terms } of bound.holders) for (const term of terms) this.holder(term);
    for (const cls of classes) for (const term of cls.antiAffinityTerms) this.holder(term);

    const own = classes.map((cls) => this.counters(cls, verdicts));
    for (const [i, cls] of classes.entries()) {
      cls.topology = this.wire(cls, own[i]!);
      cls.simple = cls.topology === EMPTY && cls.hostPorts.length === 0;
    }

    for (const { node, terms } of bound.holders) {
      for (const term of terms) this.holders.get(term.id)!.counter.bump(node, false);
    }
    for (const spread of this.spreads) for (const node of nodes) spread.addNode(node, false);
    for (const { namespace, labels, terminating, nodes: on } of bound.groups) {
      for (const { term, counter } of this.selected.values()) {
        if (term.selects(namespace, labels)) for (const n of on) counter.bump(n, false);
      }
      for (const affinity of this.affinities.values()) {
        if (affinity.selects(namespace, labels)) for (const n of on) affinity.bump(n, false);
      }
      if (terminating) continue;
      for (const spread of this.spreads) {
        if (spread.rule.selector.selects(namespace, labels)) {
          for (const n of on) spread.place(n, false);
        }
      }
    }
  }

  private holder(term: CompiledTerm): void {
    if (!this.holders.has(term.id)) {
      const counter = new DomainCounter(term.topologyKey, this.journal);
      this.holders.set(term.id, { term, counter });
    }
  }

  /** The class's own counters, shared with classes that have the same terms. */
  private counters(cls: PodClass, verdicts: StaticVerdicts) {
    const ownAntiAffinity = cls.antiAffinityTerms.map((term) => {
      let entry = this.selected.get(term.id);
      if (entry === undefined) {
        entry = { term, counter: new DomainCounter(term.topologyKey, this.journal) };
        this.selected.set(term.id, entry);
      }
      return entry.counter;
    });
    let affinity: AffinityCounter | undefined;
    if (cls.affinityTerms.length > 0) {
      const id = cls.affinityTerms.map((t) => t.id).join('\u0000');
      affinity = this.affinities.get(id);
      if (affinity === undefined) {
        affinity = new AffinityCounter(cls.affinityTerms, this.journal);
        this.affinities.set(id, affinity);
      }
    }
    // Spread counts depend on the owner's eligible nodes, so they are never shared.
    const spread = cls.spread.map((rule) => {
      const counter = new SpreadCounter(rule, cls, verdicts, this.journal);
      this.spreads.push(counter);
      return counter;
    });
    return { ownAntiAffinity, affinity, spread };
  }

  private wire(
    cls: PodClass,
    own: Pick<ClassTopology, 'ownAntiAffinity' | 'affinity' | 'spread'>,
  ): ClassTopology {
    const { namespace, labels } = cls;
    const blockedBy = [...this.holders.values()]
      .filter(({ term }) => term.selects(namespace, labels))
      .map(({ counter }) => counter);
    const bumps = [
      ...[...this.selected.values()]
        .filter(({ term }) => term.selects(namespace, labels))
        .map(({ counter }) => counter),
      ...cls.antiAffinityTerms.map((term) => this.holders.get(term.id)!.counter),
    ];
    const affinityBumps = [...this.affinities.values()].filter((a) => a.selects(namespace, labels));
    const spreadBumps = this.spreads.filter((s) => s.rule.selector.selects(namespace, labels));
    const unused =
      own.ownAntiAffinity.length + own.spread.length + blockedBy.length + bumps.length === 0 &&
      own.affinity === undefined &&
      affinityBumps.length + spreadBumps.length === 0;
    return unused ? EMPTY : { ...own, blockedBy, bumps, affinityBumps, spreadBumps };
  }

  /** A node joins the cluster (in-flight, planned or simulated): new spread domains. */
  addNode(node: SimNode): void {
    for (const spread of this.spreads) spread.addNode(node);
  }

  /** A pod of `cls` goes to `node`. */
  place(cls: PodClass, node: SimNode): void {
    const t = cls.topology ?? EMPTY;
    for (const counter of t.bumps) counter.bump(node);
    for (const affinity of t.affinityBumps) affinity.bump(node);
    for (const spread of t.spreadBumps) spread.place(node);
  }
}
