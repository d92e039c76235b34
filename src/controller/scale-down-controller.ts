// The "underutilized" trigger of scale-down. Every sample interval one pass: list the cluster,
// record a utilisation sample per node of ours (utilization-sampler.ts), and for each NodeGroup
// choose the nodes that have stayed below the group's threshold for its unneeded time
// (src/disruption), then start a `scale-down/<namespace>/<node>` workflow for each. The workflow does the removal; this
// controller only decides. A failed pass is logged and counted, and the next one runs as usual.
import type * as k8s from '@kubernetes/client-node';
import type { WorkflowClient } from '@temporalio/client';
import type { ScaleDownInput } from '../activities/scale-down/types';
import { effectiveScaleDownPolicy } from '../disruption/scale-down-policy';
import { planGroupScaleDown } from '../disruption/underutilized';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/recorders';
import type { ReconcileErrorType } from '../metrics/label-values';
import { scaleDownWorkflowId } from '../workflows/scale-down-node';
import { startOwnRemoval } from './start-scale-down';
import { InFlightRemovals, type InFlightRemoval } from './scale-down-in-flight';
import { groupOutcome, type Decline } from './scale-down-outcome';
import type { ScaleDownSettings } from '../disruption/scale-down-settings';
import { SnapshotReader, type MemberNode } from '../kube/cluster-snapshot';
import { UtilizationSampler, type NodeMetricsOutcome } from './utilization-sampler';

export interface ScaleDownControllerOptions extends ScaleDownSettings {
  kubeConfig: k8s.KubeConfig;
  workflows: WorkflowClient;
  taskQueue: string;
  logger: Logger;
  metrics: Metrics;
  /** Only NodeGroups of this namespace (and their Nodes); all namespaces when unset. */
  namespace?: string;
  /**
   * config.features.metricsServerUtilization, the cluster-wide switch for usage-based
   * utilisation. Off (the default): NodeGroups asking for `usage` are sampled by requests, and
   * the metrics API is never called.
   */
  metricsServerUtilization?: boolean;
}

export type { NodeMetricsOutcome } from './utilization-sampler';

/** What one pass did; returned for tests and logged. */
export interface ScaleDownPass {
  sampled: number;
  /** Of the sampled nodes, those sampled by metrics.k8s.io usage. */
  sampledByUsage: number;
  nodeMetrics: NodeMetricsOutcome;
  started: ScaleDownInput[];
  declined: Array<Decline & { namespace: string; nodeGroup: string }>;
  /** Workflow starts that failed (the pass went on with the other nodes). */
  startErrors: number;
}

const CONTROLLER = 'scale-down';

/** Thrown by a pass that could not read what it needs; carries the metric's error_type. */
class PassError extends Error {
  constructor(
    readonly errorType: ReconcileErrorType,
    override readonly cause: unknown,
  ) {
    super(`scale-down pass failed (${errorType})`);
  }
}

const groupKey = (namespace: string, nodeGroup: string) => `${namespace}/${nodeGroup}`;

export class ScaleDownController {
  private readonly sampler: UtilizationSampler;
  private readonly reader: SnapshotReader;
  private readonly inFlight: InFlightRemovals;
  /** Groups already warned about an unneeded time longer than the sample history. */
  private readonly warnedRetention = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private running = false;

  constructor(private readonly options: ScaleDownControllerOptions) {
    this.sampler = new UtilizationSampler(options);
    this.reader = new SnapshotReader(options.kubeConfig, options.namespace);
    this.inFlight = new InFlightRemovals(options.workflows);
  }

  /** Starts the periodic passes, the first one at once. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.schedule(0);
    return Promise.resolve();
  }

  /** Stops the passes and waits for one in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const startedMs = Date.now();
      this.current = this.runOnce()
        .catch(() => undefined) // logged and counted by runOnce
        .finally(() => {
          this.current = undefined;
          if (!this.running) return;
          // Fixed rate, so samples stay evenly spaced; a slow pass is followed at once.
          const intervalMs = this.options.sampleIntervalSeconds * 1000;
          this.schedule(Math.max(0, startedMs + intervalMs - Date.now()));
        });
    }, delayMs);
    // Never the reason the process stays alive: the servers in main.ts are.
    this.timer.unref();
  }

  /** One pass. Throws when the cluster or Temporal could not be read (nothing was started). */
  async runOnce(): Promise<ScaleDownPass> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const { logger, metrics } = this.options;
    try {
      const pass = await this.pass();
      metrics.recordReconcile(
        pass.startErrors > 0
          ? {
              controller: CONTROLLER,
              result: 'error',
              errorType: 'temporal',
              durationSeconds: seconds(),
            }
          : { controller: CONTROLLER, result: 'success', durationSeconds: seconds() },
      );
      return pass;
    } catch (err) {
      const errorType = err instanceof PassError ? err.errorType : 'unknown';
      logger.error('scale-down pass failed', {
        errorType,
        err: err instanceof PassError ? err.cause : err,
      });
      metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'error',
        errorType,
        durationSeconds: seconds(),
      });
      throw err;
    }
  }

  private async pass(): Promise<ScaleDownPass> {
    const { logger } = this.options;
    const nowMs = Date.now();
    const snapshot = await this.reader.read().catch((err: unknown) => {
      throw new PassError('kubernetes_api', err);
    });
    for (const invalid of snapshot.invalidGroups) {
      logger.warn('skipping invalid NodeGroup', invalid);
    }

    // Samples first: history keeps growing even in a pass that cannot decide anything.
    const sampling = await this.sampler.sample(snapshot, nowMs);

    // Without knowing what is already being removed, nothing may start: limits count it.
    const inFlight = await this.inFlight.list().catch((err: unknown) => {
      throw new PassError('temporal', err);
    });
    const pass: ScaleDownPass = {
      sampled: sampling.recorded,
      sampledByUsage: sampling.recordedUsage,
      nodeMetrics: sampling.nodeMetrics,
      started: [],
      declined: [],
      startErrors: 0,
    };
    const inFlightByGroup = this.inFlightByGroup(inFlight, snapshot.members);
    const leaving = inFlight.map((r) => r.nodeName);

    for (const { group, storedPolicy } of snapshot.groups) {
      const { namespace, name: nodeGroup } = group.metadata;
      if (!namespace || !nodeGroup) continue;
      const key = groupKey(namespace, nodeGroup);
      const members = snapshot.members.filter(
        (m) => groupKey(m.membership.namespace, m.membership.nodeGroup) === key,
      );
      if (members.length === 0) continue;
      const policy = effectiveScaleDownPolicy(group, storedPolicy, this.options.defaults);
      this.warnIfHistoryTooShort(key, policy.unneededSeconds);
      const selection = planGroupScaleDown({
        policy,
        members: members.map((m) => m.node),
        samples: this.sampler.store,
        sampleIntervalSeconds: this.options.sampleIntervalSeconds,
        inFlight: inFlightByGroup.get(key) ?? [],
        otherNodesLeaving: leaving,
        cluster: snapshot.cluster,
        nowMs,
      });
      const outcome = groupOutcome(selection, policy.enabled);
      this.recordDeclines(namespace, nodeGroup, outcome.declined, pass);
      for (const chosen of outcome.start) {
        const member = members.find((m) => m.name === chosen.name)!;
        const input: ScaleDownInput = {
          trigger: 'underutilized',
          namespace,
          nodeGroup,
          nodeName: chosen.name,
          ...(member.membership.vpsieNode ? { vpsieNode: member.membership.vpsieNode } : {}),
        };
        // Chosen nodes leave with this one whatever the start's outcome: the next group's
        // safety checks must not count them as places for pods to go.
        leaving.push(chosen.name);
        const result = await this.startRemoval(input, chosen);
        if (result === 'started') pass.started.push(input);
        if (result === 'error') pass.startErrors++;
      }
    }
    logger.debug('scale-down pass done', {
      sampled: pass.sampled,
      sampledByUsage: pass.sampledByUsage,
      nodeMetrics: pass.nodeMetrics,
      dropped: sampling.dropped,
      inFlight: inFlight.length,
      started: pass.started.map((s) => scaleDownWorkflowId(s)),
      declined: pass.declined.length,
    });
    return pass;
  }

  /** The running removals by group: the search attribute, else the Node's own labels. */
  private inFlightByGroup(
    inFlight: readonly InFlightRemoval[],
    members: readonly MemberNode[],
  ): Map<string, string[]> {
    const groupOfNode = new Map(members.map((m) => [m.name, m.membership]));
    const byGroup = new Map<string, string[]>();
    for (const removal of inFlight) {
      const nodeGroup = removal.nodeGroup ?? groupOfNode.get(removal.nodeName)?.nodeGroup;
      if (!nodeGroup) continue;
      const key = groupKey(removal.namespace, nodeGroup);
      byGroup.set(key, [...(byGroup.get(key) ?? []), removal.nodeName]);
    }
    return byGroup;
  }

  private async startRemoval(
    input: ScaleDownInput,
    chosen: { utilization: number; unneededForMs: number; empty: boolean },
  ): Promise<'started' | 'running' | 'error'> {
    const { logger, metrics, workflows, taskQueue } = this.options;
    const workflowId = scaleDownWorkflowId(input);
    const ref = { namespace: input.namespace, nodeGroup: input.nodeGroup };
    const outcome = await startOwnRemoval(workflows, taskQueue, input, this.inFlight);
    if (outcome === 'running') {
      // Visibility had not shown it yet; it is in flight, which is all we wanted.
      logger.debug('scale-down already running', { workflowId });
      return 'running';
    }
    if (outcome !== 'started') {
      logger.error('starting scale-down failed', { workflowId, err: outcome.error });
      return 'error';
    }
    metrics.recordScalingDecision({ ...ref, decision: 'scale_down', reason: 'underutilized' });
    logger.info('scaling down underutilised node', {
      workflowId,
      ...ref,
      node: input.nodeName,
      utilization: Math.round(chosen.utilization * 1000) / 1000,
      unneededSeconds: Math.round(chosen.unneededForMs / 1000),
      empty: chosen.empty,
    });
    return 'started';
  }

  private recordDeclines(
    namespace: string,
    nodeGroup: string,
    declined: readonly Decline[],
    pass: ScaleDownPass,
  ): void {
    const { logger, metrics } = this.options;
    const ref = { namespace, nodeGroup };
    for (const decline of declined) {
      pass.declined.push({ ...decline, ...ref });
      metrics.recordScaleDownBlocked({ ...ref, reason: decline.blockedReason });
      for (const failure of decline.safetyFailures) {
        metrics.recordSafetyCheckFailure({ ...ref, checkType: failure.code });
      }
      if (decline.decisionReason) {
        metrics.recordScalingDecision({
          ...ref,
          decision: 'no_change',
          reason: decline.decisionReason,
        });
      }
      logger.debug('not scaling down eligible node', {
        ...ref,
        node: decline.node,
        reason: decline.blockedReason,
        message: decline.message,
      });
    }
  }

  private warnIfHistoryTooShort(key: string, unneededSeconds: number): void {
    if (unneededSeconds <= this.options.sampleRetentionSeconds || this.warnedRetention.has(key)) {
      return;
    }
    this.warnedRetention.add(key);
    this.options.logger.warn(
      'NodeGroup unneeded time exceeds the utilisation sample retention; its nodes are never scaled down for low utilisation',
      {
        nodeGroup: key,
        unneededSeconds,
        sampleRetentionSeconds: this.options.sampleRetentionSeconds,
      },
    );
  }
}
