// A node as the planner tracks it: an existing Node, an in-flight VPSieNode, or a new node the
// plan would create. All look the same to the predicates: labels, taints, what is still free,
// and the host ports in use.
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { TAINTS } from '../apis/v1alpha1/labels';
import { labelsOf } from '../disruption/metadata';
import { isBeingDeleted, isCordoned, isNodeReady, nodeName } from '../disruption/nodes';
import { nodeAllocatable } from '../disruption/resources';
import { Capacity } from './capacity';
import type { HostPort } from './pod-class';
import type { Template } from './templates';

type Labels = Readonly<Record<string, string>>;

export const HOSTNAME = 'kubernetes.io/hostname';

export type SimNodeKind = 'existing' | 'in-flight' | 'planned' | 'new';

export interface SimNode {
  readonly name: string;
  readonly kind: SimNodeKind;
  /**
   * Key of the verdict cache for static predicates (labels and taints only). Each existing node
   * has its own; all nodes of one template share the template's, since they differ only in
   * their hostname (see templates.ts).
   */
  readonly staticId: number;
  /** What selectors are matched against (name and labels). */
  readonly node: V1Node;
  /**
   * Topology labels. A template's nodes share the template's labels object, which has no
   * hostname; their hostname is `hostname`. Read them through topologyValue().
   */
  readonly labels: Labels;
  readonly hostname: string | undefined;
  readonly taints: readonly V1Taint[];
  /** Allocatable minus the requests and pod slots of the pods on it. */
  readonly free: Capacity;
  /** Host ports bound on it. Replaced, never mutated: new nodes share their template's. */
  ports: readonly HostPort[];
  /** A place for pending pods (Ready and schedulable, in flight, or planned). */
  readonly schedulable: boolean;
  readonly template?: Template;
}

/** The node's value for a topology key (undefined: the node is in no domain of that key). */
export function topologyValue(node: SimNode, key: string): string | undefined {
  return key === HOSTNAME ? node.hostname : node.labels[key];
}

const TO_BE_DELETED = TAINTS.toBeDeleted;

/** Ready, schedulable, not on its way out: the scheduler could put a pending pod here. */
export function isCapacityNode(node: V1Node): boolean {
  if (!isNodeReady(node) || isCordoned(node) || isBeingDeleted(node)) return false;
  return !(node.spec?.taints ?? []).some(
    (t) => t.key === TO_BE_DELETED && t.effect === 'NoSchedule',
  );
}

// Parsing allocatable quantities is most of the cost of a node; Node objects from the informer
// are replaced on change, never mutated, so it is done once per object and copied per plan.
const allocatableByNode = new WeakMap<V1Node, Capacity>();

function allocatableOf(node: V1Node): Capacity {
  let capacity = allocatableByNode.get(node);
  if (capacity === undefined) {
    capacity = Capacity.of(nodeAllocatable(node));
    allocatableByNode.set(node, capacity);
  }
  return capacity.clone();
}

const NO_PORTS: readonly HostPort[] = Object.freeze([]);

/** Records host ports now bound on `node` (their `owner` set, for messages). */
export function bindPorts(node: SimNode, ports: readonly HostPort[]): void {
  if (ports.length > 0) node.ports = [...node.ports, ...ports];
}

export function existingSimNode(node: V1Node, staticId: number): SimNode {
  const labels = labelsOf(node);
  return {
    schedulable: isCapacityNode(node),
    name: nodeName(node),
    kind: 'existing',
    staticId,
    node,
    labels,
    hostname: labels[HOSTNAME],
    taints: node.spec?.taints ?? [],
    free: allocatableOf(node),
    ports: NO_PORTS,
  };
}
