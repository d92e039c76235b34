// Informers (list once, then watch) on our objects, shared by the controllers. client-node stops
// an informer on a watch error; `restartOnError` restarts it after a pause, as client-go's
// reflector does.
import * as k8s from '@kubernetes/client-node';
import { GROUP, LABELS, MANAGED_LABEL_VALUE, VERSION } from '../apis/v1alpha1';
import type { Logger } from '../logging/logger';

/** VPSieNodes of one namespace, or of all namespaces when `namespace` is unset. */
export function vpsieNodeInformer<T extends k8s.KubernetesObject>(
  kubeConfig: k8s.KubeConfig,
  namespace?: string,
): k8s.Informer<T> & k8s.ObjectCache<T> {
  return customResourceInformer<T>(kubeConfig, 'vpsienodes', namespace);
}

/** NodeGroups of one namespace, or of all namespaces when `namespace` is unset. */
export function nodeGroupInformer<T extends k8s.KubernetesObject>(
  kubeConfig: k8s.KubeConfig,
  namespace?: string,
): k8s.Informer<T> & k8s.ObjectCache<T> {
  return customResourceInformer<T>(kubeConfig, 'nodegroups', namespace);
}

/**
 * The Nodes we created (managed label), or only those of NodeGroups in `namespace`: Nodes are
 * cluster-scoped, so a namespaced controller selects its groups' Nodes by label.
 */
export function ourNodeInformer<T extends k8s.KubernetesObject>(
  kubeConfig: k8s.KubeConfig,
  namespace?: string,
): k8s.Informer<T> & k8s.ObjectCache<T> {
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const selector = [
    `${LABELS.managed}=${MANAGED_LABEL_VALUE}`,
    ...(namespace ? [`${LABELS.nodeGroupNamespace}=${namespace}`] : []),
  ].join(',');
  const list = () =>
    core.listNode({ labelSelector: selector }) as Promise<k8s.KubernetesListObject<T>>;
  return k8s.makeInformer<T>(kubeConfig, '/api/v1/nodes', list, selector);
}

function customResourceInformer<T extends k8s.KubernetesObject>(
  kubeConfig: k8s.KubeConfig,
  plural: 'vpsienodes' | 'nodegroups',
  namespace?: string,
): k8s.Informer<T> & k8s.ObjectCache<T> {
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const path = namespace
    ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}`
    : `/apis/${GROUP}/${VERSION}/${plural}`;
  const list = () =>
    (namespace
      ? custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural })
      : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })) as Promise<
      k8s.KubernetesListObject<T>
    >;
  return k8s.makeInformer<T>(kubeConfig, path, list);
}

export function restartOnError(
  informer: k8s.Informer<k8s.KubernetesObject>,
  what: string,
  logger: Logger,
): void {
  informer.on('error', (err: unknown) => {
    logger.warn(`${what} watch failed; restarting`, { err });
    setTimeout(() => void informer.start().catch(() => undefined), 2_000).unref();
  });
}
