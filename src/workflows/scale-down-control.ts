// The durable pause switch for scale-down: one long-lived workflow per NodeGroup
// (`scale-down-control/<namespace>/<name>`) and one cluster-wide (`scale-down-control/cluster`).
// Operators pause and resume through updates (or signals); the state lives in workflow history,
// so it survives worker and controller restarts, and it is mirrored into NodeGroup status.
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PauseState } from '../activities/scale-down/types';
import type { ControlActivities, PauseScope } from '../activities/scale-down/control-types';

export interface PauseRequest {
  reason: string;
  by?: string;
  /** RFC 3339 time at which the pause ends by itself. */
  expiresAt?: string;
}

export const pauseScaleDownUpdate = defineUpdate<PauseState, [PauseRequest]>('pauseScaleDown');
export const resumeScaleDownUpdate = defineUpdate<PauseState, [{ by?: string }]>('resumeScaleDown');
// Signals for clients that cannot wait for an answer (fire-and-forget tooling).
export const pauseScaleDownSignal = defineSignal<[PauseRequest]>('pauseScaleDown');
export const resumeScaleDownSignal = defineSignal<[{ by?: string }]>('resumeScaleDown');
export const pauseStateQuery = defineQuery<PauseState>('pauseState');

export function controlWorkflowId(scope: PauseScope): string {
  return scope.kind === 'cluster'
    ? 'scale-down-control/cluster'
    : `scale-down-control/${scope.namespace}/${scope.nodeGroup}`;
}

const { publishPauseState } = proxyActivities<ControlActivities>({
  startToCloseTimeout: '1 minute',
  // Unlimited: a failed control workflow would lose the pause; the mirror just lags meanwhile.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Keep history short: a workflow that lives for months carries its state into a new run.
const MAX_CHANGES_PER_RUN = 200;

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function validatePauseRequest(request: PauseRequest, nowMs: number): void {
  if (!request.reason || request.reason.trim() === '') {
    throw new Error('a pause needs a reason (what operators will see in NodeGroup status)');
  }
  if (request.reason.length > 1024) throw new Error('reason: at most 1024 characters');
  if (request.expiresAt !== undefined) {
    const at = Date.parse(request.expiresAt);
    if (Number.isNaN(at))
      throw new Error(`expiresAt "${request.expiresAt}" is not an RFC 3339 time`);
    if (at <= nowMs) throw new Error(`expiresAt ${request.expiresAt} is in the past`);
  }
}

export async function scaleDownControl(
  scope: PauseScope,
  initial: PauseState = { paused: false },
): Promise<void> {
  let state: PauseState = initial;
  let changes = 0;
  let published = false;

  const pause = (request: PauseRequest): PauseState => {
    validatePauseRequest(request, Date.now());
    state = {
      paused: true,
      reason: request.reason,
      pausedBy: request.by,
      since: rfc3339(Date.now()),
      expiresAt: request.expiresAt,
    };
    changes++;
    published = false;
    return state;
  };
  const resume = (request: { by?: string }): PauseState => {
    state = { paused: false, pausedBy: request.by };
    changes++;
    published = false;
    return state;
  };
  setHandler(pauseScaleDownUpdate, pause, {
    validator: (request) => validatePauseRequest(request, Date.now()),
  });
  setHandler(resumeScaleDownUpdate, resume);
  setHandler(pauseScaleDownSignal, (request) => {
    try {
      pause(request);
    } catch {
      // An invalid signal cannot be answered; updates are the validated path.
    }
  });
  setHandler(resumeScaleDownSignal, (request) => void resume(request));
  setHandler(pauseStateQuery, () => state);

  for (;;) {
    // Marked before the await: a change made while the activity runs clears it again and is
    // published next, instead of being lost behind `published = true`.
    while (!published) {
      published = true;
      await publishPauseState(scope, state);
    }
    if (changes >= MAX_CHANGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof scaleDownControl>(scope, state);
    }
    const expiresAtMs = state.paused && state.expiresAt ? Date.parse(state.expiresAt) : undefined;
    const seen = changes;
    if (expiresAtMs !== undefined) {
      const changed = await condition(
        () => changes !== seen,
        Math.max(0, expiresAtMs - Date.now()),
      );
      if (!changed) resume({ by: 'expiry' });
    } else {
      await condition(() => changes !== seen);
    }
  }
}
