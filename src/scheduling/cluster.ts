// The cluster as the plan sees it while it is being built: the nodes pods may go to, the
// topology counters, and the verdict caches. `fits` is the hot path of every packing loop: a
// cached byte for labels and taints, numbers for resources, then (only for pods that have any)
// host ports and the topology counters.
import type { PodClass } from './pod-class';
import { DYNAMIC_PREDICATES, firstRejection, PREDICATES, type Rejection } from './predicates';
import { type SimNode, bindPorts } from './sim-node';
import { type Template, nodeOfTemplate } from './templates';
import type { Topology } from './topology';
import type { StaticVerdicts } from './verdicts';

export class Cluster {
  /** Per class and template: 1 fits an empty node statically (labels, taints, resources after
   *  DaemonSets, DaemonSet host ports), 2 does not, 0 not known yet. */
  private readonly freshVerdicts: (Uint8Array | undefined)[] = [];
  private readonly dynamic = DYNAMIC_PREDICATES;

  constructor(
    readonly verdicts: StaticVerdicts,
    readonly topology: Topology,
    private readonly templateCount: number,
  ) {}

  fits(cls: PodClass, node: SimNode): boolean {
    if (!node.free.fits(cls.demand) || !this.verdicts.fits(cls, node)) return false;
    if (cls.simple) return true;
    for (const predicate of this.dynamic) if (!predicate.fits(cls, node)) return false;
    return true;
  }

  /** Why `cls` cannot go to `node`, in report order; undefined when it can. */
  explain(cls: PodClass, node: SimNode): Rejection | undefined {
    return firstRejection(cls, node);
  }

  /**
   * Whether `cls` fits an empty node of `template`, leaving out the pod-topology rules (those
   * change as pods are placed and are checked on the actual node).
   */
  fitsFresh(cls: PodClass, template: Template): boolean {
    let row = this.freshVerdicts[cls.id];
    if (row === undefined) {
      row = new Uint8Array(this.templateCount);
      this.freshVerdicts[cls.id] = row;
    }
    let verdict = row[template.index]!;
    if (verdict === 0) {
      const node = template.prototype;
      const ok =
        this.verdicts.fits(cls, node) &&
        node.free.fits(cls.demand) &&
        PREDICATES.host_ports.fits(cls, node);
      verdict = ok ? 1 : 2;
      row[template.index] = verdict;
    }
    return verdict === 1;
  }

  /**
   * Puts `count` pods of `cls` on `node`: requests, pod slots, host ports, counters. More than
   * one only for simple classes (nothing but numbers changes).
   */
  place(cls: PodClass, node: SimNode, owner: string, count = 1): void {
    node.free.take(cls.demand, count);
    if (cls.simple) return;
    if (cls.hostPorts.length > 0)
      bindPorts(
        node,
        cls.hostPorts.map((port) => ({ ...port, owner })),
      );
    this.topology.place(cls, node);
  }

  /** A new node of `template` joins, with its DaemonSet pods. */
  openNode(template: Template, name: string, kind: SimNode['kind']): SimNode {
    const node = nodeOfTemplate(template, name, kind);
    this.topology.addNode(node);
    for (const ds of template.daemonSets) if (!ds.simple) this.topology.place(ds, node);
    return node;
  }
}
