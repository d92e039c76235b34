// Requests against what is still free: cpu, memory, ephemeral-storage, a pod slot, and any
// extended resource (nvidia.com/gpu, hugepages-*). A node offers only the extended resources it
// has: a missing one counts as 0, so a GPU pod never lands on a CPU node.
import type { UnschedulableConstraint } from '../../metrics/label-values';
import { CPU, MEMORY, PODS } from '../../disruption/resources';
import { EPHEMERAL_STORAGE } from '../capacity';
import { formatAmount, formatResource } from '../format';
import type { Predicate } from './predicate';

const CONSTRAINT_OF: Readonly<Record<string, UnschedulableConstraint>> = {
  [CPU]: 'cpu',
  [MEMORY]: 'memory',
  [EPHEMERAL_STORAGE]: 'ephemeral_storage',
  [PODS]: 'pods',
};

export function resourceConstraint(resource: string): UnschedulableConstraint {
  return CONSTRAINT_OF[resource] ?? 'other';
}

export const resources: Predicate = {
  static: false,
  fits: (cls, node) => node.free.fits(cls.demand),
  explain(cls, node) {
    const [resource, needed] = node.free.shortfall(cls.demand) ?? [PODS, 1];
    const available = Math.max(0, node.free.get(resource));
    return {
      predicate: 'resources',
      constraint: resourceConstraint(resource),
      reason: `needs ${formatResource(resource, needed)}, the node has ${formatAmount(resource, available)} free`,
      shortfall: { resource, needed, available },
    };
  },
};
