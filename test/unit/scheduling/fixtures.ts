// Planner inputs for tests: offerings, NodeGroups and a PlannerInput that asks for nothing
// unless the test adds pods, nodes or groups. Nodes and pods come from the disruption fixtures.
import type { V1DaemonSet, V1Node, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { indexBoundPods } from '../../../src/scheduling/bound-pods';
import { Cluster } from '../../../src/scheduling/cluster';
import { PodClasses } from '../../../src/scheduling/pod-class';
import { existingSimNode } from '../../../src/scheduling/sim-node';
import { buildTemplate } from '../../../src/scheduling/templates';
import { Topology } from '../../../src/scheduling/topology';
import type { GroupView, OfferingInfo, PlannerInput } from '../../../src/scheduling/types';
import { StaticVerdicts } from '../../../src/scheduling/verdicts';
import { NOW, pod, type PodOptions } from '../disruption/fixtures';

export { HOSTNAME, MINUTE, NOW, antiAffinity, node, pod } from '../disruption/fixtures';
export const ZONE = 'topology.kubernetes.io/zone';
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** An offering; `id` defaults to `<cpu>c<ram>g`, price $12 per vCPU. */
export function offering(
  cpu: number,
  ramGb: number,
  overrides: Partial<OfferingInfo> = {},
): OfferingInfo {
  return {
    id: `${cpu}c${ramGb}g`,
    name: `Standard ${cpu} vCPU / ${ramGb} GB`,
    cpu,
    ramMb: ramGb * 1024,
    diskGb: 80,
    priceMonthly: cpu * 12,
    ...overrides,
  };
}

/** A group with no system reserve, no limits in the way and one 4 vCPU / 8 GB offering. */
export function group(name: string, overrides: Partial<GroupView> = {}): GroupView {
  return {
    namespace: 'default',
    name,
    offerings: [offering(4, 8)],
    unknownOfferings: [],
    labels: { 'autoscaler.vpsie.com/nodegroup': name },
    taints: [],
    systemReserved: {},
    extendedResources: {},
    priority: 0,
    minNodes: 0,
    maxNodes: 100,
    currentNodes: 0,
    scaleUpEnabled: true,
    ...overrides,
  };
}

export function input(overrides: Partial<PlannerInput> = {}): PlannerInput {
  return {
    pendingPods: [],
    nodes: [],
    boundPods: [],
    inFlight: [],
    daemonSets: [],
    groups: [],
    currentTotals: { nodes: 0, cores: 0, memoryBytes: 0 },
    limits: { maxNodesTotal: 0, coresTotal: 0, memoryTotalBytes: 0, maxNodesPerScaleUp: 1000 },
    expanders: ['least-waste'],
    nowMs: NOW,
    random: () => 0,
    ...overrides,
  };
}

/** `count` pending replicas named `<prefix>-0..` with the same options (one Deployment). */
export function replicas(prefix: string, count: number, options: PodOptions = {}): V1Pod[] {
  return Array.from({ length: count }, (_, i) =>
    pending(`${prefix}-${String(i).padStart(3, '0')}`, { labels: { app: prefix }, ...options }),
  );
}

/** A pod the scheduler marked Unschedulable. */
export function pending(name: string, options: PodOptions = {}): V1Pod {
  const p = pod(name, { phase: 'Pending', ...options });
  p.status = {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        lastTransitionTime: new Date(NOW - 60_000),
      },
    ],
  };
  return p;
}

/** Mutates `p` so its first container binds `hostPort`. */
export function withHostPort(p: V1Pod, hostPort: number, protocol = 'TCP', hostIP?: string): V1Pod {
  p.spec!.containers[0]!.ports = [{ containerPort: hostPort, hostPort, protocol, hostIP }];
  return p;
}

export function withSpec(p: V1Pod, spec: Partial<V1PodSpec>): V1Pod {
  p.spec = { ...p.spec!, ...spec };
  return p;
}

export function daemonSet(
  name: string,
  requests: Record<string, string>,
  spec: Partial<V1PodSpec> = {},
): V1DaemonSet {
  return {
    metadata: { name, namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: name, resources: { requests } }], ...spec },
      },
    },
  };
}

/**
 * The planner's machinery over plain objects, for predicate tests: classes of `pods`, the
 * existing `nodes` (with `bound` pods on them) as simulated nodes, and the Cluster that checks
 * them. `templates` adds template nodes of those groups' offerings.
 */
export function harness(
  pods: readonly V1Pod[],
  nodes: readonly V1Node[] = [],
  bound: readonly V1Pod[] = [],
  groups: readonly GroupView[] = [],
  daemonSets: readonly V1DaemonSet[] = [],
) {
  const classes = new PodClasses();
  const podClasses = pods.map((p) => classes.classOf(p));
  const offerings = groups.flatMap((g) => g.offerings.map((o) => [g, o] as const));
  const verdicts = new StaticVerdicts(nodes.length + offerings.length);
  const simNodes = nodes.map((n, i) => existingSimNode(n, i));
  const templates = offerings.map(([g, o], i) =>
    buildTemplate(i, nodes.length + i, g, o, daemonSets, classes, verdicts),
  );
  const index = indexBoundPods(bound, new Map(simNodes.map((n) => [n.name, n])), true);
  const topology = new Topology(classes.all, simNodes, index, verdicts);
  const cluster = new Cluster(verdicts, topology, templates.length);
  return { classes: podClasses, nodes: simNodes, templates, cluster };
}
