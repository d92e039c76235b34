// Resource amounts as a few numeric fields instead of a record keyed by name: the packing loops
// compare and subtract them hundreds of thousands of times per plan, and field access on a
// fixed-shape object is several times faster than string-keyed lookups. Extended resources
// (nvidia.com/gpu, hugepages-*) are rare and stay in a small map.
import { CPU, MEMORY, PODS, type ResourceAmounts } from '../disruption/resources';

export const EPHEMERAL_STORAGE = 'ephemeral-storage';
const CPU_ = CPU;
const MEMORY_ = MEMORY;
const PODS_ = PODS;

/** What one pod needs: its requests split into the common resources and the extended ones. */
export interface Demand {
  readonly cpu: number;
  readonly memory: number;
  readonly ephemeral: number;
  /** Positive extended-resource requests. */
  readonly extended: readonly (readonly [string, number])[];
}

const NO_EXTENDED: Demand['extended'] = Object.freeze([]);

export function demandOf(requests: Readonly<ResourceAmounts>): Demand {
  let extended: [string, number][] | undefined;
  for (const resource in requests) {
    if (resource === CPU_ || resource === MEMORY_ || resource === EPHEMERAL_STORAGE) continue;
    const amount = requests[resource]!;
    if (resource === PODS_ || amount <= 0) continue;
    (extended ??= []).push([resource, amount]);
  }
  return {
    cpu: requests[CPU_] ?? 0,
    memory: requests[MEMORY_] ?? 0,
    ephemeral: requests[EPHEMERAL_STORAGE] ?? 0,
    extended: extended ?? NO_EXTENDED,
  };
}

/** What a node has left; may go negative when DaemonSets take more than there is. */
export class Capacity {
  constructor(
    public cpu: number,
    public memory: number,
    public ephemeral: number,
    /** Free pod slots. */
    public pods: number,
    /** Extended resources the node offers (absent: it offers none). */
    public extended: Map<string, number> | undefined,
  ) {}

  static of(amounts: Readonly<ResourceAmounts>): Capacity {
    let extended: Map<string, number> | undefined;
    for (const [resource, amount] of Object.entries(amounts)) {
      if (resource === CPU_ || resource === MEMORY_ || resource === EPHEMERAL_STORAGE) continue;
      if (resource === PODS_) continue;
      (extended ??= new Map()).set(resource, amount);
    }
    return new Capacity(
      amounts[CPU_] ?? 0,
      amounts[MEMORY_] ?? 0,
      amounts[EPHEMERAL_STORAGE] ?? 0,
      amounts[PODS_] ?? 0,
      extended,
    );
  }

  clone(): Capacity {
    const extended = this.extended && new Map(this.extended);
    return new Capacity(this.cpu, this.memory, this.ephemeral, this.pods, extended);
  }

  /** The amount of any resource by its Kubernetes name (for messages). */
  get(resource: string): number {
    switch (resource) {
      case CPU_:
        return this.cpu;
      case MEMORY_:
        return this.memory;
      case EPHEMERAL_STORAGE:
        return this.ephemeral;
      case PODS_:
        return this.pods;
      default:
        return this.extended?.get(resource) ?? 0;
    }
  }

  /**
   * The first thing `demand` needs that is not left, as [resource, needed]: a pod slot first,
   * then the requests. A resource the pod does not request never blocks it, even on a node
   * that is over-committed on that resource.
   */
  shortfall(demand: Demand): [string, number] | undefined {
    if (this.pods < 1) return [PODS_, 1];
    if (demand.cpu > 0 && this.cpu < demand.cpu) return [CPU_, demand.cpu];
    if (demand.memory > 0 && this.memory < demand.memory) return [MEMORY_, demand.memory];
    if (demand.ephemeral > 0 && this.ephemeral < demand.ephemeral) {
      return [EPHEMERAL_STORAGE, demand.ephemeral];
    }
    for (const [resource, amount] of demand.extended) {
      if ((this.extended?.get(resource) ?? 0) < amount) return [resource, amount];
    }
    return undefined;
  }

  fits(demand: Demand): boolean {
    if (this.pods < 1) return false;
    if (demand.cpu > 0 && this.cpu < demand.cpu) return false;
    if (demand.memory > 0 && this.memory < demand.memory) return false;
    if (demand.ephemeral > 0 && this.ephemeral < demand.ephemeral) return false;
    return demand.extended.length === 0 || this.shortfall(demand) === undefined;
  }

  /** How many pods of `demand` fit, at most `limit`. */
  howMany(demand: Demand, limit: number): number {
    let n = Math.min(limit, this.pods);
    if (demand.cpu > 0) n = Math.min(n, Math.floor(this.cpu / demand.cpu));
    if (demand.memory > 0) n = Math.min(n, Math.floor(this.memory / demand.memory));
    if (demand.ephemeral > 0) n = Math.min(n, Math.floor(this.ephemeral / demand.ephemeral));
    for (const [resource, amount] of demand.extended) {
      n = Math.min(n, Math.floor((this.extended?.get(resource) ?? 0) / amount));
    }
    return Math.max(0, n);
  }

  /** Takes `count` pods of `demand` (requests and pod slots). */
  take(demand: Demand, count = 1): void {
    this.pods -= count;
    this.cpu -= demand.cpu * count;
    this.memory -= demand.memory * count;
    this.ephemeral -= demand.ephemeral * count;
    if (demand.extended.length > 0) this.takeExtended(demand.extended, count);
  }

  takeExtended(amounts: Demand['extended'], count: number): void {
    const extended = (this.extended ??= new Map());
    for (const [resource, amount] of amounts) {
      extended.set(resource, (extended.get(resource) ?? 0) - amount * count);
    }
  }
}
