// The demo's view of scale-down workflows, through the Temporal client as an operator would look:
// which removals of a NodeGroup started, who started them and why (the workflow's input says:
// trigger `underutilized` is the controller's own decision, the others an explicit deletion),
// and, for the controller's decisions, how long it saw the node underutilised (its log line).
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter, fromPayloadsAtIndex } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import type { ScaleDownInput } from '../../../src/activities/scale-down/types';
import { SearchAttributes } from '../../../src/temporal/search-attributes';
import type { Timeline } from './timeline';

export interface ScaleDownRun {
  workflowId: string;
  runId: string;
  startMs: number;
  input: ScaleDownInput;
}

/** The input a run was started with, from the first event of its history. */
export async function scaleDownRunInput(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<ScaleDownInput> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`workflow ${workflowId}: no WorkflowExecutionStarted event`);
  return fromPayloadsAtIndex<ScaleDownInput>(
    defaultPayloadConverter,
    0,
    started.input?.payloads ?? [],
  );
}

/** The search attributes the operator filters by in the Web UI, as `Name=value` pairs. */
export function searchAttributesOf(description: WorkflowExecutionDescription): string {
  const attrs = description.typedSearchAttributes;
  return [SearchAttributes.operation, SearchAttributes.nodeGroup, SearchAttributes.phase]
    .map((key) => `${key.name}=${attrs.get(key) ?? '-'}`)
    .join(' ');
}

/** The controller's `scaling down underutilised node` log line for a workflow, if written. */
export function controllerDecision(
  logFile: string,
  workflowId: string,
): { unneededSeconds?: number; utilization?: number; empty?: boolean } | undefined {
  if (!existsSync(logFile)) return undefined;
  const line = readFileSync(logFile, 'utf8')
    .split('\n')
    .find((l) => l.includes('scaling down underutilised node') && l.includes(workflowId));
  if (!line) return undefined;
  const field = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(line)?.[1];
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    unneededSeconds: number(field('unneededSeconds')),
    utilization: number(field('utilization')),
    empty: field('empty') === undefined ? undefined : field('empty') === 'true',
  };
}

export interface ScaleDownWatchOptions {
  client: Client;
  /** `<namespace>/<name>` of the NodeGroup. */
  nodeGroup: string;
  timeline: Timeline;
  workflowUrl: (workflowId: string) => string;
  /** The controller's log, for the figures behind its decisions. */
  controllerLog: string;
  /** Told of every run, once, as soon as it is seen. */
  onStart?: (run: ScaleDownRun) => void;
}

const POLL_MS = 250;

/** Narrates every scale-down run of the group as it starts, until stopped. */
export class ScaleDownWatch {
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ScaleDownWatchOptions) {}

  start(): void {
    const tick = () => {
      void this.poll()
        .catch(() => undefined) // Temporal briefly unreachable: the next poll tries again.
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, POLL_MS);
        });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    const { client, nodeGroup } = this.options;
    const query =
      `${SearchAttributes.operation.name} = "scale-down" AND ` +
      `${SearchAttributes.nodeGroup.name} = "${nodeGroup}"`;
    const fresh = [];
    for await (const run of client.workflow.list({ query })) {
      if (!this.seen.has(run.runId)) fresh.push(run);
    }
    fresh.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    for (const run of fresh) {
      if (this.stopped) return;
      const input = await scaleDownRunInput(client, run.workflowId, run.runId);
      if (this.seen.has(run.runId)) continue;
      this.seen.add(run.runId);
      const started: ScaleDownRun = {
        workflowId: run.workflowId,
        runId: run.runId,
        startMs: run.startTime.getTime(),
        input,
      };
      await this.narrate(started);
      this.options.onStart?.(started);
    }
  }

  private async narrate({ workflowId, input }: ScaleDownRun): Promise<void> {
    const { timeline, workflowUrl, controllerLog } = this.options;
    const started = `${workflowId} started (trigger ${input.trigger})  ${workflowUrl(workflowId)}`;
    if (input.trigger !== 'underutilized') {
      const what = input.trigger === 'vpsienode-deleted' ? 'VPSieNode' : 'Node';
      timeline.say(
        `removal controller: ${what} ${input.vpsieNode ?? input.nodeName} deleted → ${started}`,
      );
      return;
    }
    // The controller logs its decision right after the start returns: give it a moment.
    let decision = controllerDecision(controllerLog, workflowId);
    for (let i = 0; i < 8 && !decision; i++) {
      await new Promise((resolve) => setTimeout(resolve, 125));
      decision = controllerDecision(controllerLog, workflowId);
    }
    const how =
      decision?.unneededSeconds !== undefined
        ? `underutilised for ${decision.unneededSeconds} s` +
          (decision.utilization !== undefined
            ? ` (${Math.round(decision.utilization * 100)} % of allocatable requested` +
              `${decision.empty ? ', no pods to drain' : ''})`
            : '')
        : 'underutilised';
    timeline.say(`controller: node ${input.nodeName} ${how} → ${started}`);
  }
}
