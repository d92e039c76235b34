// What the demo expects scale-up to do, worked out from its own manifests and the simulator's
// plans, independently of the planner (src/scheduling), so that the demo checks the planner
// rather than repeating it. The arithmetic is the one an operator would do by hand for identical
// pods with CPU and memory requests and a nodeSelector: how many fit on the group's existing
// nodes, how many are left pending, and for each plan of the group how many new nodes those
// need and what they cost. The choice follows the NodeGroup's documented rule (the plan that
// places the most pods within maxNodes, then the cheapest); a tie is refused, so that the demo's
// outcome never depends on a tie-break.
import type * as k8s from '@kubernetes/client-node';
import type { NodeGroup } from '../../../src/apis/v1alpha1';
import type { SimPlan } from '../../../src/simulator';
import { parseQuantity } from '../../../src/state/quantity';

/** Pods a kubelet admits by default; the simulator's Nodes advertise the same. */
const MAX_PODS = 110;
const MIB = 1024 ** 2;

export interface PodRequest {
  cpuMilli: number;
  memoryBytes: number;
}

export interface PlanOption {
  plan: SimPlan;
  /** Pods of the workload one new node of this plan runs (allocatable less systemReserved). */
  podsPerNode: number;
  /** New nodes for the pending pods, within the group's room up to maxNodes. */
  nodes: number;
  /** Pending pods those nodes place. */
  placed: number;
  monthly: number;
}

export interface ScaleUpExpectation {
  replicas: number;
  request: PodRequest;
  /** Pods that fit on the group's existing nodes, by node. */
  onExisting: Map<string, number>;
  pending: number;
  options: PlanOption[];
  chosen: PlanOption;
}

const milli = (q: string | number | undefined) =>
  q === undefined ? 0 : Math.round(parseQuantity(q) * 1000);
const bytes = (q: string | number | undefined) => (q === undefined ? 0 : parseQuantity(q));

/** The CPU and memory one pod of the Deployment requests (its containers together). */
export function podRequest(deployment: k8s.V1Deployment): PodRequest {
  const spec = deployment.spec?.template.spec;
  if (spec?.initContainers?.length || spec?.overhead) {
    throw new Error('the demo workload must have no init containers or pod overhead');
  }
  let cpuMilli = 0;
  let memoryBytes = 0;
  for (const container of spec?.containers ?? []) {
    const requests = container.resources?.requests ?? {};
    cpuMilli += milli(requests['cpu']);
    memoryBytes += bytes(requests['memory']);
  }
  if (cpuMilli === 0 || memoryBytes === 0) {
    throw new Error('the demo workload must request both CPU and memory');
  }
  return { cpuMilli, memoryBytes };
}

const fits = (freeCpuMilli: number, freeMemory: number, freePods: number, r: PodRequest) =>
  Math.max(
    0,
    Math.min(
      Math.floor(freeCpuMilli / r.cpuMilli),
      Math.floor(freeMemory / r.memoryBytes),
      freePods,
    ),
  );

/** The plan the group tops itself up with: its cheapest (the one rule of a minNodes top-up). */
export function cheapestPlan(group: NodeGroup, plans: readonly SimPlan[]): SimPlan {
  const offered = groupPlans(group, plans);
  const price = Math.min(...offered.map((p) => p.priceMonthly));
  const cheapest = offered.filter((p) => p.priceMonthly === price);
  if (cheapest.length !== 1) {
    throw new Error(
      `NodeGroup ${group.metadata.name}: ${cheapest.map((p) => p.name).join(' and ')} cost the ` +
        'same; the demo needs one cheapest plan',
    );
  }
  return cheapest[0]!;
}

function groupPlans(group: NodeGroup, plans: readonly SimPlan[]): SimPlan[] {
  const ids = group.spec.offeringIDs ?? [];
  const offered = ids.map((id) => {
    const plan = plans.find((p) => p.identifier === id);
    if (!plan) throw new Error(`offering ${id} of NodeGroup ${group.metadata.name} is unknown`);
    return plan;
  });
  if (offered.length === 0) throw new Error(`NodeGroup ${group.metadata.name} has no offeringIDs`);
  return offered;
}

/**
 * The expected scale-up for the Deployment's pods, given the group's Ready nodes (all of them
 * carry the label the pods select) and the pods already running there.
 */
export function expectScaleUp(args: {
  deployment: k8s.V1Deployment;
  group: NodeGroup;
  plans: readonly SimPlan[];
  nodes: readonly k8s.V1Node[];
  boundPods: readonly k8s.V1Pod[];
}): ScaleUpExpectation {
  const { deployment, group, plans, nodes, boundPods } = args;
  const replicas = deployment.spec?.replicas ?? 1;
  const request = podRequest(deployment);
  const selector = deployment.spec?.template.spec?.nodeSelector ?? {};
  for (const [key, value] of Object.entries(selector)) {
    if (group.spec.labels?.[key] !== value) {
      throw new Error(
        `the demo workload selects ${key}=${value}, which NodeGroup ${group.metadata.name} ` +
          'does not put on its nodes',
      );
    }
  }
  if (group.spec.taints?.length) throw new Error('the demo NodeGroup must have no taints');

  const onExisting = new Map<string, number>();
  let left = replicas;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const allocatable = node.status?.allocatable ?? {};
    const used = boundPods.filter(
      (p) =>
        p.spec?.nodeName === name &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed',
    );
    let cpu = milli(allocatable['cpu']);
    let memory = bytes(allocatable['memory']);
    for (const pod of used) {
      for (const c of pod.spec?.containers ?? []) {
        cpu -= milli(c.resources?.requests?.['cpu']);
        memory -= bytes(c.resources?.requests?.['memory']);
      }
    }
    const pods = Number(allocatable['pods'] ?? MAX_PODS) - used.length;
    const n = Math.min(left, fits(cpu, memory, pods, request));
    onExisting.set(name, n);
    left -= n;
  }
  const pending = left;

  const reservedCpu = milli(group.spec.systemReserved.cpu);
  const reservedMemory = bytes(group.spec.systemReserved.memory);
  const room = group.spec.maxNodes - nodes.length;
  const options = groupPlans(group, plans)
    .map((plan): PlanOption => {
      const podsPerNode = fits(
        plan.cpu * 1000 - reservedCpu,
        plan.ramMb * MIB - reservedMemory,
        MAX_PODS,
        request,
      );
      const nodesNeeded = podsPerNode === 0 ? 0 : Math.ceil(pending / podsPerNode);
      const count = Math.min(nodesNeeded, room);
      const placed = Math.min(pending, count * podsPerNode);
      return { plan, podsPerNode, nodes: count, placed, monthly: count * plan.priceMonthly };
    })
    .filter((o) => o.podsPerNode > 0);
  if (pending === 0 || options.length === 0) {
    throw new Error(
      `the demo workload must leave pods pending that a new node can run; ${pending} pending, ` +
        `${options.length} plan(s) fit one`,
    );
  }
  const most = Math.max(...options.map((o) => o.placed));
  const placing = options.filter((o) => o.placed === most);
  const cheapest = Math.min(...placing.map((o) => o.monthly));
  const best = placing.filter((o) => o.monthly === cheapest);
  if (best.length !== 1) {
    throw new Error(
      `the demo's scale-up is a tie (${best.map((o) => o.plan.name).join(', ')}); change its ` +
        'workload or NodeGroup so that one plan wins',
    );
  }
  if (best[0]!.placed < pending) {
    throw new Error(
      `the demo NodeGroup's maxNodes ${group.spec.maxNodes} leaves no room for all ${pending} ` +
        'pending pods',
    );
  }
  return { replicas, request, onExisting, pending, options, chosen: best[0]! };
}

/** `small: 5 nodes ($120/month)` for the narration. */
export function describeOption(o: PlanOption): string {
  return (
    `${o.plan.name} runs ${o.podsPerNode} per node: ${o.nodes} node${o.nodes === 1 ? '' : 's'} ` +
    `($${o.monthly}/month)`
  );
}
