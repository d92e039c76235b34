// Nodes in first-fit order with, per block of 16, the most free cpu, memory and pod slots any
// of them has. A first-fit scan skips a whole block when none of its nodes could take the pod on
// those numbers alone, so scanning a long row of full nodes costs one comparison per 16 nodes.
// Only free capacity shrinks as pods are placed, so a block's maxima are recomputed (16 nodes)
// after each placement in it.
import type { Cluster } from './cluster';
import type { PodClass } from './pod-class';
import type { SimNode } from './sim-node';

const BLOCK = 16;
const SHIFT = 4;

export class NodeIndex {
  readonly nodes: SimNode[] = [];
  private readonly maxCpu: number[] = [];
  private readonly maxMemory: number[] = [];
  private readonly maxPods: number[] = [];

  constructor(nodes: readonly SimNode[] = []) {
    for (const node of nodes) this.push(node);
  }

  get length(): number {
    return this.nodes.length;
  }

  push(node: SimNode): void {
    this.nodes.push(node);
    this.refresh(this.nodes.length - 1);
  }

  /** The free capacity of node `i` went down: its block's maxima are recomputed. */
  refresh(i: number): void {
    const block = i >> SHIFT;
    const start = block << SHIFT;
    const end = Math.min(this.nodes.length, start + BLOCK);
    let cpu = -Infinity;
    let memory = -Infinity;
    let pods = -Infinity;
    for (let k = start; k < end; k++) {
      const free = this.nodes[k]!.free;
      if (free.cpu > cpu) cpu = free.cpu;
      if (free.memory > memory) memory = free.memory;
      if (free.pods > pods) pods = free.pods;
    }
    this.maxCpu[block] = cpu;
    this.maxMemory[block] = memory;
    this.maxPods[block] = pods;
  }

  /** The first node from index `from` that takes a pod of `cls`, or -1. */
  firstFitting(cluster: Cluster, cls: PodClass, from: number): number {
    const { cpu, memory } = cls.demand;
    const nodes = this.nodes;
    let i = from;
    while (i < nodes.length) {
      const block = i >> SHIFT;
      if (
        this.maxPods[block]! < 1 ||
        (cpu > 0 && this.maxCpu[block]! < cpu) ||
        (memory > 0 && this.maxMemory[block]! < memory)
      ) {
        i = (block + 1) << SHIFT;
        continue;
      }
      const end = Math.min(nodes.length, (block + 1) << SHIFT);
      for (; i < end; i++) if (cluster.fits(cls, nodes[i]!)) return i;
    }
    return -1;
  }
}
