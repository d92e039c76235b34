// The Kubernetes API clients our processes use, made once from one kubeconfig.
import * as k8s from '@kubernetes/client-node';

export interface KubeClients {
  kubeConfig: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  events: k8s.EventsV1Api;
}

/** From a kubeconfig file, or the in-cluster service account when none is given. */
export function createKubeClients(kubeconfigPath?: string): KubeClients {
  const kubeConfig = new k8s.KubeConfig();
  if (kubeconfigPath) kubeConfig.loadFromFile(kubeconfigPath);
  else kubeConfig.loadFromDefault();
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    custom: kubeConfig.makeApiClient(k8s.CustomObjectsApi),
    events: kubeConfig.makeApiClient(k8s.EventsV1Api),
  };
}

/** HTTP status of a client-node error (ApiException carries `code`). */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown) => apiStatus(err) === 404;
export const isConflict = (err: unknown) => apiStatus(err) === 409;

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
