// From what the controller's caches hold (NodeGroups, VPSieNodes, Nodes, the offering list) to
// the planner's view of each group: what a new node of it looks like and how many it has. Pure,
// so the rules "what counts as a current node" and "what counts as arriving capacity" are unit
// tested with plain objects and shared by the planner and the status it explains.
import type { V1Node } from '@kubernetes/client-node';
import {
  LABELS,
  MANAGED_LABEL_VALUE,
  type NodeGroup,
  type VPSieNode,
  type VPSieNodePhase,
} from '../apis/v1alpha1';
import { isNodeReady } from '../disruption/nodes';
import { toAmounts } from '../disruption/resources';
import type { GroupView, InFlightNode, OfferingInfo } from './types';

/** Defaults for groups that leave datacenter or offerings unset (config.scaling). */
export interface GroupDefaults {
  defaultDatacenterId?: string;
  defaultOfferingIds: readonly string[];
}

/** Phases of a VPSieNode that is gone or going: it is neither current nor arriving. */
const LEAVING: ReadonlySet<VPSieNodePhase> = new Set(['Terminating', 'Deleting', 'Failed']);

/** A VPSieNode that counts towards its group's size: not being deleted, not failed. */
export function isCurrent(node: VPSieNode): boolean {
  return !node.metadata.deletionTimestamp && !LEAVING.has(node.status?.phase ?? 'Pending');
}

/** The Node a VPSieNode registers as (what the provisioning plan names it). */
export function nodeNameOf(node: VPSieNode): string {
  return node.spec.nodeName ?? node.metadata.name ?? '';
}

export const groupKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** The datacenter and offerings a group's new VMs use, its own or the controller's defaults. */
export function resolvedPlacement(group: NodeGroup, defaults: GroupDefaults) {
  const offeringIds = group.spec.offeringIDs ?? [...defaults.defaultOfferingIds];
  return { datacenterId: group.spec.datacenterID ?? defaults.defaultDatacenterId, offeringIds };
}

/** Labels every new Node of the group will carry, before the per-node hostname and type. */
export function templateLabels(group: NodeGroup, datacenterId: string): Record<string, string> {
  return {
    ...group.spec.labels,
    // What the kubelet sets on itself (src/simulator/cluster-join/node-object.ts does the same).
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    [LABELS.managed]: MANAGED_LABEL_VALUE,
    [LABELS.nodeGroup]: group.metadata.name ?? '',
    [LABELS.nodeGroupNamespace]: group.metadata.namespace ?? '',
    [LABELS.datacenter]: datacenterId,
  };
}

export interface GroupInputs {
  group: NodeGroup;
  /** The group's VPSieNodes (same namespace, spec.nodeGroupName = the group). */
  vpsieNodes: readonly VPSieNode[];
}

export interface ClusterInput {
  groups: GroupView[];
  inFlight: InFlightNode[];
  currentTotals: { nodes: number; cores: number; memoryBytes: number };
  /** Groups that cannot scale up and why (no datacenter, no offering): reported, skipped. */
  unusable: { group: string; why: string }[];
}

export function clusterInput(
  inputs: readonly GroupInputs[],
  nodesByName: ReadonlyMap<string, V1Node>,
  catalogue: ReadonlyMap<string, OfferingInfo>,
  defaults: GroupDefaults,
  nowMs: number,
): ClusterInput {
  const result: ClusterInput = {
    groups: [],
    inFlight: [],
    currentTotals: { nodes: 0, cores: 0, memoryBytes: 0 },
    unusable: [],
  };
  for (const { group, vpsieNodes } of inputs) {
    const namespace = group.metadata.namespace ?? 'default';
    const name = group.metadata.name ?? '';
    const current = vpsieNodes.filter(isCurrent);
    for (const node of current) {
      const offering = catalogue.get(node.spec.instanceType);
      result.currentTotals.nodes += 1;
      result.currentTotals.cores += offering?.cpu ?? 0;
      result.currentTotals.memoryBytes += (offering?.ramMb ?? 0) * 1024 * 1024;
      // Arriving: no Ready Node yet. A Ready Node is capacity the planner sees as a Node.
      const registered = nodesByName.get(nodeNameOf(node));
      if (!registered || !isNodeReady(registered)) {
        result.inFlight.push({
          group: { namespace, name },
          offeringId: node.spec.instanceType,
          nodeName: nodeNameOf(node),
        });
      }
    }
    const { datacenterId, offeringIds } = resolvedPlacement(group, defaults);
    const why = !datacenterId
      ? 'no spec.datacenterID and no scaling.defaultDatacenterId'
      : offeringIds.length === 0
        ? 'no spec.offeringIDs and no scaling.defaultOfferingIds'
        : undefined;
    if (why || !datacenterId) {
      result.unusable.push({ group: groupKey(namespace, name), why: why ?? '' });
      continue;
    }
    const backoffUntilMs = Date.parse(group.status?.backoff?.until ?? '');
    result.groups.push({
      namespace,
      name,
      offerings: offeringIds.flatMap((id) => catalogue.get(id) ?? []),
      unknownOfferings: offeringIds.filter((id) => !catalogue.has(id)),
      preferredOffering: group.spec.preferredInstanceType,
      labels: templateLabels(group, datacenterId),
      taints: (group.spec.taints ?? []).map((t) => ({ ...t })),
      systemReserved: toAmounts(group.spec.systemReserved),
      extendedResources: toAmounts(group.spec.extendedResources),
      priority: group.spec.scaleUpPolicy.priority,
      minNodes: group.spec.minNodes,
      maxNodes: group.spec.maxNodes,
      currentNodes: current.length,
      scaleUpEnabled: group.spec.scaleUpPolicy.enabled,
      ...(backoffUntilMs > nowMs ? { backoffUntilMs } : {}),
    });
  }
  return result;
}
