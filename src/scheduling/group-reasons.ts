// Why no new node of a group could ever run a pod, in one sentence per group for the pod's
// event (the controller prefixes the group): "needs 64Gi memory, largest offering has 32Gi
// (after system reserve)".
// Label and taint mismatches are the same for every offering; a resource shortfall is stated
// against the most any offering leaves after systemReserved and the DaemonSet pods.
import type { UnschedulableConstraint } from '../metrics/label-values';
import { PODS } from '../disruption/resources';
import { formatAmount, formatResource, listWords } from './format';
import type { PodClass } from './pod-class';
import { type Rejection, resourceConstraint } from './predicates';
import type { Template } from './templates';
import type { GroupView } from './types';

export interface GroupReason {
  readonly reason: string;
  readonly constraint: UnschedulableConstraint;
}

function after(templates: readonly Template[]): string {
  return templates.some((t) => t.daemonSets.length > 0)
    ? '(after system reserve and DaemonSets)'
    : '(after system reserve)';
}

/** The pod's needs as [resource, amount]: a pod slot, then its positive requests. */
function needsOf(cls: PodClass): [string, number][] {
  const needs: [string, number][] = [[PODS, 1]];
  for (const [resource, amount] of Object.entries(cls.requests)) {
    if (resource !== PODS && amount > 0) needs.push([resource, amount]);
  }
  return needs;
}

function resourceSentence(
  group: GroupView,
  cls: PodClass,
  templates: readonly Template[],
): GroupReason {
  const needs = needsOf(cls);
  for (const [resource, needed] of needs) {
    const most = Math.max(0, ...templates.map((t) => t.fresh.get(resource)));
    if (needed <= most) continue;
    const constraint = resourceConstraint(resource);
    if (resource === PODS) {
      return { constraint, reason: `no pod slot left on a new node ${after(templates)}` };
    }
    const offered = templates.some((t) => (t.allocatable[resource] ?? 0) > 0);
    if (!offered) {
      return {
        constraint,
        reason: `needs ${formatResource(resource, needed)}, which no offering of ${group.name} has`,
      };
    }
    return {
      constraint,
      reason: `needs ${formatResource(resource, needed)}, largest offering has ${formatAmount(resource, most)} ${after(templates)}`,
    };
  }
  // Each resource fits some offering, but no single offering has them all.
  const [first] = needs.filter(([r]) => r !== PODS);
  const wanted = needs.filter(([r]) => r !== PODS).map(([r, a]) => formatResource(r, a));
  return {
    constraint: resourceConstraint(first?.[0] ?? PODS),
    reason: `needs ${listWords(wanted)} together, no offering has all of it ${after(templates)}`,
  };
}

/** `rejections`: one per template of the group (an empty node of each rejected the pod). */
export function describeGroupRejection(
  group: GroupView,
  cls: PodClass,
  rejections: readonly { template: Template; rejection: Rejection }[],
): GroupReason {
  if (rejections.length === 0) {
    const unknown = group.unknownOfferings.length
      ? ` (${listWords(group.unknownOfferings)} not in the VPSie catalogue)`
      : '';
    return { constraint: 'other', reason: `no known offering${unknown}` };
  }
  const other = rejections.find((r) => r.rejection.predicate !== 'resources');
  if (other) return { constraint: other.rejection.constraint, reason: other.rejection.reason };
  return resourceSentence(
    group,
    cls,
    rejections.map((r) => r.template),
  );
}
