// The scale-down activities (and the pause-control workflow's one activity), bound to their
// dependencies; the worker registers this object next to the provisioning activities.
import type { ControlActivities } from './control-types';
import { cordonNodeActivity, uncordonNodeActivity } from './cordon';
import type { DrainDeps, ScaleDownDeps } from './deps';
import { drainNodeActivity } from './drain';
import { recordScaleDownOutcomeActivity } from './outcome';
import { publishPauseStateActivity, waitWhilePausedActivity } from './pause';
import {
  deleteNodeObjectsActivity,
  deleteVmActivity,
  drainLimitsActivity,
  setVpsieNodePhaseActivity,
} from './removal';
import { checkScaleDownSafetyActivity } from './safety';
import type { ScaleDownActivities } from './types';

export type { DrainDeps, ScaleDownDeps } from './deps';
export type { DrainHeartbeat } from './drain';

export type DrainActivities = Pick<
  ScaleDownActivities,
  'cordonNode' | 'uncordonNode' | 'drainNode'
>;

export function createDrainActivities(deps: DrainDeps): DrainActivities {
  return {
    cordonNode: cordonNodeActivity(deps),
    uncordonNode: uncordonNodeActivity(deps),
    drainNode: drainNodeActivity(deps),
  };
}

export function createScaleDownActivities(
  deps: ScaleDownDeps,
): ScaleDownActivities & ControlActivities {
  return {
    ...createDrainActivities(deps),
    checkScaleDownSafety: checkScaleDownSafetyActivity(deps),
    waitWhilePaused: waitWhilePausedActivity(deps),
    drainLimits: drainLimitsActivity(deps),
    setVpsieNodePhase: setVpsieNodePhaseActivity(deps),
    deleteVm: deleteVmActivity(deps),
    deleteNodeObjects: deleteNodeObjectsActivity(deps),
    recordScaleDownOutcome: recordScaleDownOutcomeActivity(deps),
    publishPauseState: publishPauseStateActivity(deps),
  };
}
