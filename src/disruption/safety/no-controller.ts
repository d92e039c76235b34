// `no_controller`: pods no controller owns. Evicted, they are gone for good: nothing recreates
// them elsewhere (Cluster Autoscaler blocks on them too). Mirror pods have the Node as owner
// but no controller; they are never evicted and are excluded with the DaemonSet pods.
import { controllerOf, podKey } from '../pods';
import type { SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';
import { podsSubjectToSoftBlockers } from './soft-blockers';

export function checkNoController(input: Pick<SafetyInput, 'podsOnNode'>): CheckResult {
  const orphans = podsSubjectToSoftBlockers(input.podsOnNode)
    .filter((pod) => controllerOf(pod) === undefined)
    .map(podKey);
  if (orphans.length === 0) return PASS;
  return fail(
    'no_controller',
    `pod(s) not managed by a controller: ${listNames(orphans)}`,
    orphans,
  );
}
