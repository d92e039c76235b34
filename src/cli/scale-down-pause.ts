// `pause-scale-down` / `resume-scale-down` / `scale-down-status`: operator control over
// scale-down through the durable pause-control workflows (per NodeGroup or cluster-wide).
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { PauseScope } from '../activities/scale-down/control-types';
import type { PauseState } from '../activities/scale-down/types';
import type { Config } from '../config';
import { durationToSeconds } from '../config/duration';
import { connectClient } from '../temporal/connection';
import {
  controlWorkflowId,
  pauseScaleDownUpdate,
  pauseStateQuery,
  resumeScaleDownUpdate,
  scaleDownControl,
} from '../workflows/scale-down-control';

export interface PauseTarget {
  /** `namespace/name` of a NodeGroup; cluster-wide when absent. */
  nodeGroup?: string;
}

export function scopeOf(target: PauseTarget): PauseScope {
  if (!target.nodeGroup) return { kind: 'cluster' };
  const [namespace, name, extra] = target.nodeGroup.split('/');
  if (!namespace || !name || extra !== undefined) {
    throw new Error(`--nodegroup "${target.nodeGroup}": expected <namespace>/<name>`);
  }
  return { kind: 'nodegroup', namespace, nodeGroup: name };
}

/** `--for 2h` → RFC 3339 expiry from `nowMs`. */
export function expiryFrom(duration: string | undefined, nowMs: number): string | undefined {
  if (duration === undefined) return undefined;
  const seconds = durationToSeconds(duration);
  if (seconds === undefined || seconds <= 0) {
    throw new Error(`--for "${duration}": expected a positive duration such as 30m, 2h or 1h30m`);
  }
  return new Date(nowMs + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function withClient<T>(
  config: Readonly<Config>,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const { client, connection } = await connectClient(config.temporal);
  try {
    return await fn(client);
  } finally {
    await connection.close();
  }
}

/**
 * Runs an update; when the workflow refuses it (its validator), the refusal's own message, not the
 * SDK's generic "Workflow Update failed", is what the operator sees.
 */
async function refusalExplained<T>(update: Promise<T>): Promise<T> {
  try {
    return await update;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause) {
      throw new Error(err.cause.message, { cause: err });
    }
    throw err;
  }
}

/** The control workflow for `scope`, started if it does not run yet. */
async function controlHandle(client: Client, config: Readonly<Config>, scope: PauseScope) {
  const workflowId = controlWorkflowId(scope);
  await client.workflow.start(scaleDownControl, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [scope],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  // Not the handle `start` returns: with USE_EXISTING it takes the running run for the first of
  // its chain, and once the workflow has continued as new the server refuses updates sent with
  // that first-run id (WorkflowNotFoundError). By id alone, the latest run is addressed.
  return client.workflow.getHandle<typeof scaleDownControl>(workflowId);
}

export function pauseScaleDown(
  config: Readonly<Config>,
  target: PauseTarget,
  request: { reason: string; for?: string; by?: string },
): Promise<PauseState> {
  const scope = scopeOf(target);
  const expiresAt = expiryFrom(request.for, Date.now());
  return withClient(config, async (client) => {
    const handle = await controlHandle(client, config, scope);
    return refusalExplained(
      handle.executeUpdate(pauseScaleDownUpdate, {
        args: [{ reason: request.reason, by: request.by, expiresAt }],
      }),
    );
  });
}

export function resumeScaleDown(
  config: Readonly<Config>,
  target: PauseTarget,
  by?: string,
): Promise<PauseState> {
  const scope = scopeOf(target);
  return withClient(config, async (client) => {
    const handle = await controlHandle(client, config, scope);
    return refusalExplained(handle.executeUpdate(resumeScaleDownUpdate, { args: [{ by }] }));
  });
}

export function scaleDownPauseStatus(
  config: Readonly<Config>,
  target: PauseTarget,
): Promise<PauseState> {
  const scope = scopeOf(target);
  return withClient(config, async (client) => {
    const handle = await controlHandle(client, config, scope);
    return handle.query(pauseStateQuery);
  });
}
