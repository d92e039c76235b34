// How a scale-down ends, told to operators three ways: metrics, NodeGroup status (which also
// drives the cooldowns of later scale-downs) and Kubernetes events.
import { API_VERSION } from '../../apis/v1alpha1';
import { isNotFound } from '../../kube/clients';
import {
  patchNodeGroupStatus,
  patchVpsieNodeStatus,
  readNodeGroup,
} from '../../kube/custom-resources';
import { emitEvent, type EventTarget } from '../../kube/events';
import type { ScaleDownDeps } from './deps';
import { isAutoscalerDecision, type ScaleDownActivities, type ScaleDownInput } from './types';

type Outcome = Parameters<ScaleDownActivities['recordScaleDownOutcome']>[1];

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

async function failureCondition(
  deps: ScaleDownDeps,
  input: ScaleDownInput,
  failed: boolean,
  message: string,
) {
  const group = await readNodeGroup(deps.kube.custom, input.namespace, input.nodeGroup);
  const others = (group.status?.conditions ?? []).filter((c) => c.type !== 'ScaleDownFailed');
  const condition = {
    type: 'ScaleDownFailed',
    status: failed ? 'True' : 'False',
    reason: failed ? 'DrainFailed' : 'ScaleDownSucceeded',
    message: message.slice(0, 1024),
    lastTransitionTime: now(),
  };
  return { conditions: [...others, condition], uid: group.metadata.uid };
}

export function recordScaleDownOutcomeActivity(deps: ScaleDownDeps) {
  return async function recordScaleDownOutcome(
    input: ScaleDownInput,
    outcome: Outcome,
  ): Promise<void> {
    const ref = { nodeGroup: input.nodeGroup, namespace: input.namespace };
    const target = {
      apiVersion: API_VERSION,
      kind: 'NodeGroup',
      namespace: input.namespace,
      name: input.nodeGroup,
    };
    try {
      await tellOperators(deps, input, outcome, target);
    } catch (err) {
      // The NodeGroup may be gone (deleted with its nodes): the metrics are still recorded.
      if (!isNotFound(err)) throw err;
    }
    // Metrics last, so an activity retried after a failed Kubernetes call counts once.
    if (outcome.result === 'removed') {
      deps.metrics.recordScaleDown({ ...ref, nodesRemoved: 1 });
      const seconds = Math.max(0, (Date.now() - outcome.startedAtMs) / 1000);
      deps.metrics.recordNodeTermination({ ...ref, durationSeconds: seconds });
    } else if (outcome.result === 'blocked') {
      deps.metrics.recordScaleDownBlocked({ ...ref, reason: outcome.verdict.reason });
    } else {
      deps.metrics.recordScaleDownError({ ...ref, errorType: outcome.errorType });
    }
  };
}

async function tellOperators(
  deps: ScaleDownDeps,
  input: ScaleDownInput,
  outcome: Outcome,
  target: EventTarget,
): Promise<void> {
  const { custom, events } = deps.kube;
  if (outcome.result === 'removed') {
    const { conditions, uid } = await failureCondition(
      deps,
      input,
      false,
      `node ${input.nodeName} removed`,
    );
    await patchNodeGroupStatus(custom, input.namespace, input.nodeGroup, {
      lastScaleDownTime: now(),
      conditions,
    });
    await emitEvent(
      events,
      { ...target, uid },
      {
        type: 'Normal',
        reason: 'ScaledDown',
        action: 'ScaleDown',
        note: `node ${input.nodeName} drained, VM deleted and Node removed (${input.trigger})`,
      },
    );
  } else if (outcome.result === 'blocked') {
    await emitEvent(events, target, {
      type: 'Normal',
      reason: 'ScaleDownBlocked',
      action: 'ScaleDown',
      note: `node ${input.nodeName} kept: ${outcome.verdict.reason}: ${outcome.verdict.message}`,
    });
  } else {
    const { conditions, uid } = await failureCondition(deps, input, true, outcome.message);
    await patchNodeGroupStatus(custom, input.namespace, input.nodeGroup, { conditions });
    if (input.vpsieNode && isAutoscalerDecision(input.trigger)) {
      // The node was uncordoned and stays: it is a Ready member of the group again. (An
      // explicitly deleted node stays Terminating while its drain is retried.)
      await patchVpsieNodeStatus(custom, input.namespace, input.vpsieNode, {
        phase: 'Ready',
        lastError: outcome.message.slice(0, 4096),
      }).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
    await emitEvent(
      events,
      { ...target, uid },
      {
        type: 'Warning',
        reason: 'ScaleDownFailed',
        action: 'ScaleDown',
        note: `node ${input.nodeName}: ${outcome.errorType}: ${outcome.message}`,
      },
    );
  }
}
