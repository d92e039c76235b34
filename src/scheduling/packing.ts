// First-fit decreasing (the scheduler-simulation core of Cluster Autoscaler's binpacking
// estimator): pods in the planner's order (largest first) each go to the first node that
// passes every predicate. `firstFit` does it over existing nodes; `pack` over new nodes of one
// template (one group, one offering), opening a node when no open one fits, up to `cap` nodes.
// Pod topology counts (anti-affinity, spread) see the nodes and pods as they are added.
//
// Speed, without changing the result:
//  - Nodes are kept in a NodeIndex, which skips blocks of nodes too full for the pod.
//  - Pods come in runs of one class (replicas of a Deployment sort next to each other); a run
//    whose class cannot use an empty node of the template is skipped on one cached verdict.
//  - Monotone classes (no pod affinity or spread: nodes only ever get worse for them) resume
//    the scan at the node the previous replica went to, since every node before it already
//    said no: placing n replicas over m nodes is O(n + m), not O(n × m).
//  - Simple classes (no host ports, no topology counters) fill a node with as many replicas as
//    its free resources allow in one step, which is where first fit would put them one by one.
import type { Cluster } from './cluster';
import type { Revertible } from './journal';
import { NodeIndex } from './node-index';
import type { PendingPod, PodClass } from './pod-class';
import type { SimNode } from './sim-node';
import type { Template } from './templates';

/** Consecutive pending pods of one class. */
export interface Run {
  readonly cls: PodClass;
  readonly pods: readonly PendingPod[];
}

export function runsOf(pods: readonly PendingPod[]): Run[] {
  const runs: { cls: PodClass; pods: PendingPod[] }[] = [];
  let current: { cls: PodClass; pods: PendingPod[] } | undefined;
  for (const pod of pods) {
    if (current?.cls !== pod.cls) {
      current = { cls: pod.cls, pods: [] };
      runs.push(current);
    }
    current.pods.push(pod);
  }
  return runs;
}

function countersRead(cls: PodClass): Revertible[] {
  const t = cls.topology;
  if (t === undefined) return [];
  return [...t.ownAntiAffinity, ...t.blockedBy, ...(t.affinity?.counters ?? []), ...t.spread];
}

/** How many replicas go to the node just found: one, or as many as fit for simple classes. */
function batch(cls: PodClass, node: SimNode, left: number): number {
  return cls.simple ? Math.max(1, node.free.howMany(cls.demand, left)) : 1;
}

/**
 * First fit onto `nodes` (existing, in-flight, top-up), placing what fits. Calls `placed` for
 * each pod placed; returns the pods that fit nowhere, in order.
 */
export function firstFit(
  cluster: Cluster,
  nodes: readonly SimNode[],
  runs: readonly Run[],
  classCount: number,
  placed: (pod: PendingPod, node: SimNode) => void,
): PendingPod[] {
  const resumeAt = new Int32Array(classCount);
  const unplaced: PendingPod[] = [];
  const index = new NodeIndex(nodes);
  for (const { cls, pods } of runs) {
    let next = 0;
    while (next < pods.length) {
      const from = cls.monotone ? resumeAt[cls.id]! : 0;
      const target = from < 0 ? -1 : index.firstFitting(cluster, cls, from);
      if (target < 0) {
        if (cls.monotone) resumeAt[cls.id] = -1;
        break;
      }
      const node = nodes[target]!;
      const count = batch(cls, node, pods.length - next);
      cluster.place(cls, node, pods[next]!.key, count);
      index.refresh(target);
      for (let k = next; k < next + count; k++) placed(pods[k]!, node);
      next += count;
      if (cls.monotone) resumeAt[cls.id] = target;
    }
    for (let k = next; k < pods.length; k++) unplaced.push(pods[k]!);
  }
  return unplaced;
}

export interface PackResult {
  readonly template: Template;
  /** How many new nodes it opens (each takes at least one pod). */
  readonly nodeCount: number;
  /** With `record`: the pods on each new node, in opening order. Otherwise empty. */
  readonly nodes: readonly PendingPod[][];
  readonly placed: number;
  /** Some pod that fits an empty node found none open and `cap` stopped opening another. */
  readonly capped: boolean;
  /** Sum of the placed pods' requests. */
  readonly requestedCpu: number;
  readonly requestedMemory: number;
  /**
   * The counters read by the classes with pod affinity or spread it could take: for those, a
   * change in any domain may matter (a new minimum, a first matching pod), not only in the
   * domains of this template's nodes.
   */
  readonly reads: ReadonlySet<Revertible>;
}

export interface PackOptions {
  /** Most nodes to open. */
  cap: number;
  /** Names the nodes it opens (unique in the plan, never a real Node's name). */
  name: () => string;
  classCount: number;
  /** List the pods per node (for the plan); evaluating an option only needs the counts. */
  record: boolean;
}

export function pack(
  cluster: Cluster,
  template: Template,
  runs: readonly Run[],
  { cap, name, classCount, record }: PackOptions,
): PackResult {
  const open = new NodeIndex();
  const contents: PendingPod[][] = [];
  // Per class: where the scan resumes (monotone classes), or -1 once it cannot be placed.
  const resumeAt = new Int32Array(classCount);
  const journal = cluster.topology.journal;
  let capped = false;
  const reads = new Set<Revertible>();
  let placed = 0;
  let requestedCpu = 0;
  let requestedMemory = 0;

  for (const { cls, pods } of runs) {
    if (resumeAt[cls.id] === -1) continue;
    if (!cluster.fitsFresh(cls, template)) {
      resumeAt[cls.id] = -1;
      continue;
    }
    if (!cls.monotone) for (const counter of countersRead(cls)) reads.add(counter);
    let next = 0;
    while (next < pods.length) {
      let target = open.firstFitting(cluster, cls, cls.monotone ? resumeAt[cls.id]! : 0);
      if (target < 0) {
        if (open.length >= cap) {
          capped = true;
          if (cls.monotone) resumeAt[cls.id] = -1;
          break;
        }
        const mark = journal.mark();
        const node = cluster.openNode(template, name(), 'new');
        if (!cluster.fits(cls, node)) {
          // The pod-topology rules keep it off even an empty node of this option right now;
          // it is not retried in this option (the planner's next round retries it).
          journal.rollback(mark);
          resumeAt[cls.id] = -1;
          break;
        }
        open.push(node);
        if (record) contents.push([]);
        target = open.length - 1;
      }
      const node = open.nodes[target]!;
      const count = batch(cls, node, pods.length - next);
      cluster.place(cls, node, pods[next]!.key, count);
      open.refresh(target);
      if (record) {
        const on = contents[target]!;
        for (let k = next; k < next + count; k++) on.push(pods[k]!);
      }
      next += count;
      placed += count;
      requestedCpu += cls.cpu * count;
      requestedMemory += cls.memory * count;
      if (cls.monotone) resumeAt[cls.id] = target;
    }
  }
  return {
    template,
    nodeCount: open.length,
    nodes: contents,
    placed,
    capped,
    requestedCpu,
    requestedMemory,
    reads,
  };
}
