// The sampling half of a scale-down pass: one utilisation sample per node of ours into the ring
// buffers, by requests or, for NodeGroups whose scaleDownPolicy.utilizationSource is `usage`, by
// metrics.k8s.io usage (falling back to requests when the API has no fresh figures).
import type * as k8s from '@kubernetes/client-node';
import type { PassSnapshot, MemberNode } from '../kube/cluster-snapshot';
import { NodeMetricsReader } from '../kube/node-metrics';
import type { Logger } from '../logging/logger';
import { NodeSampleStore, sampleCapacity, type NodeMetricsShape } from '../state/utilization';
import {
  recordSamplingRound,
  type SampledNode,
  type UtilizationSource,
} from '../state/utilization/sampling-round';

/**
 * Where this pass's node usage came from: `not-needed` (no node of a `usage` group in scope, the
 * API was not called), `disabled` (such nodes, but features.metricsServerUtilization is off),
 * `unavailable` (called; not served, forbidden or failing), `read`.
 */
export type NodeMetricsOutcome = 'not-needed' | 'disabled' | 'unavailable' | 'read';

export interface UtilizationSamplerOptions {
  kubeConfig: k8s.KubeConfig;
  logger: Logger;
  sampleIntervalSeconds: number;
  sampleRetentionSeconds: number;
  /** config.features.metricsServerUtilization: off, `usage` groups are sampled by requests. */
  metricsServerUtilization?: boolean;
}

const groupKey = (namespace: string, nodeGroup: string) => `${namespace}/${nodeGroup}`;

export class UtilizationSampler {
  readonly store: NodeSampleStore;
  private readonly nodeMetrics: NodeMetricsReader;
  /** Logged once: `usage` groups exist while features.metricsServerUtilization is off. */
  private warnedUsageDisabled = false;

  constructor(private readonly options: UtilizationSamplerOptions) {
    // One sample more than the retention needs: n samples span only n - 1 intervals, and a
    // retention equal to the unneeded time must still be able to show a full unneeded run.
    this.store = new NodeSampleStore(
      sampleCapacity(options.sampleRetentionSeconds, options.sampleIntervalSeconds) + 1,
    );
    this.nodeMetrics = new NodeMetricsReader(options.kubeConfig, options.logger);
  }

  /** Records this pass's samples; what was recorded and where usage came from. */
  async sample(snapshot: PassSnapshot, nowMs: number) {
    const { logger } = this.options;
    const { nodes, outcome, usage } = await this.sampledNodes(snapshot);
    const sampling = recordSamplingRound(this.store, nodes, snapshot.cluster.podsByNode, {
      timestampMs: nowMs,
      nodeMetrics: usage,
    });
    for (const failure of sampling.failures) {
      logger.warn('node utilisation not sampled', { ...failure });
    }
    for (const fallback of sampling.fallbacks) {
      // Unreadable figures are metrics-server's problem worth seeing; the rest (no API, a node
      // not scraped yet) is expected and already logged once where it is known.
      if (fallback.reason === 'invalid-figures') {
        logger.warn('node usage unreadable; sampled by requests', { ...fallback });
      } else {
        logger.debug('node usage not used; sampled by requests', { ...fallback });
      }
    }
    return { ...sampling, nodeMetrics: outcome };
  }

  /**
   * Every member node with the utilisation source of its group, and the metrics read that
   * needs. A node is sampled by usage only when its (valid) group asks for it and
   * features.metricsServerUtilization is on; otherwise by requests, and when the switch is what
   * stops it, that is logged once. Nodes of invalid or deleted groups are sampled by requests.
   */
  private async sampledNodes(snapshot: PassSnapshot): Promise<{
    nodes: SampledNode[];
    outcome: NodeMetricsOutcome;
    usage?: Map<string, NodeMetricsShape>;
  }> {
    const usageGroups = new Set<string>();
    for (const { group } of snapshot.groups) {
      const { namespace, name } = group.metadata;
      if (namespace && name && group.spec.scaleDownPolicy.utilizationSource === 'usage') {
        usageGroups.add(groupKey(namespace, name));
      }
    }
    const sourceOf = (m: MemberNode): UtilizationSource =>
      usageGroups.has(groupKey(m.membership.namespace, m.membership.nodeGroup))
        ? 'usage'
        : 'requests';
    const wanted = snapshot.members.map((m) => ({
      name: m.name,
      allocatable: m.node.status?.allocatable,
      source: sourceOf(m),
    }));
    if (!wanted.some((n) => n.source === 'usage')) return { nodes: wanted, outcome: 'not-needed' };

    if (this.options.metricsServerUtilization !== true) {
      if (!this.warnedUsageDisabled) {
        this.warnedUsageDisabled = true;
        this.options.logger.info(
          'NodeGroups ask for usage-based utilisation but features.metricsServerUtilization is off; their nodes are sampled by requests',
          { nodeGroups: [...usageGroups] },
        );
      }
      const nodes = wanted.map((n) => ({ ...n, source: 'requests' as const }));
      return { nodes, outcome: 'disabled' };
    }
    // Never fails the pass: without figures the usage nodes fall back to requests.
    const usage = await this.nodeMetrics.read();
    return usage
      ? { nodes: wanted, outcome: 'read', usage }
      : { nodes: wanted, outcome: 'unavailable' };
  }
}
