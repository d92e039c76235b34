// Resource amounts as integers, so that sums and "does it fit" comparisons are exact: CPU in
// millicores (the finest unit Kubernetes keeps for CPU requests), everything else in base units
// (bytes, pods, devices). Quantity strings are parsed by the shared src/state/quantity.ts.
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../state/quantity';

/** Resource name → integer amount (millicores for `cpu`). */
export type ResourceAmounts = Record<string, number>;

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const PODS = 'pods';

type QuantityMap = { [name: string]: string } | undefined;

// A cluster writes the same few quantity strings ("100m", "512Mi") on thousands of pods, and a
// planner pass after a restart parses every pod's requests at once: parsing dominated that cold
// pass (bench:planner). Amounts are remembered per resource and string, in a bounded map that is
// simply cleared when full, so memory stays small whatever the pods say.
const amounts = new Map<string, number>();
const MAX_REMEMBERED = 4096;

/** One quantity as an integer amount of `resource`, rounded up like the API server rounds CPU. */
export function toAmount(resource: string, quantity: string | number): number {
  if (typeof quantity === 'number') return computeAmount(resource, quantity);
  const key = `${resource === CPU ? 'c' : 'o'}${quantity}`;
  let amount = amounts.get(key);
  if (amount === undefined) {
    amount = computeAmount(resource, quantity);
    if (amounts.size >= MAX_REMEMBERED) amounts.clear();
    amounts.set(key, amount);
  }
  return amount;
}

function computeAmount(resource: string, quantity: string | number): number {
  const value = parseQuantity(quantity);
  const scaled = resource === CPU ? value * 1000 : value;
  // toPrecision(15) drops binary floating-point noise (0.1 * 1000 = 100.00000000000001) before
  // rounding up, so "100m" and "0.1" both become exactly 100.
  return Math.ceil(Number(scaled.toPrecision(15)));
}

export function toAmounts(quantities: QuantityMap): ResourceAmounts {
  const amounts: ResourceAmounts = {};
  for (const [name, quantity] of Object.entries(quantities ?? {})) {
    amounts[name] = toAmount(name, quantity);
  }
  return amounts;
}

export function addInto(target: ResourceAmounts, amounts: Readonly<ResourceAmounts>): void {
  for (const [name, amount] of Object.entries(amounts)) {
    target[name] = (target[name] ?? 0) + amount;
  }
}

function maxInto(target: ResourceAmounts, amounts: Readonly<ResourceAmounts>): void {
  for (const [name, amount] of Object.entries(amounts)) {
    target[name] = Math.max(target[name] ?? 0, amount);
  }
}

function sum(a: Readonly<ResourceAmounts>, b: Readonly<ResourceAmounts>): ResourceAmounts {
  const total = { ...a };
  addInto(total, b);
  return total;
}

/** A container's requests; a limit without a request counts as the request, as the API defaults it. */
function containerRequests(container: V1Container): ResourceAmounts {
  return { ...toAmounts(container.resources?.limits), ...toAmounts(container.resources?.requests) };
}

/**
 * What the scheduler reserves for a pod (kubelet's PodRequests): the larger of the running
 * containers plus sidecars and the largest init step, plus the runtime overhead. Sidecars are
 * init containers with restartPolicy Always: they keep running next to everything started after
 * them. Pod-level resources, when set, replace the container sum for the resources they name.
 */
export function podRequests(pod: V1Pod): Readonly<ResourceAmounts> {
  let requests = requestsByPod.get(pod);
  if (requests === undefined) {
    requests = Object.freeze(computePodRequests(pod));
    requestsByPod.set(pod, requests);
  }
  return requests;
}

// One safety evaluation asks for the requests of every pod of the cluster several times
// (capacity, the simulation); parsing quantities dominates, so each pod is parsed once. Keyed
// by object identity: the inputs are snapshots that nobody mutates, and the results are frozen.
const requestsByPod = new WeakMap<V1Pod, Readonly<ResourceAmounts>>();

function computePodRequests(pod: V1Pod): ResourceAmounts {
  const running: ResourceAmounts = {};
  for (const container of pod.spec?.containers ?? [])
    addInto(running, containerRequests(container));

  const sidecars: ResourceAmounts = {};
  const largestInitStep: ResourceAmounts = {};
  for (const container of pod.spec?.initContainers ?? []) {
    const requests = containerRequests(container);
    if (container.restartPolicy === 'Always') {
      addInto(running, requests);
      addInto(sidecars, requests);
      maxInto(largestInitStep, sidecars);
    } else {
      maxInto(largestInitStep, sum(requests, sidecars));
    }
  }

  const total = { ...running };
  maxInto(total, largestInitStep);
  Object.assign(total, toAmounts(pod.spec?.resources?.requests));
  addInto(total, toAmounts(pod.spec?.overhead));
  return total;
}

/** What the node offers to pods: status.allocatable, or status.capacity when not reported. */
export function nodeAllocatable(node: V1Node): ResourceAmounts {
  return toAmounts(node.status?.allocatable ?? node.status?.capacity);
}
