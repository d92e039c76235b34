// Which nodes have a scale-down workflow running, whoever started it (this controller, an
// earlier instance of it, or the removal controller). Temporal is the record: a visibility query
// finds every running scale-down, so a restarted controller sees the removals its predecessor
// started. Visibility is eventually consistent, so the workflows this instance started are also
// remembered and, until the query lists them, described one by one.
import { WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { SearchAttributes } from '../temporal/search-attributes';
import {
  parseScaleDownWorkflowId,
  scaleDownNode,
  scaleDownWorkflowId,
} from '../workflows/scale-down-node';

export interface InFlightRemoval {
  workflowId: string;
  namespace: string;
  nodeName: string;
  /** From the VpsieNodeGroup search attribute; absent when the workflow has not set it. */
  nodeGroup?: string;
}

/** The group name out of a `<namespace>/<group>` VpsieNodeGroup value of that namespace. */
export function groupFromSearchAttribute(
  value: string | undefined,
  namespace: string,
): string | undefined {
  const prefix = `${namespace}/`;
  return value?.startsWith(prefix) && value.length > prefix.length
    ? value.slice(prefix.length)
    : undefined;
}

export class InFlightRemovals {
  private readonly started = new Map<string, InFlightRemoval>();

  constructor(private readonly workflows: WorkflowClient) {}

  /** A workflow this instance just started (or found already running). */
  remember(removal: { namespace: string; nodeName: string; nodeGroup: string }): void {
    const workflowId = scaleDownWorkflowId(removal);
    this.started.set(workflowId, { workflowId, ...removal });
  }

  /** Every running scale-down; throws when Temporal cannot be asked (decide nothing then). */
  async list(): Promise<InFlightRemoval[]> {
    const running = new Map<string, InFlightRemoval>();
    const query = `WorkflowType = "${scaleDownNode.name}" AND ExecutionStatus = "Running"`;
    for await (const info of this.workflows.list({ query })) {
      const parsed = parseScaleDownWorkflowId(info.workflowId);
      if (!parsed) continue;
      const group = info.typedSearchAttributes.get(SearchAttributes.nodeGroup);
      running.set(info.workflowId, {
        workflowId: info.workflowId,
        ...parsed,
        nodeGroup: groupFromSearchAttribute(group, parsed.namespace),
      });
    }
    for (const [workflowId, removal] of this.started) {
      // Listed: visibility has caught up and will also see it finish, so stop tracking it.
      if (running.has(workflowId)) {
        this.started.delete(workflowId);
      } else if (await this.stillRunning(workflowId)) {
        running.set(workflowId, removal);
      } else {
        this.started.delete(workflowId);
      }
    }
    return [...running.values()];
  }

  private async stillRunning(workflowId: string): Promise<boolean> {
    try {
      const { status } = await this.workflows.getHandle(workflowId).describe();
      return status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}
