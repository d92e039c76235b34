// The scale-down workflow's decisions on a real Temporal dev server, with recording stand-ins for
// its activities (each real activity is tested against the control plane elsewhere): a safety
// block ends before anything is touched; a failed drain gives an underutilised node back; an
// explicitly deleted node is never abandoned, its drain retried after a back-off.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  ScaleDownFailureTypes,
  type ScaleDownActivities,
  type ScaleDownInput,
  type ScaleDownTrigger,
} from '../../src/activities/scale-down/types';
import { scaleDownNode, scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import { createTemporalEnv, startWorkflowWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let worker: Awaited<ReturnType<typeof startWorkflowWorker>> | undefined;
const taskQueue = `scale-down-node-${randomUUID()}`;

/** Per node: the activities called, in order, and how many drains are still to fail. */
const calls = new Map<string, string[]>();
const drainFailuresLeft = new Map<string, number>();
const blocked = new Set<string>();

function record(nodeName: string, call: string) {
  calls.set(nodeName, [...(calls.get(nodeName) ?? []), call]);
}

const activities: ScaleDownActivities = {
  async checkScaleDownSafety(input) {
    record(input.nodeName, 'checkScaleDownSafety');
    return blocked.has(input.nodeName)
      ? { ok: false, reason: 'pdb', message: 'budget allows 0', failedChecks: ['pdb'] }
      : { ok: true };
  },
  async waitWhilePaused(target) {
    record(target.nodeName, 'waitWhilePaused');
  },
  async drainLimits(target) {
    record(target.nodeName, 'drainLimits');
    return { drainTimeoutSeconds: 30, maxTerminationGracePeriodSeconds: 5, retryDelaySeconds: 1 };
  },
  async cordonNode(target) {
    record(target.nodeName, 'cordonNode');
  },
  async uncordonNode(target) {
    record(target.nodeName, 'uncordonNode');
  },
  async drainNode(target) {
    record(target.nodeName, 'drainNode');
    const left = drainFailuresLeft.get(target.nodeName) ?? 0;
    if (left > 0) {
      drainFailuresLeft.set(target.nodeName, left - 1);
      throw ApplicationFailure.nonRetryable(
        'drain did not finish within 30s',
        ScaleDownFailureTypes.drainTimeout,
      );
    }
    return { podsEvicted: 2, durationSeconds: 1 };
  },
  async setVpsieNodePhase(target, phase) {
    record(target.nodeName, `setVpsieNodePhase:${phase}`);
  },
  async deleteVm(target) {
    record(target.nodeName, 'deleteVm');
    return { deleted: true };
  },
  async deleteNodeObjects(target) {
    record(target.nodeName, 'deleteNodeObjects');
  },
  async recordScaleDownOutcome(input, outcome) {
    record(input.nodeName, `recordScaleDownOutcome:${outcome.result}`);
  },
};

beforeAll(async () => {
  env = await createTemporalEnv();
  worker = await startWorkflowWorker(env, taskQueue, activities);
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

function input(nodeName: string, trigger: ScaleDownTrigger): ScaleDownInput {
  return { namespace: 'prod', nodeGroup: 'workers', nodeName, vpsieNode: nodeName, trigger };
}

function run(request: ScaleDownInput) {
  return env.client.workflow.execute(scaleDownNode, {
    workflowId: scaleDownWorkflowId(request),
    taskQueue,
    args: [request],
  });
}

test('a safety block ends the workflow before anything is touched', async () => {
  const node = `blocked-${randomUUID().slice(0, 6)}`;
  blocked.add(node);
  expect(await run(input(node, 'underutilized'))).toEqual({
    result: 'BLOCKED',
    nodeName: node,
    reason: 'pdb',
    message: 'budget allows 0',
  });
  expect(calls.get(node)).toEqual(['checkScaleDownSafety', 'recordScaleDownOutcome:blocked']);
});

test('an explicit deletion is not second-guessed: no safety check, drained, VM then Node deleted', async () => {
  const node = `deleted-${randomUUID().slice(0, 6)}`;
  expect(await run(input(node, 'node-deleted'))).toEqual({ result: 'REMOVED', nodeName: node });
  expect(calls.get(node)).toEqual([
    'waitWhilePaused',
    'drainLimits',
    'setVpsieNodePhase:Terminating',
    'cordonNode',
    'drainNode',
    'waitWhilePaused',
    'setVpsieNodePhase:Deleting',
    'deleteVm',
    'deleteNodeObjects',
    'recordScaleDownOutcome:removed',
  ]);
});

test('a drain that times out gives an underutilised node back (uncordoned) and ends FAILED', async () => {
  const node = `timeout-${randomUUID().slice(0, 6)}`;
  drainFailuresLeft.set(node, 1);
  expect(await run(input(node, 'underutilized'))).toMatchObject({
    result: 'FAILED',
    nodeName: node,
    errorType: 'drain_timeout',
  });
  const seen = calls.get(node)!;
  expect(seen.slice(-3)).toEqual(['drainNode', 'uncordonNode', 'recordScaleDownOutcome:failed']);
  expect(seen).not.toContain('deleteVm');
});

test('an explicitly deleted node whose drain times out stays cordoned and is drained again', async () => {
  const node = `retry-${randomUUID().slice(0, 6)}`;
  drainFailuresLeft.set(node, 2);
  expect(await run(input(node, 'vpsienode-deleted'))).toEqual({
    result: 'REMOVED',
    nodeName: node,
  });
  const seen = calls.get(node)!;
  expect(seen).not.toContain('uncordonNode');
  // Each failure is recorded, then the pause is honoured and the node cordoned again (which
  // starts the next drain's deadline) before the next drain.
  const retry = ['drainNode', 'recordScaleDownOutcome:failed', 'waitWhilePaused', 'cordonNode'];
  const cordon = seen.indexOf('cordonNode');
  expect(seen.slice(cordon + 1, cordon + 1 + 2 * retry.length)).toEqual([...retry, ...retry]);
  expect(seen.filter((c) => c === 'drainNode')).toHaveLength(3);
  expect(seen.slice(-4)).toEqual([
    'setVpsieNodePhase:Deleting',
    'deleteVm',
    'deleteNodeObjects',
    'recordScaleDownOutcome:removed',
  ]);
});
