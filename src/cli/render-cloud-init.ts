// `vpsie-autoscaler render-cloud-init --namespace NS --nodegroup NAME`: prints the user-data a
// new node of the group would get, without creating anything. The join token is masked and the
// node name is a placeholder; SSH key ids are not resolved (that needs VPSie credentials).
import { nodeLabels } from '../activities/provisioning/plan';
import { renderNodeGroupUserData } from '../activities/provisioning/user-data';
import { createKubeClients } from '../kube/clients';
import { clusterJoinInfo } from '../kube/cluster-info';
import { readNodeGroup } from '../kube/custom-resources';
import { mergeSshKeys } from '../provisioning/ssh-keys';

export const MASKED_TOKEN = '******.****************';

export interface RenderOptions {
  namespace: string;
  nodeGroup: string;
  kubeconfig?: string;
}

export async function renderCloudInitPreview(options: RenderOptions): Promise<string> {
  const kube = createKubeClients(options.kubeconfig);
  const group = await readNodeGroup(kube.custom, options.namespace, options.nodeGroup);
  const cluster = clusterJoinInfo(kube.kubeConfig);
  const nodeName = `${options.nodeGroup}-preview`;
  const keys = mergeSshKeys({ nodeGroup: group.spec });
  const rendered = await renderNodeGroupUserData(kube.core, group, {
    ClusterEndpoint: cluster.endpoint,
    JoinToken: MASKED_TOKEN,
    CACertHash: cluster.caCertHash,
    NodeName: nodeName,
    NodeGroupName: options.nodeGroup,
    DatacenterID: group.spec.datacenterID ?? '',
    OfferingID: group.spec.preferredInstanceType ?? group.spec.offeringIDs?.[0] ?? '',
    KubernetesVersion: group.spec.kubernetesVersion,
    SSHAuthorizedKeys: keys.publicKeys,
    NodeLabels: nodeLabels(group, nodeName, group.spec.datacenterID ?? ''),
    NodeTaints: group.spec.taints ?? [],
  });
  const notes = [
    `# rendered from: ${rendered.template} (${rendered.bytes} bytes)`,
    ...rendered.overriddenBuiltIns.map((name) => `# note: cloudInitVariables overrides ${name}`),
    ...keys.rejected.map((r) => `# rejected SSH key ${r.source}: ${r.reason}`),
  ];
  return `${notes.join('\n')}\n${rendered.userData}`;
}
