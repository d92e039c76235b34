// One workflow per node removal (`scale-down/<namespace>/<node>`): re-check safety, wait while
// paused, cordon, drain, wait while paused again, delete the VM, delete the Node and VPSieNode.
// A failed drain gives an underutilised node back (uncordoned); an explicitly deleted node stays
// cordoned and is drained again after a back-off. Each step is an activity.
import {
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SafetyCheckCode } from '../disruption/safety/codes';
import type { ScaleDownActivities, ScaleDownInput } from '../activities/scale-down/types';
import { ScaleDownFailureTypes, isAutoscalerDecision } from '../activities/scale-down/types';
import { SearchAttributes } from '../temporal/search-attributes';
import { errorMessage, failureType, runStep, type StepState } from './step-runner';

export type ScaleDownResult =
  | { result: 'REMOVED'; nodeName: string }
  | { result: 'BLOCKED'; nodeName: string; reason: SafetyCheckCode; message: string }
  | { result: 'FAILED'; nodeName: string; errorType: string; message: string };

export interface ScaleDownStatus extends StepState {
  phase: string;
  blockedReason?: string;
}

export const scaleDownStatusQuery = defineQuery<ScaleDownStatus>('scaleDownStatus');

export function scaleDownWorkflowId(input: { namespace: string; nodeName: string }): string {
  return `scale-down/${input.namespace}/${input.nodeName}`;
}

/** `scale-down/<namespace>/<node>` back to its parts; undefined for any other id. */
export function parseScaleDownWorkflowId(
  workflowId: string,
): { namespace: string; nodeName: string } | undefined {
  const parts = workflowId.split('/');
  if (parts.length !== 3 || parts[0] !== 'scale-down' || !parts[1] || !parts[2]) return undefined;
  return { namespace: parts[1], nodeName: parts[2] };
}

/** Back-off between drains of an explicitly deleted node: doubling up to this. */
const MAX_DRAIN_RETRY_DELAY_MS = 15 * 60_000;

const quick = proxyActivities<ScaleDownActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

// Waiting for a resume can take days: heartbeats prove the worker is alive meanwhile.
const pauses = proxyActivities<ScaleDownActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

const drains = (timeoutSeconds: number) =>
  proxyActivities<ScaleDownActivities>({
    startToCloseTimeout: `${timeoutSeconds + 120} seconds`,
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 1 },
  });

export async function scaleDownNode(input: ScaleDownInput): Promise<ScaleDownResult> {
  const startedAtMs = Date.now();
  const status: ScaleDownStatus = { phase: 'Checking', step: 'start', attempts: 0 };
  setHandler(scaleDownStatusQuery, () => ({ ...status }));
  const setPhase = (phase: string) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: SearchAttributes.phase, value: phase }]);
  };
  upsertSearchAttributes([
    { key: SearchAttributes.operation, value: 'scale-down' },
    { key: SearchAttributes.nodeGroup, value: `${input.namespace}/${input.nodeGroup}` },
    ...(input.vpsieNode
      ? [{ key: SearchAttributes.vpsieNode, value: `${input.namespace}/${input.vpsieNode}` }]
      : []),
  ]);
  const target = {
    namespace: input.namespace,
    nodeGroup: input.nodeGroup,
    nodeName: input.nodeName,
    vpsieNode: input.vpsieNode,
  };

  // A new trigger takes these paths only for its own new runs: histories of the older triggers
  // replay exactly as before.
  if (isAutoscalerDecision(input.trigger)) {
    const verdict = await runStep(status, 'checkScaleDownSafety', () =>
      quick.checkScaleDownSafety(input),
    );
    if (!verdict.ok) {
      status.blockedReason = verdict.reason;
      setPhase('Blocked');
      upsertSearchAttributes([{ key: SearchAttributes.blockedReason, value: verdict.reason }]);
      await runStep(status, 'recordScaleDownOutcome', () =>
        quick.recordScaleDownOutcome(input, { result: 'blocked', verdict }),
      );
      return {
        result: 'BLOCKED',
        nodeName: input.nodeName,
        reason: verdict.reason,
        message: verdict.message,
      };
    }
  }

  setPhase('WaitingIfPaused');
  await runStep(status, 'waitWhilePaused', () => pauses.waitWhilePaused(target));
  const limits = await runStep(status, 'drainLimits', () => quick.drainLimits(target));
  setPhase('Terminating');
  await runStep(status, 'setVpsieNodePhase', () => quick.setVpsieNodePhase(target, 'Terminating'));
  await runStep(status, 'cordonNode', () => quick.cordonNode(target));

  // An explicit deletion (kubectl delete node / vpsienode) is never abandoned: after a failed
  // drain the node stays cordoned, the failure is recorded, and the drain is tried again after a
  // back-off. The autoscaler's own decision gives up instead and gives the node back.
  const explicit = !isAutoscalerDecision(input.trigger);
  let retryDelayMs = limits.retryDelaySeconds * 1000;
  for (;;) {
    setPhase('Draining');
    try {
      // A drain is not retried as a whole: it retries evictions inside until its own deadline.
      await runStep(
        status,
        'drainNode',
        () => drains(limits.drainTimeoutSeconds).drainNode(target, limits),
        { maxAttempts: 3, initialBackoffMs: 5_000, maxBackoffMs: 30_000 },
      );
      break;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const errorType =
        failureType(err) === ScaleDownFailureTypes.drainTimeout ? 'drain_timeout' : 'drain_error';
      const message = errorMessage(err);
      setPhase('DrainFailed');
      if (!explicit) {
        await runStep(status, 'uncordonNode', () => quick.uncordonNode(target));
      }
      await runStep(status, 'recordScaleDownOutcome', () =>
        quick.recordScaleDownOutcome(input, { result: 'failed', errorType, message }),
      );
      if (!explicit) return { result: 'FAILED', nodeName: input.nodeName, errorType, message };
      setPhase('DrainBackoff');
      await sleep(retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, MAX_DRAIN_RETRY_DELAY_MS);
      setPhase('WaitingIfPaused');
      await runStep(status, 'waitWhilePaused', () => pauses.waitWhilePaused(target));
      // Cordoning again starts the next drain's deadline.
      await runStep(status, 'cordonNode', () => quick.cordonNode(target));
    }
  }

  // The last point of return: a pause taken during the drain holds the node here, drained.
  setPhase('WaitingIfPaused');
  await runStep(status, 'waitWhilePaused', () => pauses.waitWhilePaused(target));
  setPhase('Deleting');
  await runStep(status, 'setVpsieNodePhase', () => quick.setVpsieNodePhase(target, 'Deleting'));
  await runStep(status, 'deleteVm', () => quick.deleteVm(target));
  await runStep(status, 'deleteNodeObjects', () => quick.deleteNodeObjects(target));
  setPhase('Removed');
  await runStep(status, 'recordScaleDownOutcome', () =>
    quick.recordScaleDownOutcome(input, { result: 'removed', startedAtMs }),
  );
  status.step = 'done';
  return { result: 'REMOVED', nodeName: input.nodeName };
}
