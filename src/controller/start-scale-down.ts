// Starting a scale-down workflow, one way for both controllers that start them (removal and
// scale-down): the deterministic id, and the search attributes the Web UI filters on from the
// first moment (the workflow upserts them too, but only once its first task runs).
import { TypedSearchAttributes } from '@temporalio/common';
import {
  WorkflowExecutionAlreadyStartedError,
  type WorkflowClient,
  type WorkflowIdConflictPolicy,
} from '@temporalio/client';
import type { ScaleDownInput } from '../activities/scale-down/types';
import { SearchAttributes } from '../temporal/search-attributes';
import { scaleDownNode, scaleDownWorkflowId } from '../workflows/scale-down-node';

export function startScaleDownWorkflow(
  workflows: WorkflowClient,
  taskQueue: string,
  input: ScaleDownInput,
  conflictPolicy: WorkflowIdConflictPolicy,
) {
  return workflows.start(scaleDownNode, {
    workflowId: scaleDownWorkflowId(input),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: conflictPolicy,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SearchAttributes.operation, value: 'scale-down' },
      { key: SearchAttributes.nodeGroup, value: `${input.namespace}/${input.nodeGroup}` },
      ...(input.vpsieNode
        ? [{ key: SearchAttributes.vpsieNode, value: `${input.namespace}/${input.vpsieNode}` }]
        : []),
    ]),
  });
}

/**
 * Starts one of the autoscaler's own removals (underutilised, above maxNodes) at most once.
 * FAIL rather than USE_EXISTING: "already running" must be told apart from "started", so a
 * removal is never counted or logged as started twice. Either way it is in flight afterwards.
 */
export async function startOwnRemoval(
  workflows: WorkflowClient,
  taskQueue: string,
  input: ScaleDownInput,
  inFlight: { remember(input: ScaleDownInput): void },
): Promise<'started' | 'running' | { error: unknown }> {
  try {
    await startScaleDownWorkflow(workflows, taskQueue, input, 'FAIL');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) return { error: err };
    inFlight.remember(input);
    return 'running';
  }
  inFlight.remember(input);
  return 'started';
}
