// Resolving what to provision: the VPSieNode and its NodeGroup, read once and turned into the
// plain plan the workflow carries. A VPSieNode without its NodeGroup can never be provisioned.
import { LABELS, MANAGED_LABEL_VALUE, type NodeGroup } from '../../apis/v1alpha1';
import { readNodeGroup, readVpsieNode } from '../../kube/custom-resources';
import { isNotFound } from '../../kube/clients';
import { permanent } from '../failures';
import type { ProvisioningDeps } from './deps';
import { FailureTypes, type ProvisioningPlan, type VpsieNodeRef } from './types';

/** The NodeGroup's labels plus ours, which let us find our nodes and their VPSieNodes. */
export function nodeLabels(group: NodeGroup, vpsieNode: string, datacenterId: string) {
  return {
    ...group.spec.labels,
    [LABELS.managed]: MANAGED_LABEL_VALUE,
    [LABELS.nodeGroup]: group.metadata.name ?? '',
    [LABELS.nodeGroupNamespace]: group.metadata.namespace ?? '',
    [LABELS.vpsieNode]: vpsieNode,
    [LABELS.datacenter]: datacenterId,
  };
}

export function resolveProvisioningPlanActivity(deps: ProvisioningDeps) {
  return async function resolveProvisioningPlan(ref: VpsieNodeRef): Promise<ProvisioningPlan> {
    const node = await readVpsieNode(deps.kube.custom, ref.namespace, ref.name).catch((err) => {
      throw isNotFound(err)
        ? permanent(FailureTypes.invalidSpec, `VPSieNode ${ref.namespace}/${ref.name} not found`)
        : err;
    });
    const groupName = node.spec.nodeGroupName;
    const group = await readNodeGroup(deps.kube.custom, ref.namespace, groupName).catch((err) => {
      throw isNotFound(err)
        ? permanent(
            FailureTypes.invalidSpec,
            `NodeGroup ${ref.namespace}/${groupName} of VPSieNode ${ref.name} not found`,
          )
        : err;
    });
    const nodeName = node.spec.nodeName ?? ref.name;
    const projectId = node.spec.project ?? group.spec.project;
    if (!projectId) {
      // VPSie creates every VM inside a project; without one every create would be refused.
      throw permanent(
        FailureTypes.invalidSpec,
        `NodeGroup ${ref.namespace}/${groupName} has no spec.project: VPSie needs a project id to create VMs`,
      );
    }
    return {
      nodeGroup: groupName,
      nodeName,
      datacenterId: node.spec.datacenterID,
      offeringId: node.spec.instanceType,
      osImageId: node.spec.osImageID ?? group.spec.osImageID,
      kubernetesVersion: node.spec.kubernetesVersion ?? group.spec.kubernetesVersion,
      projectId,
      labels: nodeLabels(group, ref.name, node.spec.datacenterID),
      taints: (group.spec.taints ?? []).map((t) => ({
        key: t.key,
        value: t.value,
        effect: t.effect,
      })),
      nodeReadyTimeoutSeconds: group.spec.provisioning.nodeReadyTimeoutSeconds,
    };
  };
}
