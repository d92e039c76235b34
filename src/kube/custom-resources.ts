// Reading and patching our custom resources. Status goes through the status subresource, as the
// CRDs require; objects are validated with the same zod schemas that generated the CRDs.
import type * as k8s from '@kubernetes/client-node';
import { GROUP, NodeGroup, VERSION, VPSieNode } from '../apis/v1alpha1';
import { mergePatch } from './clients';

const ref = (plural: string, namespace: string, name: string) => ({
  group: GROUP,
  version: VERSION,
  plural,
  namespace,
  name,
});

export async function readVpsieNode(custom: k8s.CustomObjectsApi, namespace: string, name: string) {
  return VPSieNode.parse(
    await custom.getNamespacedCustomObject(ref('vpsienodes', namespace, name)),
  );
}

export async function readNodeGroup(custom: k8s.CustomObjectsApi, namespace: string, name: string) {
  return NodeGroup.parse(
    await custom.getNamespacedCustomObject(ref('nodegroups', namespace, name)),
  );
}

export async function patchVpsieNodeStatus(
  custom: k8s.CustomObjectsApi,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await custom.patchNamespacedCustomObjectStatus(
    { ...ref('vpsienodes', namespace, name), body: { status } },
    mergePatch,
  );
}

export async function patchNodeGroupStatus(
  custom: k8s.CustomObjectsApi,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await custom.patchNamespacedCustomObjectStatus(
    { ...ref('nodegroups', namespace, name), body: { status } },
    mergePatch,
  );
}

export async function patchVpsieNodeSpec(
  custom: k8s.CustomObjectsApi,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await custom.patchNamespacedCustomObject(
    { ...ref('vpsienodes', namespace, name), body: { spec } },
    mergePatch,
  );
}
