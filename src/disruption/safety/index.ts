// runSafetyChecks: may this node be removed now? Every check runs (none short-circuits), so
// metrics can count each failing check_type, while the first failure in SAFETY_CHECK_CODES
// order is the one reason shown as "blocked by".
import { type ReschedulingResult, simulateRescheduling } from '../simulation/reschedule';
import { checkCapacity } from './capacity';
import { checkClusterHealth } from './cluster-health';
import { SAFETY_CHECK_CODES, type SafetyCheckCode } from './codes';
import { checkCooldown } from './cooldown';
import type { SafetyInput } from './input';
import { checkLocalStorage } from './local-storage';
import { checkMaintenanceWindow } from './maintenance-window';
import { checkMinNodes } from './min-nodes';
import { checkNoController } from './no-controller';
import { checkPaused } from './paused';
import { checkPdb } from './pdb';
import { checkProtected } from './protected';
import { checkAntiAffinity, checkCannotReschedule } from './rescheduling';
import type { CheckResult, SafetyFailure, SafetyResult } from './result';
import { checkSystemPods } from './system-pods';

export type SafetyCheck = (input: SafetyInput) => CheckResult;

/** One check per code; a Record, so a code without a check does not compile. */
export const SAFETY_CHECKS: Readonly<Record<SafetyCheckCode, SafetyCheck>> = {
  paused: checkPaused,
  cluster_health: checkClusterHealth,
  maintenance_window: checkMaintenanceWindow,
  cooldown: checkCooldown,
  min_nodes: checkMinNodes,
  protected: checkProtected,
  pdb: checkPdb,
  system_pods: checkSystemPods,
  no_controller: checkNoController,
  local_storage: checkLocalStorage,
  cannot_reschedule: checkCannotReschedule,
  anti_affinity: checkAntiAffinity,
  capacity: checkCapacity,
};

export function runSafetyChecks(input: SafetyInput): SafetyResult {
  // cannot_reschedule and anti_affinity read the same simulation, the costliest step: run it
  // once for both.
  let simulation: ReschedulingResult | undefined;
  const simulated = () => (simulation ??= simulateRescheduling(input));
  const sharingTheSimulation: Partial<Record<SafetyCheckCode, () => CheckResult>> = {
    cannot_reschedule: () => checkCannotReschedule(input, simulated()),
    anti_affinity: () => checkAntiAffinity(input, simulated()),
  };

  const failures: SafetyFailure[] = [];
  for (const code of SAFETY_CHECK_CODES) {
    if (input.skip?.includes(code)) continue;
    const result = sharingTheSimulation[code]?.() ?? SAFETY_CHECKS[code](input);
    if (!result.ok) failures.push(result);
  }
  const [first, ...rest] = failures;
  if (first === undefined) return { ok: true, failures: [] };
  return { ok: false, failures: [first, ...rest], blocking: first };
}

export { SAFETY_CHECK_CODES, type SafetyCheckCode } from './codes';
export { DEFAULTS as SAFETY_DEFAULTS } from './input';
export type {
  ClusterHealthPolicy,
  CooldownPolicy,
  GroupPolicy,
  MaintenanceWindowSpec,
  PauseState,
  SafetyInput,
} from './input';
export type { CheckResult, SafetyFailure, SafetyResult } from './result';
export { isWindowOpen } from './maintenance-window';
