// Rendering a node's cloud-init and keeping it out of workflow history: the rendered text holds
// the join token, so it goes into a Secret owned by the VPSieNode and only its name travels.
import type * as k8s from '@kubernetes/client-node';
import { API_VERSION, LABELS, type NodeGroup } from '../../apis/v1alpha1';
import { readBootstrapToken } from '../../kube/bootstrap-tokens';
import { isConflict, isNotFound } from '../../kube/clients';
import { readNodeGroup, readVpsieNode } from '../../kube/custom-resources';
import {
  CloudInitTemplateError,
  chooseTemplateSource,
  renderCloudInit,
  type BuiltInVariables,
  type ConfigMapLike,
  type RenderedCloudInit,
} from '../../provisioning/cloud-init';
import { permanent } from '../failures';
import { noteAttempt } from './attempts';
import type { ProvisioningDeps } from './deps';
import { FailureTypes, type ProvisioningPlan, type UserDataRef, type VpsieNodeRef } from './types';

export const userDataSecretName = (vpsieNode: string) => `${vpsieNode}-user-data`;

async function readConfigMap(core: k8s.CoreV1Api, namespace: string, name: string) {
  try {
    return (await core.readNamespacedConfigMap({ name, namespace })) as ConfigMapLike;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Renders a NodeGroup's template (inline, ConfigMap or default); shared with the CLI's dry run. */
export async function renderNodeGroupUserData(
  core: k8s.CoreV1Api,
  group: NodeGroup,
  builtIns: BuiltInVariables,
): Promise<RenderedCloudInit> {
  const namespace = group.metadata.namespace ?? 'default';
  const templateRef = group.spec.cloudInitTemplateRef;
  const configMap = templateRef
    ? await readConfigMap(core, namespace, templateRef.name)
    : undefined;
  return renderCloudInit({
    source: chooseTemplateSource(group.spec, configMap),
    variables: group.spec.cloudInitVariables,
    builtIns,
  });
}

export function renderUserDataActivity(deps: ProvisioningDeps) {
  return async function renderUserData(
    ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan; tokenId: string; publicKeys: string[] },
    attempt: number,
  ): Promise<UserDataRef> {
    noteAttempt(deps, 'renderUserData', attempt);
    const { plan } = input;
    const node = await readVpsieNode(deps.kube.custom, ref.namespace, ref.name);
    const group = await readNodeGroup(deps.kube.custom, ref.namespace, plan.nodeGroup);
    let rendered;
    try {
      rendered = await renderNodeGroupUserData(deps.kube.core, group, {
        ClusterEndpoint: deps.cluster.endpoint,
        JoinToken: await readBootstrapToken(deps.kube.core, input.tokenId),
        CACertHash: deps.cluster.caCertHash,
        NodeName: plan.nodeName,
        NodeGroupName: plan.nodeGroup,
        DatacenterID: plan.datacenterId,
        OfferingID: plan.offeringId,
        KubernetesVersion: plan.kubernetesVersion,
        SSHAuthorizedKeys: input.publicKeys,
        NodeLabels: plan.labels,
        NodeTaints: plan.taints,
      });
    } catch (err) {
      // A template that does not render never will: fail the node now, with the reason.
      if (err instanceof CloudInitTemplateError)
        throw permanent(FailureTypes.invalidSpec, err.message);
      throw err;
    }
    if (rendered.overriddenBuiltIns.length > 0) {
      deps.logger.warn('cloudInitVariables override built-in variables', {
        nodeGroup: plan.nodeGroup,
        overridden: rendered.overriddenBuiltIns,
      });
    }
    await storeUserData(deps.kube.core, ref, node.metadata.uid, rendered.userData);
    return {
      secretName: userDataSecretName(ref.name),
      bytes: rendered.bytes,
      overriddenVariables: rendered.overriddenBuiltIns,
    };
  };
}

async function storeUserData(
  core: k8s.CoreV1Api,
  ref: VpsieNodeRef,
  ownerUid: string | undefined,
  userData: string,
): Promise<void> {
  const body: k8s.V1Secret = {
    metadata: {
      name: userDataSecretName(ref.name),
      namespace: ref.namespace,
      labels: { [LABELS.vpsieNode]: ref.name },
      // Garbage-collected with its VPSieNode.
      ownerReferences: ownerUid
        ? [{ apiVersion: API_VERSION, kind: 'VPSieNode', name: ref.name, uid: ownerUid }]
        : undefined,
    },
    type: 'Opaque',
    stringData: { 'user-data': userData },
  };
  try {
    await core.createNamespacedSecret({ namespace: ref.namespace, body });
  } catch (err) {
    if (!isConflict(err)) throw err;
    // A retry renders again (a new token may have been made): the latest rendering wins.
    await core.replaceNamespacedSecret({
      name: body.metadata!.name!,
      namespace: ref.namespace,
      body,
    });
  }
}

export async function readUserData(core: k8s.CoreV1Api, namespace: string, secretName: string) {
  const secret = await core.readNamespacedSecret({ name: secretName, namespace });
  return Buffer.from(secret.data?.['user-data'] ?? '', 'base64').toString('utf8');
}
