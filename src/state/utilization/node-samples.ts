// Every node's sample ring, keyed by node name. Memory is bounded by (nodes × capacity): a ring is
// created the first time a node is sampled and released when the node leaves the cluster, so the
// store never outgrows the cluster it watches.

import { InvalidSampleError } from './errors';
import { checkRingCapacity, SampleRing } from './ring-buffer';
import type { SampleSeries, UtilizationSample } from './sample';

/**
 * Samples needed to cover `retentionSeconds` at one sample every `intervalSeconds` (3600 s at
 * 300 s → 12; the defaults, 3600 s at 60 s → 60). Rounded up so the window is never short.
 */
export function sampleCapacity(retentionSeconds: number, intervalSeconds: number): number {
  if (!(retentionSeconds > 0) || !Number.isFinite(retentionSeconds)) {
    throw new RangeError(
      `sample retention must be a positive number of seconds, got ${retentionSeconds}`,
    );
  }
  if (!(intervalSeconds > 0) || !Number.isFinite(intervalSeconds)) {
    throw new RangeError(
      `sample interval must be a positive number of seconds, got ${intervalSeconds}`,
    );
  }
  return Math.ceil(retentionSeconds / intervalSeconds);
}

/** Anything that answers "is this node still there?": a Set of names, a Map keyed by name, a cache. */
export interface NodeNameSet {
  has(nodeName: string): boolean;
}

export class NodeSampleStore {
  private readonly rings = new Map<string, SampleRing>();

  /** @param capacity samples kept per node; see sampleCapacity. */
  constructor(readonly capacity: number) {
    // Checked here so a bad setting fails at start-up, not on the first node's first sample.
    checkRingCapacity(capacity);
  }

  /** A store holding `retentionSeconds` of samples taken every `intervalSeconds`. */
  static forRetention(retentionSeconds: number, intervalSeconds: number): NodeSampleStore {
    return new NodeSampleStore(sampleCapacity(retentionSeconds, intervalSeconds));
  }

  /** Number of nodes with samples. */
  get nodeCount(): number {
    return this.rings.size;
  }

  /**
   * Records a sample for a node (see SampleRing.push for the rules). Allocates only on a node's
   * first sample; a rejected sample throws InvalidSampleError naming the node and changes nothing.
   */
  add(nodeName: string, timestampMs: number, cpu: number, memory: number): void {
    let ring = this.rings.get(nodeName);
    const created = ring === undefined;
    ring ??= new SampleRing(this.capacity);
    try {
      ring.push(timestampMs, cpu, memory);
    } catch (error) {
      if (error instanceof InvalidSampleError) throw new InvalidSampleError(error.detail, nodeName);
      throw error;
    }
    // Only after a successful push, so a node whose first sample is invalid leaves no empty ring.
    if (created) this.rings.set(nodeName, ring);
  }

  addSample(nodeName: string, sample: UtilizationSample): void {
    this.add(nodeName, sample.timestampMs, sample.cpu, sample.memory);
  }

  /** The node's samples, oldest first, read in place (no copy); undefined for an unknown node. */
  series(nodeName: string): SampleSeries | undefined {
    return this.rings.get(nodeName);
  }

  /**
   * Copies a node's samples into a caller-owned buffer (see SampleRing.readInto); 0 for an
   * unknown node. A buffer of capacity × 3 numbers fits every node of this store.
   */
  readInto(nodeName: string, target: Float64Array): number {
    return this.rings.get(nodeName)?.readInto(target) ?? 0;
  }

  has(nodeName: string): boolean {
    return this.rings.has(nodeName);
  }

  nodeNames(): IterableIterator<string> {
    return this.rings.keys();
  }

  /** Drops a node's samples, e.g. on a Node delete event. True when the node had samples. */
  delete(nodeName: string): boolean {
    return this.rings.delete(nodeName);
  }

  /**
   * Drops every node not in `liveNodes` and returns how many were dropped. Run it on each full
   * resync, so a missed delete event cannot leak a node's ring forever.
   */
  retainOnly(liveNodes: NodeNameSet): number {
    let dropped = 0;
    // Deleting the current entry while iterating a Map is well defined in JavaScript.
    for (const nodeName of this.rings.keys()) {
      if (!liveNodes.has(nodeName)) {
        this.rings.delete(nodeName);
        dropped++;
      }
    }
    return dropped;
  }
}
