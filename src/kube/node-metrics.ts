// Node usage from the metrics.k8s.io API (metrics-server): one list of NodeMetrics per call,
// mapped to node name → {timestamp, usage: {cpu, memory}} with the quantities as written (the
// sampler parses them, see usageSample). Never throws: an API that is not served (no
// metrics-server: 404), forbidden (RBAC), or failing (an APIService whose backend is down: 503)
// yields undefined, and the caller samples by requests instead. Logs only when that state
// changes, so a cluster without metrics-server gets one line, not one per sampling round.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../logging/logger';
import type { NodeMetricsShape } from '../state/utilization';
import { apiStatus } from './clients';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

/** How the last read went; the adapter logs when this changes. */
export type NodeMetricsState = 'available' | 'not-served' | 'forbidden' | 'failing';

/** The list call; a seam so the mapping and the state logging are testable without a cluster. */
export type ListNodeMetrics = () => Promise<unknown>;

export class NodeMetricsReader {
  private readonly list: ListNodeMetrics;
  private lastState: NodeMetricsState | undefined;

  constructor(
    source: k8s.KubeConfig | ListNodeMetrics,
    private readonly logger: Logger,
  ) {
    if (typeof source === 'function') {
      this.list = source;
    } else {
      const custom = source.makeApiClient(k8s.CustomObjectsApi);
      this.list = () =>
        custom.listClusterCustomObject({
          group: METRICS_GROUP,
          version: METRICS_VERSION,
          plural: 'nodes',
        });
    }
  }

  /** How the last read went; undefined before the first. */
  get state(): NodeMetricsState | undefined {
    return this.lastState;
  }

  /** Usage by node name, or undefined when the API gave none this time. */
  async read(): Promise<Map<string, NodeMetricsShape> | undefined> {
    let response: unknown;
    try {
      response = await this.list();
    } catch (err) {
      this.enter(stateOf(err), err);
      return undefined;
    }
    const usage = nodeMetricsByName(response);
    if (usage === undefined) {
      this.enter('failing', new Error('the NodeMetrics list has no items array'));
      return undefined;
    }
    this.enter('available');
    return usage;
  }

  private enter(state: NodeMetricsState, err?: unknown): void {
    const previous = this.lastState;
    this.lastState = state;
    if (state === previous) return;
    const api = `${METRICS_GROUP}/${METRICS_VERSION}`;
    switch (state) {
      case 'available':
        // The first success is not news; recovering from a problem we logged is.
        if (previous !== undefined) this.logger.info('node metrics API available again', { api });
        return;
      case 'not-served':
        this.logger.info(
          'node metrics API is not served (no metrics-server?); usage-based NodeGroups are sampled by requests',
          { api },
        );
        return;
      case 'forbidden':
        this.logger.warn(
          'listing node metrics is forbidden; grant list on nodes.metrics.k8s.io — until then usage-based NodeGroups are sampled by requests',
          { api, status: apiStatus(err) },
        );
        return;
      case 'failing':
        this.logger.warn(
          'reading node metrics failed; usage-based NodeGroups are sampled by requests until it works',
          { api, status: apiStatus(err), err },
        );
        return;
    }
  }
}

function stateOf(err: unknown): NodeMetricsState {
  const status = apiStatus(err);
  if (status === 404) return 'not-served';
  if (status === 401 || status === 403) return 'forbidden';
  return 'failing';
}

/**
 * A NodeMetricsList response as node name → NodeMetrics (name, timestamp and cpu/memory usage
 * only); undefined when the response is not a list. Items without a name are skipped; anything
 * else odd (no timestamp, a usage that is not a quantity) is kept for the sampler to reject
 * with a message naming the node.
 */
export function nodeMetricsByName(response: unknown): Map<string, NodeMetricsShape> | undefined {
  const items = (response as { items?: unknown } | null | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  const byName = new Map<string, NodeMetricsShape>();
  for (const raw of items as unknown[]) {
    const item = raw as
      | { metadata?: { name?: unknown }; timestamp?: unknown; usage?: Record<string, unknown> }
      | null
      | undefined;
    const name = item?.metadata?.name;
    if (typeof name !== 'string' || name === '') continue;
    const timestamp = item?.timestamp;
    byName.set(name, {
      metadata: { name },
      // client-node returns custom objects as parsed JSON, so this is the RFC 3339 string; a
      // Date is accepted in case a typed client ever hands one over.
      timestamp:
        timestamp instanceof Date
          ? timestamp.toISOString()
          : typeof timestamp === 'string'
            ? timestamp
            : '',
      usage: { cpu: quantity(item?.usage?.cpu), memory: quantity(item?.usage?.memory) },
    });
  }
  return byName;
}

function quantity(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
