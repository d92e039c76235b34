// Draining a cordoned node: evict every pod the plan names through the Eviction API, retrying
// pods a PodDisruptionBudget protects, then wait until the evicted pods are gone. The whole drain
// is bounded by `drainTimeoutSeconds` from its start; running out of time is a permanent
// DrainTimeout (the workflow uncordons the node). Other errors are retryable, except refusals
// no retry can fix (RBAC, invalid request), which fail at once as DrainRejected.
import * as k8s from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { ANNOTATIONS } from '../../apis/v1alpha1';
import { apiStatus } from '../../kube/clients';
import type { DrainStatus } from '../../metrics/label-values';
import { permanent } from '../failures';
import { pdbsBlocking } from './blocking-pdbs';
import type { DrainDeps } from './deps';
import { planDrain, podsNotYetGone, type PlannedEviction } from './drain-plan';
import { drainTimeoutMessage } from './drain-timeout';
import { evictPod, listPodsOnNode } from './evict';
import { isPermanentApiError, refusalReason } from './eviction-outcome';
import { DRAIN_STATUS, drainStartMs } from './node-marks';
import { patchNodeFromCurrent, readNodeIfExists } from './node-patch';
import {
  ScaleDownFailureTypes,
  type DrainLimits,
  type DrainResult,
  type ScaleDownTarget,
} from './types';

/** What each heartbeat reports; the last one is in the workflow's pending-activity details. */
export interface DrainHeartbeat {
  phase: 'evicting' | 'terminating';
  /** Pods this attempt evicted so far. */
  evicted: number;
  /** Pods still to evict (evicting) or evicted but not gone yet (terminating). */
  remaining: number;
  /** `namespace/name` of the pods whose last eviction a PodDisruptionBudget refused. */
  blockedByPdb: string[];
}

interface DrainRun {
  ctx: Context;
  deps: DrainDeps;
  deadlineMs: number;
  /** Pods this attempt evicted, in order; what `podsEvicted` counts. */
  evicted: PlannedEviction[];
}

type DrainEnd =
  | { result: 'drained' }
  | {
      result: 'timeout';
      notEvicted: Array<{ pod: PlannedEviction; refusal?: string }>;
      stillTerminating: PlannedEviction[];
    };

const secondsSince = (ms: number) => Math.max(0, (Date.now() - ms) / 1000);

/** Sleep until the next try, but wake up at the deadline to give up on time. */
const pause = (run: DrainRun, ms: number) =>
  run.ctx.sleep(Math.max(0, Math.min(ms, run.deadlineMs - Date.now())));

function throwIfCancelled(ctx: Context): void {
  if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
}

/** Evicts until every pod is evicted or gone; returns the pods still refused at the deadline. */
async function evictAll(
  run: DrainRun,
  toEvict: readonly PlannedEviction[],
): Promise<Array<{ pod: PlannedEviction; refusal?: string }>> {
  const { ctx, deps } = run;
  let pending = [...toEvict];
  const refusals = new Map<string, string>();
  for (;;) {
    const refused: PlannedEviction[] = [];
    for (const pod of pending) {
      // A node with many pods takes a while per round; stop between evictions when asked to.
      throwIfCancelled(ctx);
      const outcome = await evictPod(deps.kube.core, pod);
      if (outcome.kind === 'evicted') run.evicted.push(pod);
      if (outcome.kind === 'blocked') {
        refusals.set(pod.key, outcome.reason);
        refused.push(pod);
      }
    }
    pending = refused;
    ctx.heartbeat({
      phase: 'evicting',
      evicted: run.evicted.length,
      remaining: pending.length,
      blockedByPdb: pending.map((p) => p.key),
    } satisfies DrainHeartbeat);
    if (pending.length === 0) return [];
    if (Date.now() >= run.deadlineMs) {
      return pending.map((pod) => ({ pod, refusal: refusals.get(pod.key) }));
    }
    await pause(run, deps.evictionRetryMs);
  }
}

/** Polls until the evicted pods are gone; returns those still there at the deadline. */
async function waitUntilGone(run: DrainRun, nodeName: string): Promise<PlannedEviction[]> {
  const { ctx, deps } = run;
  for (;;) {
    const remaining = podsNotYetGone(run.evicted, await listPodsOnNode(deps.kube.core, nodeName));
    ctx.heartbeat({
      phase: 'terminating',
      evicted: run.evicted.length,
      remaining: remaining.length,
      blockedByPdb: [],
    } satisfies DrainHeartbeat);
    if (remaining.length === 0 || Date.now() >= run.deadlineMs) return remaining;
    await pause(run, deps.pollIntervalMs);
  }
}

async function drain(
  run: DrainRun,
  target: ScaleDownTarget,
  limits: DrainLimits,
): Promise<DrainEnd> {
  const { deps } = run;
  const plan = planDrain(await listPodsOnNode(deps.kube.core, target.nodeName), limits);
  deps.logger.info('draining node', {
    node: target.nodeName,
    toEvict: plan.evict.length,
    skipped: plan.skipped.length,
    secondsLeft: Math.round((run.deadlineMs - Date.now()) / 1000),
  });
  const notEvicted = await evictAll(run, plan.evict);
  if (notEvicted.length > 0) return { result: 'timeout', notEvicted, stillTerminating: [] };
  const stillTerminating = await waitUntilGone(run, target.nodeName);
  if (stillTerminating.length > 0) return { result: 'timeout', notEvicted, stillTerminating };
  return { result: 'drained' };
}

async function timeoutMessage(
  deps: DrainDeps,
  policy: k8s.PolicyV1Api,
  target: ScaleDownTarget,
  limits: DrainLimits,
  end: DrainEnd & { result: 'timeout' },
): Promise<string> {
  const pdbs = await pdbsBlocking(
    policy,
    end.notEvicted.map((n) => n.pod),
    deps.logger,
  );
  return drainTimeoutMessage({
    nodeName: target.nodeName,
    timeoutSeconds: limits.drainTimeoutSeconds,
    notEvicted: end.notEvicted.map(({ pod, refusal }) => ({
      key: pod.key,
      refusal,
      pdbs: pdbs.get(pod.key),
    })),
    stillTerminating: end.stillTerminating.map((pod) => ({ key: pod.key })),
  });
}

/** The drain status annotation is informational: failing to write it must not fail the drain. */
async function markDrained(deps: DrainDeps, nodeName: string): Promise<void> {
  await patchNodeFromCurrent(deps.kube.core, nodeName, () => ({
    metadata: { annotations: { [ANNOTATIONS.drainStatus]: DRAIN_STATUS.drained } },
  })).catch((err: unknown) => {
    deps.logger.warn('could not mark the node drained', { node: nodeName, error: err });
  });
}

export function drainNodeActivity(deps: DrainDeps) {
  const policy = deps.kube.kubeConfig.makeApiClient(k8s.PolicyV1Api);
  return async function drainNode(
    target: ScaleDownTarget,
    limits: DrainLimits,
  ): Promise<DrainResult> {
    const startedMs = Date.now();
    const evicted: PlannedEviction[] = [];
    const record = (status: DrainStatus, durationSeconds = secondsSince(startedMs)) =>
      deps.metrics.recordNodeDrain({
        nodeGroup: target.nodeGroup,
        namespace: target.namespace,
        status,
        durationSeconds,
        podsEvicted: evicted.length,
      });

    let end: DrainEnd;
    try {
      // A retried drain keeps the deadline of the drain that cordonNode started.
      const node = await readNodeIfExists(deps.kube.core, target.nodeName);
      const drainStart = drainStartMs(node, startedMs) ?? startedMs;
      const deadlineMs = drainStart + limits.drainTimeoutSeconds * 1000;
      end = await drain({ ctx: Context.current(), deps, deadlineMs, evicted }, target, limits);
    } catch (err) {
      // Cancellation is the workflow's decision, not an outcome of the drain.
      if (err instanceof CancelledFailure) throw err;
      record('error');
      deps.logger.warn('drain failed', { node: target.nodeName, error: err });
      if (isPermanentApiError(err)) {
        throw permanent(
          ScaleDownFailureTypes.drainRejected,
          `drain of node ${target.nodeName} refused: HTTP ${apiStatus(err)}: ${refusalReason(err)}`,
        );
      }
      throw err;
    }

    if (end.result === 'timeout') {
      const message = await timeoutMessage(deps, policy, target, limits, end);
      record('timeout');
      deps.logger.warn('drain timed out', { node: target.nodeName, message });
      throw permanent(ScaleDownFailureTypes.drainTimeout, message);
    }
    await markDrained(deps, target.nodeName);
    const durationSeconds = secondsSince(startedMs);
    record('success', durationSeconds);
    deps.logger.info('node drained', {
      node: target.nodeName,
      podsEvicted: evicted.length,
      durationSeconds,
    });
    return { podsEvicted: evicted.length, durationSeconds };
  };
}
