// The Node a VM's kubelet registers, and what changes when the kubelet goes away. Pure: built
// from the VM (its plan and addresses) and its JoinPlan.
//
// kwok stands in for the kubelet after registration: it manages Nodes annotated
// `kwok.x-k8s.io/node: fake` (keeps them Ready, renews their Lease, runs their pods). Taking the
// annotation away is therefore how a VM's power-off looks to the cluster: heartbeats stop.

import type { V1Node, V1NodeCondition, V1NodeStatus } from '@kubernetes/client-node';
import type { JoinPlan } from './join-plan';

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
export const MAX_PODS = '110';

/** What the Node is built from: the VM as the cloud knows it. */
export interface NodeVm {
  plan: { identifier: string; cpu: number; ramMb: number };
  privateIp: string;
  publicIpv4: string;
}

/** Labels every kubelet sets on its own Node; they win over `--node-labels` with the same key. */
export function kubeletDefaultLabels(nodeName: string, vm: NodeVm): Record<string, string> {
  return {
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    // A kubelet learns its instance type from a cloud provider; VPSie's is the offering id.
    'node.kubernetes.io/instance-type': vm.plan.identifier,
  };
}

export function registeredNode(vm: NodeVm, nodeName: string, plan: JoinPlan): V1Node {
  return {
    metadata: {
      name: nodeName,
      labels: { ...plan.nodeLabels, ...kubeletDefaultLabels(nodeName, vm) },
      annotations: { [KWOK_ANNOTATION]: 'fake' },
    },
    spec: {
      ...(plan.taints.length > 0 ? { taints: plan.taints } : {}),
      ...(plan.providerId ? { providerID: plan.providerId } : {}),
    },
    status: kubeletStatus(vm, nodeName),
  };
}

/** The status a kubelet reports for itself: resources of the plan, addresses, platform. */
export function kubeletStatus(vm: NodeVm, nodeName: string): V1NodeStatus {
  const resources = {
    cpu: String(vm.plan.cpu),
    memory: `${vm.plan.ramMb}Mi`,
    pods: MAX_PODS,
  };
  return {
    capacity: resources,
    allocatable: { ...resources },
    addresses: [
      { type: 'InternalIP', address: vm.privateIp || vm.publicIpv4 },
      { type: 'Hostname', address: nodeName },
    ],
    nodeInfo: {
      architecture: 'amd64',
      operatingSystem: 'linux',
      bootID: '',
      containerRuntimeVersion: '',
      kernelVersion: '',
      kubeProxyVersion: '',
      kubeletVersion: '',
      machineID: '',
      osImage: '',
      systemUUID: '',
    },
  };
}

/** The patch a re-registering kubelet makes to an existing Node of its name. */
export function reRegistrationPatch(vm: NodeVm, nodeName: string): object {
  return {
    metadata: {
      labels: kubeletDefaultLabels(nodeName, vm),
      annotations: { [KWOK_ANNOTATION]: 'fake' },
    },
  };
}

/** Hands the Node back from kwok: nothing renews its heartbeat any more. */
export const stopHeartbeatPatch = { metadata: { annotations: { [KWOK_ANNOTATION]: null } } };

export const NODE_STATUS_UNKNOWN = {
  reason: 'NodeStatusUnknown',
  message: 'Kubelet stopped posting node status.',
};

/**
 * The conditions the node lifecycle controller writes once a kubelet is silent for its grace
 * period: every kubelet-owned condition Unknown (NetworkUnavailable belongs to the network
 * plugin and is left alone). Heartbeat times stay: nothing was heard.
 */
export function silentKubeletConditions(node: V1Node, now: Date): V1NodeCondition[] {
  const existing = node.status?.conditions ?? [];
  const conditions = existing
    .filter((c) => c.type !== 'NetworkUnavailable')
    .map((c) => ({
      ...c,
      status: 'Unknown',
      ...NODE_STATUS_UNKNOWN,
      lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : now,
    }));
  if (!conditions.some((c) => c.type === 'Ready')) {
    conditions.push({
      type: 'Ready',
      status: 'Unknown',
      ...NODE_STATUS_UNKNOWN,
      lastTransitionTime: now,
    });
  }
  return conditions;
}

export function readyStatus(node: V1Node | undefined): string | undefined {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}
