// `capacity`: headroom after removal. Even when every pod fits, a cluster packed to the brim has
// no room for the next rollout or burst and would scale straight back up (churn). The requests
// of the pods on the remaining schedulable nodes plus those moving there, divided by those
// nodes' allocatable, must stay at or below maxUtilizationAfterRemoval for CPU and for memory.
import { nodeName } from '../nodes';
import {
  CPU,
  MEMORY,
  type ResourceAmounts,
  addInto,
  nodeAllocatable,
  podRequests,
} from '../resources';
import { type RemovalInput, clusterAfterRemoval } from '../simulation/cluster-after-removal';
import { DEFAULTS, type SafetyInput } from './input';
import { type CheckResult, fail, PASS } from './result';

type CapacityInput = RemovalInput & {
  group: Pick<SafetyInput['group'], 'deletingNodes' | 'maxUtilizationAfterRemoval'>;
};

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function checkCapacity(input: CapacityInput): CheckResult {
  const limit = input.group.maxUtilizationAfterRemoval ?? DEFAULTS.maxUtilizationAfterRemoval;
  const view = clusterAfterRemoval(input);
  const allocatable: ResourceAmounts = {};
  const requested: ResourceAmounts = {};
  for (const node of view.destinations) {
    addInto(allocatable, nodeAllocatable(node));
    for (const pod of view.podsByNode.get(nodeName(node)) ?? [])
      addInto(requested, podRequests(pod));
  }
  for (const pod of view.podsToMove) addInto(requested, podRequests(pod));

  const over: string[] = [];
  for (const resource of [CPU, MEMORY]) {
    const need = requested[resource] ?? 0;
    const have = allocatable[resource] ?? 0;
    // Nothing requested fits in nothing; anything requested does not.
    const ratio = need === 0 ? 0 : have === 0 ? Infinity : need / have;
    if (ratio > limit) over.push(`${resource} ${have === 0 ? 'no capacity left' : percent(ratio)}`);
  }
  if (over.length === 0) return PASS;
  return fail(
    'capacity',
    `remaining schedulable nodes would be over ${percent(limit)} of allocatable: ${over.join(', ')}`,
  );
}
