// What the pause-control workflow asks of the outside world.
import type { PauseState } from './types';

export type PauseScope =
  { kind: 'cluster' } | { kind: 'nodegroup'; namespace: string; nodeGroup: string };

export interface ControlActivities {
  /** Mirror the pause into NodeGroup status (one group, or every group for the cluster scope). */
  publishPauseState(scope: PauseScope, state: PauseState): Promise<void>;
}
