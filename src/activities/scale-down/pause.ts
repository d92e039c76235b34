// Pause state lives in the pause-control workflows; activities read it with a query and mirror
// it into NodeGroup status. A control workflow that was never started means "not paused".
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { GROUP, VERSION } from '../../apis/v1alpha1';
import { patchNodeGroupStatus } from '../../kube/custom-resources';
import { controlWorkflowId, pauseStateQuery } from '../../workflows/scale-down-control';
import type { PauseScope } from './control-types';
import type { ScaleDownDeps } from './deps';
import type { PauseState, ScaleDownTarget } from './types';

async function readPause(deps: ScaleDownDeps, scope: PauseScope): Promise<PauseState> {
  try {
    return await deps.workflows.getHandle(controlWorkflowId(scope)).query(pauseStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { paused: false };
    throw err;
  }
}

/** The pause in force for a group: cluster-wide first, then the group's own. */
export async function effectivePause(
  deps: ScaleDownDeps,
  target: { namespace: string; nodeGroup: string },
): Promise<PauseState> {
  const cluster = await readPause(deps, { kind: 'cluster' });
  if (cluster.paused) return cluster;
  return readPause(deps, { kind: 'nodegroup', ...target });
}

export function waitWhilePausedActivity(deps: ScaleDownDeps) {
  return async function waitWhilePaused(target: ScaleDownTarget): Promise<void> {
    const ctx = Context.current();
    for (;;) {
      // Not knowing whether scale-down is paused (e.g. no worker answers the control workflow's
      // query during a restart) counts as paused: the next step may be destructive.
      const pause = await effectivePause(deps, target).catch((err: unknown) => {
        deps.logger.warn('cannot read the scale-down pause; waiting', {
          nodeGroup: `${target.namespace}/${target.nodeGroup}`,
          error: err instanceof Error ? err.message : String(err),
        });
        return { paused: true, reason: 'pause state unknown' } as PauseState;
      });
      ctx.heartbeat({ paused: pause.paused, reason: pause.reason });
      if (!pause.paused) return;
      await ctx.sleep(deps.pauseCheckIntervalMs);
    }
  };
}

export function publishPauseStateActivity(deps: Pick<ScaleDownDeps, 'kube' | 'metrics'>) {
  return async function publishPauseState(scope: PauseScope, state: PauseState): Promise<void> {
    const groups =
      scope.kind === 'nodegroup'
        ? [{ namespace: scope.namespace, name: scope.nodeGroup }]
        : await listNodeGroups(deps);
    const status = {
      scaleDownPause: state.paused
        ? {
            paused: true,
            reason: state.reason,
            pausedBy:
              scope.kind === 'cluster'
                ? `cluster-wide: ${state.pausedBy ?? 'operator'}`
                : state.pausedBy,
            since: state.since,
            expiresAt: state.expiresAt,
          }
        : null,
    };
    for (const group of groups) {
      await patchNodeGroupStatus(deps.kube.custom, group.namespace, group.name, status).catch(
        (err: { code?: number }) => {
          if (err.code !== 404) throw err; // a group deleted meanwhile has nothing to show
        },
      );
      deps.metrics.setScaleDownPaused({
        nodeGroup: group.name,
        namespace: group.namespace,
        paused: state.paused,
      });
    }
  };
}

async function listNodeGroups(deps: Pick<ScaleDownDeps, 'kube'>) {
  const list = (await deps.kube.custom.listClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'nodegroups',
  })) as { items: Array<{ metadata: { namespace: string; name: string } }> };
  return list.items.map((i) => ({ namespace: i.metadata.namespace, name: i.metadata.name }));
}
