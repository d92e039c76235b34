// The drain-side scale-down activities (cordon, drain, uncordon), bound to their dependencies.
import { cordonNodeActivity, uncordonNodeActivity } from './cordon';
import type { ScaleDownDeps } from './deps';
import { drainNodeActivity } from './drain';
import type { ScaleDownActivities } from './types';

export type { ScaleDownDeps } from './deps';
export type { DrainHeartbeat } from './drain';

export type DrainActivities = Pick<
  ScaleDownActivities,
  'cordonNode' | 'uncordonNode' | 'drainNode'
>;

export function createDrainActivities(deps: ScaleDownDeps): DrainActivities {
  return {
    cordonNode: cordonNodeActivity(deps),
    uncordonNode: uncordonNodeActivity(deps),
    drainNode: drainNodeActivity(deps),
  };
}
