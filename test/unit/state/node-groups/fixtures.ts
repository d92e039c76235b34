// Builders for the NodeGroup status tests: a validated NodeGroup, VPSieNodes in a given phase,
// and our Nodes (labelled as the provisioning workflow labels them), Ready or not.
import type { V1Node } from '@kubernetes/client-node';
import {
  LABELS,
  MANAGED_LABEL_VALUE,
  NodeGroup,
  TAINTS,
  VPSieNode,
  minimalNodeGroup,
  type NodeGroupStatus,
  type VPSieNodePhase,
} from '../../../../src/apis/v1alpha1';

export const NS = 'prod';
export const GROUP_NAME = 'workers';
export const NOW_MS = Date.parse('2026-11-25T10:00:00Z');

export function nodeGroup(
  spec: Record<string, unknown> = {},
  status?: NodeGroupStatus,
  generation = 3,
): NodeGroup {
  return NodeGroup.parse({
    ...minimalNodeGroup,
    metadata: { name: GROUP_NAME, namespace: NS, generation },
    spec: { ...minimalNodeGroup.spec, minNodes: 1, maxNodes: 5, ...spec },
    ...(status ? { status } : {}),
  });
}

export interface VnOptions {
  phase?: VPSieNodePhase;
  deleted?: boolean;
  createdAt?: string;
  group?: string;
  namespace?: string;
  failureReason?: string;
  readyAt?: string;
  vpsID?: string;
  ipAddress?: string;
}

/** A VPSieNode named `name` whose Node (when there is one) is also `name`. */
export function vpsieNode(name: string, options: VnOptions = {}): VPSieNode {
  const phase = options.phase;
  return VPSieNode.parse({
    apiVersion: 'autoscaler.vpsie.com/v1alpha1',
    kind: 'VPSieNode',
    metadata: {
      name,
      namespace: options.namespace ?? NS,
      creationTimestamp: options.createdAt ?? '2026-11-25T09:00:00Z',
      ...(options.deleted ? { deletionTimestamp: '2026-11-25T09:59:00Z' } : {}),
    },
    spec: {
      nodeGroupName: options.group ?? GROUP_NAME,
      datacenterID: 'dc-fra1',
      instanceType: 'plan-4c8g',
      nodeName: name,
      ...(options.vpsID ? { vpsID: options.vpsID } : {}),
      ...(options.ipAddress ? { ipAddress: options.ipAddress } : {}),
    },
    ...(phase
      ? {
          status: {
            phase,
            ...(options.createdAt ? { createdAt: options.createdAt } : {}),
            ...(options.readyAt ? { readyAt: options.readyAt } : {}),
            ...(options.failureReason ? { failureReason: options.failureReason } : {}),
          },
        }
      : {}),
  });
}

export interface NodeOptions {
  ready?: boolean;
  /** Carries our to-be-deleted taint (a removal has cordoned it). */
  tainted?: boolean;
  labels?: Record<string, string>;
}

/** One of our Nodes for VPSieNode `name` of the test group. */
export function node(name: string, options: NodeOptions = {}): V1Node {
  return {
    metadata: {
      name,
      labels: {
        [LABELS.managed]: MANAGED_LABEL_VALUE,
        [LABELS.nodeGroup]: GROUP_NAME,
        [LABELS.nodeGroupNamespace]: NS,
        [LABELS.vpsieNode]: name,
        ...options.labels,
      },
    },
    spec: options.tainted
      ? { taints: [{ key: TAINTS.toBeDeleted, value: '1', effect: 'NoSchedule' }] }
      : {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: options.ready === false ? 'False' : 'True',
        },
      ],
    },
  };
}

/** A Ready VPSieNode with its Ready Node. */
export function readyPair(name: string, options: VnOptions = {}) {
  return { vn: vpsieNode(name, { phase: 'Ready', ...options }), node: node(name) };
}
