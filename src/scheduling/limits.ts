// How many more nodes the plan may ask for of one group and offering. The group's own limits
// (scale-up disabled, backoff after failures, maxNodes) come first, then the plan's and the
// cluster's (maxNodesPerScaleUp, maxNodesTotal, coresTotal, memoryTotal). Every node the plan
// adds, the minNodes top-up included, counts against all of them.
import type { ClusterLimits, GroupRef, GroupView, OfferingInfo } from './types';

/** HeldBackPod.reason values. */
export const HELD_BACK_REASONS = [
  'policy_disabled',
  'backoff',
  'at_max_nodes',
  'max_nodes_per_scale_up',
  'cluster_limit',
] as const;
export type HeldBackReason = (typeof HELD_BACK_REASONS)[number];

export interface LimitHit {
  readonly reason: HeldBackReason;
  /** For people, e.g. "demo-workers has 5 of maxNodes 5". */
  readonly detail: string;
}

export interface Allowance {
  /** How many more nodes; Infinity when nothing limits. */
  readonly nodes: number;
  /** The limit that sets `nodes` (the first in the order above on a tie). */
  readonly limit?: LimitHit;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export function groupKey(group: GroupRef): string {
  return `${group.namespace}/${group.name}`;
}

export interface LimitsInput {
  currentTotals: { nodes: number; cores: number; memoryBytes: number };
  limits: ClusterLimits;
  nowMs: number;
}

export class Limits {
  private readonly plannedByGroup = new Map<string, number>();
  private plannedNodes = 0;
  private plannedCores = 0;
  private plannedMemory = 0;

  constructor(private readonly input: LimitsInput) {}

  /** Nodes planned so far, all groups. */
  get planned(): number {
    return this.plannedNodes;
  }

  plannedFor(group: GroupRef): number {
    return this.plannedByGroup.get(groupKey(group)) ?? 0;
  }

  allowance(group: GroupView, offering: OfferingInfo): Allowance {
    const { limits, currentTotals, nowMs } = this.input;
    if (!group.scaleUpEnabled) {
      return hit(0, 'policy_disabled', `scale-up is disabled for ${group.name}`);
    }
    if (group.backoffUntilMs !== undefined && group.backoffUntilMs > nowMs) {
      const until = new Date(group.backoffUntilMs).toISOString();
      return hit(
        0,
        'backoff',
        `${group.name} is backing off after failed scale-ups until ${until}`,
      );
    }
    const planned = this.plannedFor(group);
    const inGroup = group.currentNodes + planned;
    const bounds: Allowance[] = [
      hit(
        group.maxNodes - inGroup,
        'at_max_nodes',
        `${group.name} has ${inGroup} of maxNodes ${group.maxNodes}${plannedNow(planned)}`,
      ),
    ];
    if (limits.maxNodesPerScaleUp > 0) {
      const detail =
        this.plannedNodes === 0
          ? `maxNodesPerScaleUp is ${limits.maxNodesPerScaleUp}`
          : `this scale-up already asks for ${this.plannedNodes} of maxNodesPerScaleUp ${limits.maxNodesPerScaleUp} nodes`;
      bounds.push(
        hit(limits.maxNodesPerScaleUp - this.plannedNodes, 'max_nodes_per_scale_up', detail),
      );
    }
    if (limits.maxNodesTotal > 0) {
      const nodes = currentTotals.nodes + this.plannedNodes;
      bounds.push(
        hit(
          limits.maxNodesTotal - nodes,
          'cluster_limit',
          `the cluster has ${nodes} of maxNodesTotal ${limits.maxNodesTotal} nodes${plannedNow(this.plannedNodes)}`,
        ),
      );
    }
    if (limits.coresTotal > 0 && offering.cpu > 0) {
      const cores = currentTotals.cores + this.plannedCores;
      bounds.push(
        hit(
          Math.floor((limits.coresTotal - cores) / offering.cpu),
          'cluster_limit',
          `the cluster has ${cores} of coresTotal ${limits.coresTotal} vCPUs${plannedNow(this.plannedNodes)} and ${offering.name} has ${offering.cpu}`,
        ),
      );
    }
    const ram = offering.ramMb * MIB;
    if (limits.memoryTotalBytes > 0 && ram > 0) {
      const memory = currentTotals.memoryBytes + this.plannedMemory;
      bounds.push(
        hit(
          Math.floor((limits.memoryTotalBytes - memory) / ram),
          'cluster_limit',
          `the cluster has ${gib(memory)} of memoryTotal ${gib(limits.memoryTotalBytes)}${plannedNow(this.plannedNodes)} and ${offering.name} has ${gib(ram)}`,
        ),
      );
    }
    return bounds.reduce((least, b) => (b.nodes < least.nodes ? b : least));
  }

  add(group: GroupRef, offering: OfferingInfo, count: number): void {
    const key = groupKey(group);
    this.plannedByGroup.set(key, (this.plannedByGroup.get(key) ?? 0) + count);
    this.plannedNodes += count;
    this.plannedCores += count * offering.cpu;
    this.plannedMemory += count * offering.ramMb * MIB;
  }
}

function hit(nodes: number, reason: HeldBackReason, detail: string): Allowance {
  return { nodes: Math.max(0, nodes), limit: { reason, detail } };
}

/** " (2 of them planned now)" when this plan added to a count. */
function plannedNow(planned: number): string {
  return planned > 0 ? ` (${planned} of them planned now)` : '';
}

function gib(bytes: number): string {
  const value = bytes / GIB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}Gi`;
}
