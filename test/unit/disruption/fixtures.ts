// Plain Kubernetes objects for scale-down tests: each builder fills in what a real API object
// would carry (Ready condition, hostname label, a ReplicaSet owner, allocatable pods) so a test
// states only what it is about.
import type {
  V1Affinity,
  V1Node,
  V1PersistentVolume,
  V1Pod,
  V1PodDisruptionBudget,
  V1Taint,
  V1Toleration,
  V1Volume,
} from '@kubernetes/client-node';
import type { SafetyInput } from '../../../src/disruption';

/** A Wednesday, 12:00 UTC. */
export const NOW = Date.parse('2025-06-04T12:00:00Z');
export const MINUTE = 60_000;
export const HOSTNAME = 'kubernetes.io/hostname';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: V1Taint[];
  ready?: boolean;
  unschedulable?: boolean;
  createdMs?: number;
  deleting?: boolean;
}

export function node(name: string, options: NodeOptions = {}): V1Node {
  return {
    metadata: {
      name,
      labels: { [HOSTNAME]: name, ...options.labels },
      annotations: options.annotations,
      creationTimestamp: new Date(options.createdMs ?? NOW - 24 * 60 * MINUTE),
      deletionTimestamp: options.deleting ? new Date(NOW - MINUTE) : undefined,
    },
    spec: { taints: options.taints, unschedulable: options.unschedulable },
    status: {
      allocatable: {
        cpu: options.cpu ?? '4',
        memory: options.memory ?? '8Gi',
        pods: options.pods ?? '110',
      },
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

export type Owner = 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'none';

export interface PodOptions {
  namespace?: string;
  node?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: Owner;
  mirror?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  volumes?: V1Volume[];
  nodeSelector?: Record<string, string>;
  affinity?: V1Affinity;
  tolerations?: V1Toleration[];
}

export function pod(name: string, options: PodOptions = {}): V1Pod {
  const owner = options.owner ?? 'ReplicaSet';
  const requests: Record<string, string> = {};
  if (options.cpu !== undefined) requests.cpu = options.cpu;
  if (options.memory !== undefined) requests.memory = options.memory;
  const annotations = { ...options.annotations };
  if (options.mirror) annotations['kubernetes.io/config.mirror'] = `hash-${name}`;
  return {
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      labels: options.labels,
      annotations,
      ownerReferences: options.mirror
        ? [{ apiVersion: 'v1', kind: 'Node', name: options.node ?? 'n', uid: 'node-uid' }]
        : owner === 'none'
          ? undefined
          : [
              {
                apiVersion: 'apps/v1',
                kind: owner,
                name: `${name}-owner`,
                uid: `${name}-owner-uid`,
                controller: true,
              },
            ],
    },
    spec: {
      nodeName: options.node,
      containers: [{ name: 'main', image: 'app', resources: { requests } }],
      volumes: options.volumes,
      nodeSelector: options.nodeSelector,
      affinity: options.affinity,
      tolerations: options.tolerations,
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

export function pdb(
  name: string,
  options: {
    namespace?: string;
    matchLabels?: Record<string, string>;
    disruptionsAllowed?: number;
    noStatus?: boolean;
  } = {},
): V1PodDisruptionBudget {
  return {
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec: { selector: { matchLabels: options.matchLabels ?? {} } },
    status: options.noStatus
      ? undefined
      : {
          disruptionsAllowed: options.disruptionsAllowed ?? 1,
          currentHealthy: 2,
          desiredHealthy: 1,
          expectedPods: 2,
        },
  };
}

/** A PersistentVolume; `pinnedTo` gives it the node affinity a local PV always has. */
export function pv(
  name: string,
  options: { kind?: 'local' | 'hostPath' | 'csi'; pinnedTo?: string } = {},
): V1PersistentVolume {
  const kind = options.kind ?? 'csi';
  return {
    metadata: { name },
    spec: {
      local: kind === 'local' ? { path: `/mnt/${name}` } : undefined,
      hostPath: kind === 'hostPath' ? { path: `/data/${name}` } : undefined,
      csi: kind === 'csi' ? { driver: 'csi.example.com', volumeHandle: name } : undefined,
      nodeAffinity: options.pinnedTo
        ? {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [{ key: HOSTNAME, operator: 'In', values: [options.pinnedTo] }],
                },
              ],
            },
          }
        : undefined,
    },
  };
}

export function antiAffinity(
  matchLabels: Record<string, string>,
  topologyKey = HOSTNAME,
): V1Affinity {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels }, topologyKey },
      ],
    },
  };
}

export interface ScenarioOptions {
  /** Pods on the candidate; their node is set to the candidate. */
  podsOnNode?: V1Pod[];
  /** Other nodes of the cluster. */
  others?: V1Node[];
  /** Pods on the other nodes (set `node`). */
  otherPods?: V1Pod[];
}

/**
 * A SafetyInput that passes every check unless the test changes something: the group has no
 * minimum, no cooldown, no windows and no pause, and every node is in it.
 */
export function safetyInput(
  candidate: V1Node,
  scenario: ScenarioOptions = {},
  overrides: Partial<SafetyInput> = {},
): SafetyInput {
  const name = candidate.metadata?.name ?? '';
  const others = scenario.others ?? [node('other')];
  const podsOnNode = (scenario.podsOnNode ?? []).map((p) => ({
    ...p,
    spec: { ...p.spec, containers: p.spec?.containers ?? [], nodeName: name },
  }));
  const allNodes = [candidate, ...others];
  return {
    node: candidate,
    podsOnNode,
    allNodes,
    allPods: [...podsOnNode, ...(scenario.otherPods ?? [])],
    pdbs: [],
    pvsByClaim: {},
    group: {
      minNodes: 0,
      currentNodes: allNodes.map((n) => n.metadata?.name ?? ''),
      deletingNodes: [],
    },
    nowMs: NOW,
    ...overrides,
  };
}
