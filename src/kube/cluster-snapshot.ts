// What one scale-down pass reads from the API server, read once per pass and shared by every
// group: all Nodes and bound Pods (the rescheduling simulation needs the whole cluster, not only
// our nodes), PDBs, bound PVs, and the NodeGroups in scope. Plain list calls rather than
// informers: a pass runs once per sample interval (a minute by default), and a consistent list
// cannot miss an event.
import * as k8s from '@kubernetes/client-node';
import { GROUP, NodeGroup, VERSION } from '../apis/v1alpha1';
import type { ClusterSnapshot, GroupMembership } from '../disruption/underutilized';
import { groupMembership } from '../disruption/underutilized';
import type { StoredScaleDownPolicy } from '../disruption/scale-down-policy';

export interface MemberNode {
  node: k8s.V1Node;
  name: string;
  membership: GroupMembership;
}

export interface StoredNodeGroup {
  /** Validated, with defaults applied. */
  group: NodeGroup;
  /** spec.scaleDownPolicy as stored, to tell set fields from defaulted ones. */
  storedPolicy: StoredScaleDownPolicy | undefined;
}

export interface PassSnapshot {
  cluster: ClusterSnapshot;
  /** Our Nodes whose NodeGroup is in scope. */
  members: MemberNode[];
  groups: StoredNodeGroup[];
  /** NodeGroups that failed validation: skipped, reported. */
  invalidGroups: Array<{ namespace: string; name: string; message: string }>;
}

type RawNodeGroup = k8s.KubernetesObject & { spec?: { scaleDownPolicy?: StoredScaleDownPolicy } };

export class SnapshotReader {
  private readonly core: k8s.CoreV1Api;
  private readonly policy: k8s.PolicyV1Api;
  private readonly custom: k8s.CustomObjectsApi;

  /** @param namespace only NodeGroups (and their Nodes) of this namespace; all when unset. */
  constructor(
    kubeConfig: k8s.KubeConfig,
    private readonly namespace: string | undefined,
  ) {
    this.core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.policy = kubeConfig.makeApiClient(k8s.PolicyV1Api);
    this.custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }

  async read(): Promise<PassSnapshot> {
    const [nodes, pods, pdbs, pvs, rawGroups] = await Promise.all([
      this.core.listNode(),
      this.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' }),
      this.policy.listPodDisruptionBudgetForAllNamespaces(),
      this.core.listPersistentVolume(),
      this.listNodeGroups(),
    ]);

    const podsByNode = new Map<string, k8s.V1Pod[]>();
    const boundPods: k8s.V1Pod[] = [];
    for (const pod of pods.items) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName) continue;
      boundPods.push(pod);
      const list = podsByNode.get(nodeName);
      if (list) list.push(pod);
      else podsByNode.set(nodeName, [pod]);
    }
    const pvsByClaim: Record<string, k8s.V1PersistentVolume> = {};
    for (const pv of pvs.items) {
      const claim = pv.spec?.claimRef;
      if (claim?.namespace && claim.name) pvsByClaim[`${claim.namespace}/${claim.name}`] = pv;
    }

    const members: MemberNode[] = [];
    for (const node of nodes.items) {
      const membership = groupMembership(node);
      if (!membership || (this.namespace && membership.namespace !== this.namespace)) continue;
      members.push({ node, name: node.metadata!.name!, membership });
    }

    const groups: StoredNodeGroup[] = [];
    const invalidGroups: PassSnapshot['invalidGroups'] = [];
    for (const raw of rawGroups) {
      const parsed = NodeGroup.safeParse(raw);
      if (parsed.success) {
        groups.push({ group: parsed.data, storedPolicy: raw.spec?.scaleDownPolicy });
      } else {
        invalidGroups.push({
          namespace: raw.metadata?.namespace ?? '',
          name: raw.metadata?.name ?? '',
          message: parsed.error.message,
        });
      }
    }

    return {
      cluster: { allNodes: nodes.items, podsByNode, boundPods, pdbs: pdbs.items, pvsByClaim },
      members,
      groups,
      invalidGroups,
    };
  }

  private async listNodeGroups(): Promise<RawNodeGroup[]> {
    const list = (await (this.namespace
      ? this.custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: this.namespace,
          plural: 'nodegroups',
        })
      : this.custom.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: 'nodegroups',
        }))) as k8s.KubernetesListObject<RawNodeGroup>;
    return list.items;
  }
}
