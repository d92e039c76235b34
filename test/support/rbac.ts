// Helpers for the RBAC test (test/cluster/rbac.test.ts): asking the API server what a
// ServiceAccount may do (SubjectAccessReview), expanding the shipped Roles into single grants so
// the test can compare them with its table, and a kubeconfig that authenticates as a
// ServiceAccount with a real token, as a pod's mounted token would.
import * as k8s from '@kubernetes/client-node';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCluster } from './cluster';

/** One request a ServiceAccount makes, or must not be able to make. */
export interface Access {
  verb: string;
  /** API group; '' (core) when unset. */
  group?: string;
  /** Resource, with `/subresource` when there is one: `pods/eviction`, `nodegroups/status`. */
  resource: string;
  /**
   * Where: 'cluster' for cluster-scoped resources and lists across all namespaces; a namespace
   * name otherwise. ANY_NAMESPACE stands for "every namespace".
   */
  where: string;
  /** A single object's name, where the grant is for named objects only. */
  name?: string;
  why: string;
}

/** A namespace no Role or RoleBinding of ours mentions: what is allowed there is allowed anywhere. */
export const ANY_NAMESPACE = 'any-team-namespace';

export const describeAccess = (a: Access) =>
  `${a.verb} ${a.group ? `${a.group}/` : ''}${a.resource}` +
  `${a.name ? ` "${a.name}"` : ''} ${a.where === 'cluster' ? 'cluster-wide' : `in ${a.where}`}`;

export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;

/** What the API server says about `access` by the ServiceAccount: allowed, and why not. */
export async function reviewAccess(
  kc: k8s.KubeConfig,
  serviceAccount: { namespace: string; name: string },
  access: Access,
): Promise<{ allowed: boolean; reason?: string }> {
  const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
  const [resource, subresource] = access.resource.split('/');
  const review = await authz.createSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: serviceAccountUser(serviceAccount.namespace, serviceAccount.name),
        // The groups a ServiceAccount token carries.
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${serviceAccount.namespace}`,
          'system:authenticated',
        ],
        resourceAttributes: {
          verb: access.verb,
          group: access.group ?? '',
          resource,
          subresource,
          namespace: access.where === 'cluster' ? '' : access.where,
          name: access.name,
        },
      },
    },
  });
  return { allowed: review.status?.allowed === true, reason: review.status?.reason };
}

/** One verb on one resource, as some Role or ClusterRole bound to a subject grants it. */
export interface Grant {
  verb: string;
  group: string;
  resource: string;
  /** 'cluster' for a ClusterRoleBinding; the RoleBinding's namespace otherwise. */
  where: string;
  /** Limited to these names (rule resourceNames); undefined = any. */
  names?: string[];
  /** `Kind name` of the role, for messages. */
  role: string;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}
type RoleObject = k8s.KubernetesObject & { rules?: PolicyRule[] };
type BindingObject = k8s.KubernetesObject & {
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
};

/**
 * Every (verb, group, resource) the manifests grant the ServiceAccount, read from the YAML
 * (not from the server), so a rule that no table row explains is found.
 */
export function grantsOf(
  objects: readonly k8s.KubernetesObject[],
  serviceAccount: { namespace: string; name: string },
): Grant[] {
  const roles = new Map<string, RoleObject>();
  for (const obj of objects) {
    if (obj.kind === 'ClusterRole') roles.set(`ClusterRole/${obj.metadata!.name}`, obj);
    if (obj.kind === 'Role') {
      roles.set(`Role/${obj.metadata!.namespace}/${obj.metadata!.name}`, obj);
    }
  }
  const grants: Grant[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'ClusterRoleBinding' && obj.kind !== 'RoleBinding') continue;
    const binding = obj as BindingObject;
    const boundHere = (binding.subjects ?? []).some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        s.name === serviceAccount.name &&
        s.namespace === serviceAccount.namespace,
    );
    if (!boundHere) continue;
    const where = obj.kind === 'ClusterRoleBinding' ? 'cluster' : obj.metadata!.namespace!;
    const key =
      binding.roleRef.kind === 'ClusterRole'
        ? `ClusterRole/${binding.roleRef.name}`
        : `Role/${where}/${binding.roleRef.name}`;
    const role = roles.get(key);
    if (!role) throw new Error(`${obj.kind} ${obj.metadata!.name} refers to missing ${key}`);
    for (const rule of role.rules ?? []) {
      for (const group of rule.apiGroups ?? ['']) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            grants.push({
              verb,
              group,
              resource,
              where,
              names: rule.resourceNames,
              role: `${role.kind} ${role.metadata!.name}`,
            });
          }
        }
      }
    }
  }
  return grants;
}

/** True when table row `access` is an instance of `grant` (same verb, resource and scope). */
export function grantExplains(grant: Grant, access: Access): boolean {
  if (grant.verb !== access.verb || grant.group !== (access.group ?? '')) return false;
  if (grant.resource !== access.resource) return false;
  // A ClusterRoleBinding's grant is exercised cluster-wide or in any namespace.
  const scopeOk =
    grant.where === 'cluster'
      ? access.where === 'cluster' || access.where === ANY_NAMESPACE
      : grant.where === access.where;
  if (!scopeOk) return false;
  return (
    grant.names === undefined || (access.name !== undefined && grant.names.includes(access.name))
  );
}

/**
 * A kubeconfig file that authenticates as the ServiceAccount with a token from the TokenRequest
 * API: what the pod's projected token gives it, nothing more. Same server and CA as the test
 * cluster, so the worker derives the same join information as with the admin kubeconfig.
 */
export async function serviceAccountKubeconfig(
  admin: k8s.KubeConfig,
  serviceAccount: { namespace: string; name: string },
  dir: string,
): Promise<string> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    name: serviceAccount.name,
    namespace: serviceAccount.namespace,
    body: { spec: { expirationSeconds: 3600, audiences: [] } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token for ServiceAccount ${serviceAccount.name}`);
  const cluster = testCluster();
  const ca = readFileSync(cluster.caFile).toString('base64');
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'local',
        cluster: { server: cluster.apiServerUrl, 'certificate-authority-data': ca },
      },
    ],
    users: [{ name: serviceAccount.name, user: { token } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: serviceAccount.name } }],
    'current-context': 'local',
  };
  const path = join(dir, `${serviceAccount.name}.kubeconfig`);
  writeFileSync(path, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return path;
}
