// `cannot_reschedule` and `anti_affinity`: after the drain, every evicted pod must fit on a node
// that stays. One simulation (../simulation/reschedule.ts) answers both; a pod that no node can
// take on resources, selectors, node affinity, taints or volume affinity is cannot_reschedule,
// and a pod some node could take but only by breaking required pod anti-affinity is
// anti_affinity. Each check runs the simulation itself unless given one, so it stays callable on
// its own while runSafetyChecks simulates once for both.
import {
  type ReschedulingInput,
  type ReschedulingResult,
  type UnplacedPod,
  simulateRescheduling,
} from '../simulation/reschedule';
import type { SafetyCheckCode } from './codes';
import { type CheckResult, fail, PASS } from './result';

function reportUnplaced(
  code: SafetyCheckCode,
  simulation: ReschedulingResult,
  cause: UnplacedPod['cause'],
  lead: string,
): CheckResult {
  const unplaced = simulation.unplaced.filter((u) => u.cause === cause);
  if (unplaced.length === 0) return PASS;
  const [first] = unplaced;
  const more = unplaced.length > 1 ? ` (and ${unplaced.length - 1} more pod(s))` : '';
  return fail(
    code,
    `${lead}: ${first?.pod}: ${first?.detail}${more}`,
    unplaced.map((u) => u.pod),
  );
}

export function checkCannotReschedule(
  input: ReschedulingInput,
  simulation = simulateRescheduling(input),
): CheckResult {
  return reportUnplaced('cannot_reschedule', simulation, 'no_fit', 'pod fits on no remaining node');
}

export function checkAntiAffinity(
  input: ReschedulingInput,
  simulation = simulateRescheduling(input),
): CheckResult {
  return reportUnplaced(
    'anti_affinity',
    simulation,
    'anti_affinity',
    'pod could move only by breaking required pod anti-affinity',
  );
}
