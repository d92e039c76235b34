// What scale-up planning reads, kept current by informers (list once, then watch), the way
// client-go's shared informers feed a controller: every pass plans from memory instead of
// listing 30,000 pods again. Pods are watched without finished ones (field selector), because
// Succeeded and Failed pods take no capacity and never pend.
import * as k8s from '@kubernetes/client-node';
import { nodeGroupInformer, restartOnError, vpsieNodeInformer } from '../../kube/informers';
import type { Logger } from '../../logging/logger';

type Cached<T extends k8s.KubernetesObject> = k8s.Informer<T> & k8s.ObjectCache<T>;

/** Which informer changed, for the controller to decide whether a pass is due. */
export type CacheEvent =
  | { kind: 'pod'; pod: k8s.V1Pod; deleted: boolean }
  | { kind: 'nodegroup' }
  | { kind: 'vpsienode' }
  | { kind: 'node' }
  | { kind: 'daemonset' };

const ACTIVE_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

function informer<T extends k8s.KubernetesObject>(
  kubeConfig: k8s.KubeConfig,
  path: string,
  list: () => Promise<k8s.KubernetesListObject<T>>,
  fieldSelector?: string,
): Cached<T> {
  const watch = new k8s.Watch(kubeConfig);
  return new k8s.ListWatch<T>(path, watch, list, false, undefined, fieldSelector);
}

export class ClusterCache {
  readonly pods: Cached<k8s.V1Pod>;
  readonly nodes: Cached<k8s.V1Node>;
  readonly daemonSets: Cached<k8s.V1DaemonSet>;
  readonly nodeGroups: Cached<k8s.KubernetesObject>;
  readonly vpsieNodes: Cached<k8s.KubernetesObject>;
  private readonly all: Cached<k8s.KubernetesObject>[];

  /** @param namespace NodeGroups and VPSieNodes of this namespace only; pods and nodes of all. */
  constructor(
    kubeConfig: k8s.KubeConfig,
    namespace: string | undefined,
    logger: Logger,
    onEvent: (event: CacheEvent) => void,
  ) {
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
    this.pods = informer(
      kubeConfig,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces({ fieldSelector: ACTIVE_PODS }),
      ACTIVE_PODS,
    );
    this.nodes = informer(kubeConfig, '/api/v1/nodes', () => core.listNode());
    this.daemonSets = informer(kubeConfig, '/apis/apps/v1/daemonsets', () =>
      apps.listDaemonSetForAllNamespaces(),
    );
    this.nodeGroups = nodeGroupInformer<k8s.KubernetesObject>(kubeConfig, namespace);
    this.vpsieNodes = vpsieNodeInformer<k8s.KubernetesObject>(kubeConfig, namespace);

    const hook = <T extends k8s.KubernetesObject>(
      cache: Cached<T>,
      what: string,
      event: (obj: T, deleted: boolean) => CacheEvent,
    ) => {
      cache.on('add', (obj) => onEvent(event(obj, false)));
      cache.on('update', (obj) => onEvent(event(obj, false)));
      cache.on('delete', (obj) => onEvent(event(obj, true)));
      restartOnError(cache, what, logger);
    };
    hook(this.pods, 'Pod', (pod, deleted) => ({ kind: 'pod', pod, deleted }));
    hook(this.nodes, 'Node', () => ({ kind: 'node' }));
    hook(this.daemonSets, 'DaemonSet', () => ({ kind: 'daemonset' }));
    hook(this.nodeGroups, 'NodeGroup', () => ({ kind: 'nodegroup' }));
    hook(this.vpsieNodes, 'VPSieNode', () => ({ kind: 'vpsienode' }));
    this.all = [
      this.pods,
      this.nodes,
      this.daemonSets,
      this.nodeGroups,
      this.vpsieNodes,
    ] as Cached<k8s.KubernetesObject>[];
  }

  /** Resolves once every informer has listed: a pass before that would plan from half a cluster. */
  async start(): Promise<void> {
    await Promise.all(this.all.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }
}
