// Turns a plan's new nodes into VPSieNode objects: the one write scale-up makes. Creating the
// VPSieNode is the whole hand-over; the provisioning controller starts its workflow from there.
// Names come from the API server (generateName), so two passes can never collide on a name, and
// the node's group, offering and the reason it exists are recorded on it at birth.
import * as k8s from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  LABELS,
  MANAGED_LABEL_VALUE,
  MAX_REASON_PODS,
  VERSION,
  type ScaleUpReason,
  type VPSieNode,
} from '../../apis/v1alpha1';
import type { NewNode } from '../../scheduling/types';

/** Longest generateName prefix whose generated name (+5 characters) is still a DNS label. */
const MAX_PREFIX = 63 - 5;

/** `<group>-`, made a valid DNS label prefix (group names may hold dots, labels may not). */
export function namePrefix(group: string): string {
  const cleaned = group.replace(/[^a-z0-9-]/g, '-').slice(0, MAX_PREFIX - 1);
  return `${cleaned.replace(/-+$/, '') || 'node'}-`;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The VPSieNode for one planned node (pure, for tests). */
export function vpsieNodeFor(node: NewNode, datacenterId: string, decidedAtMs: number): VPSieNode {
  const createdFor: ScaleUpReason = {
    trigger: node.reason.kind === 'below_min_nodes' ? 'BelowMinNodes' : 'UnschedulablePods',
    summary: node.reason.summary.slice(0, 1024),
    decidedAt: rfc3339(decidedAtMs),
    ...(node.reason.kind === 'unschedulable_pods'
      ? {
          pods: node.reason.pods.slice(0, MAX_REASON_PODS).map((p) => p.slice(0, 317)),
          podCount: node.reason.pods.length,
        }
      : {}),
  };
  return {
    apiVersion: API_VERSION,
    kind: 'VPSieNode',
    metadata: {
      generateName: namePrefix(node.group.name),
      namespace: node.group.namespace,
      labels: {
        [LABELS.managed]: MANAGED_LABEL_VALUE,
        [LABELS.nodeGroup]: node.group.name,
      },
    },
    spec: {
      nodeGroupName: node.group.name,
      datacenterID: datacenterId,
      instanceType: node.offeringId,
      createdFor,
    },
  };
}

export class VpsieNodeWriter {
  private readonly custom: k8s.CustomObjectsApi;

  constructor(kubeConfig: k8s.KubeConfig) {
    this.custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Creates the object; returns it as stored (with its generated name). */
  async create(body: VPSieNode): Promise<VPSieNode> {
    return (await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: body.metadata.namespace ?? 'default',
      plural: 'vpsienodes',
      body,
    })) as VPSieNode;
  }
}
