// The shipped RBAC (deploy/rbac/) and in-cluster manifests (deploy/kubernetes/), on a real
// kube-apiserver:
// 1. every permission the code needs is allowed and a list of powers it must not have is denied,
//    asked of the authorizer with SubjectAccessReviews; and every rule in the YAML is explained
//    by a row of the tables below (so the YAML grants nothing the tables do not document);
// 2. every manifest of deploy/kubernetes/ passes a server-side dry run, the pods pass Pod
//    Security "restricted", and the ConfigMap is a valid configuration that agrees with the RBAC;
// 3. the real controller and worker processes, authenticated with tokens of these
//    ServiceAccounts and configured from the shipped ConfigMap, provision a node and scale it
//    down again without a single refused request.
//
// The tables are the reference for what each process does to the cluster; the why of each row
// names the code. docs/operations/deployment.md summarises them for operators.
import * as k8s from '@kubernetes/client-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FINALIZERS, GROUP, LABELS, VERSION } from '../../src/apis/v1alpha1';
import { loadConfig } from '../../src/config';
import { isNotFound } from '../../src/kube/clients';
import { DEFAULT_CLOUD_INIT_TEMPLATE } from '../../src/provisioning/cloud-init/default-template';
import {
  DEFAULT_SIMULATOR_TOKEN,
  startVpsieSimulator,
  type VpsieSimulator,
} from '../../src/simulator';
import { SIM_SSH_KEYS } from '../../src/simulator/catalogue';
import {
  httpOk,
  startAutoscalerProcess,
  stopAutoscalerProcess,
  waitForProcess,
  type AutoscalerProcess,
  type AutoscalerSettings,
} from '../../scripts/dev/lib/autoscaler-processes';
import { REPO_ROOT } from '../../scripts/dev/lib/components';
import { applyManifests, describeObject, readManifests } from '../../scripts/dev/lib/manifests';
import {
  createNodeGroup,
  createVpsieNode,
  customObjects,
  opensshEd25519,
  readStatus,
} from '../support/autoscaler-env';
import {
  TEST_CLUSTER,
  createTestNamespace,
  eventually,
  kubeConfig,
  testCluster,
} from '../support/cluster';
import { installCrds } from '../support/crds';
import {
  ANY_NAMESPACE,
  describeAccess,
  grantExplains,
  grantsOf,
  reviewAccess,
  serviceAccountKubeconfig,
  type Access,
} from '../support/rbac';
import { createGroupWorkload, podsOfApp, sampleValue, type TestGroup } from '../support/scale-down';
import { createTemporalEnv } from '../support/temporal';

const RBAC_DIR = join(REPO_ROOT, 'deploy/rbac');
const MANIFEST_DIR = join(REPO_ROOT, 'deploy/kubernetes');
/** The autoscaler's namespace: Deployments, ServiceAccounts, Lease, and the shipped binding for
 * NodeGroups kept there. */
const NS = 'vpsie-autoscaler';
const LEASE = 'vpsie-autoscaler-leader';
const CONTROLLER = { namespace: NS, name: 'vpsie-autoscaler-controller' };
const WORKER = { namespace: NS, name: 'vpsie-autoscaler-worker' };
const AUTOSCALER = GROUP; // autoscaler.vpsie.com

// What the controller does to the cluster (src/controller/**, src/kube/cluster-snapshot.ts,
// src/kube/node-metrics.ts). It writes VPSieNodes (scale-up creates them, the removal controller
// adds our finalizer), NodeGroup status, Events on pending pods and its Lease.
const CONTROLLER_NEEDS: Access[] = [
  {
    verb: 'get',
    resource: 'nodes',
    where: 'cluster',
    why: 'removal controller: re-reads a deleted Node before starting its removal',
  },
  {
    verb: 'get',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'removal controller: re-reads a deleted VPSieNode before starting its removal',
  },
  {
    verb: 'list',
    resource: 'nodes',
    where: 'cluster',
    why: 'removal controller informer on our Nodes; scale-down pass reads every Node',
  },
  {
    verb: 'watch',
    resource: 'nodes',
    where: 'cluster',
    why: 'removal controller informer: sees `kubectl delete node` on our Nodes',
  },
  {
    verb: 'list',
    resource: 'pods',
    where: 'cluster',
    why: 'scale-up informer and scale-down pass: the pods of all namespaces',
  },
  {
    verb: 'watch',
    resource: 'pods',
    where: 'cluster',
    why: 'scale-up informer: unschedulable pods as they appear',
  },
  {
    verb: 'list',
    group: 'apps',
    resource: 'daemonsets',
    where: 'cluster',
    why: 'scale-up informer: DaemonSet pods take room on every new node',
  },
  {
    verb: 'watch',
    group: 'apps',
    resource: 'daemonsets',
    where: 'cluster',
    why: 'scale-up informer: DaemonSet pods take room on every new node',
  },
  {
    verb: 'create',
    group: 'events.k8s.io',
    resource: 'events',
    where: ANY_NAMESPACE,
    why: 'scale-up: TriggeredScaleUp / NotTriggerScaleUp on pending pods',
  },
  {
    verb: 'create',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'scale-up: one VPSieNode per planned node',
  },
  {
    verb: 'watch',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: 'cluster',
    why: 'scale-up and NodeGroup status informers',
  },
  {
    verb: 'watch',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'informers with controller.watchNamespace set',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'nodegroups/status',
    where: ANY_NAMESPACE,
    why: 'NodeGroup status controller: sizes and conditions',
  },
  {
    verb: 'list',
    resource: 'persistentvolumes',
    where: 'cluster',
    why: 'scale-down pass: volumes bound to claims keep pods in their zone or on their node',
  },
  {
    verb: 'list',
    group: 'policy',
    resource: 'poddisruptionbudgets',
    where: 'cluster',
    why: 'scale-down pass: nodes whose pods no budget lets go are kept',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: 'cluster',
    why: 'scale-down pass: the NodeGroups and their policies (all namespaces)',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'scale-down pass with controller.watchNamespace set',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: 'cluster',
    why: 'provisioning and removal controller informers',
  },
  {
    verb: 'watch',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: 'cluster',
    why: 'provisioning and removal controller informers',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'provisioning controller informer with controller.watchNamespace set',
  },
  {
    verb: 'watch',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'provisioning controller informer with controller.watchNamespace set',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'removal controller adds the autoscaler.vpsie.com/vpsienode finalizer',
  },
  {
    verb: 'list',
    group: 'metrics.k8s.io',
    resource: 'nodes',
    where: 'cluster',
    why: 'utilisation sampler: node usage from metrics-server for usage-based NodeGroups',
  },
  {
    verb: 'create',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: NS,
    why: 'leader election: the first replica creates the Lease',
  },
  {
    verb: 'get',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: NS,
    name: LEASE,
    why: 'leader election: every candidate reads the Lease each retry period',
  },
  {
    verb: 'update',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: NS,
    name: LEASE,
    why: 'leader election: acquire, renew and release (replace with the resourceVersion read)',
  },
];

/** Neither ServiceAccount may change RBAC: no escalation, no binding, no new RoleBindings. */
function noRbacChanges(namespace: string): Access[] {
  const rbac = { group: 'rbac.authorization.k8s.io', why: 'no RBAC changes' };
  return [
    { ...rbac, verb: 'escalate', resource: 'clusterroles', where: 'cluster' },
    { ...rbac, verb: 'bind', resource: 'clusterroles', where: 'cluster' },
    { ...rbac, verb: 'create', resource: 'rolebindings', where: namespace },
  ];
}

// Powers the controller must not have: it never writes Nodes, Pods or Secrets.
const CONTROLLER_DENIED: Access[] = [
  {
    verb: 'get',
    resource: 'secrets',
    where: 'kube-system',
    why: 'bootstrap tokens and credentials are the worker’s',
  },
  { verb: 'list', resource: 'secrets', where: 'cluster', why: 'reads no Secret anywhere' },
  { verb: 'delete', resource: 'secrets', where: NS, why: 'reads no Secret anywhere' },
  { verb: 'create', resource: 'pods', where: ANY_NAMESPACE, why: 'runs nothing in the cluster' },
  { verb: 'create', resource: 'pods/exec', where: ANY_NAMESPACE, why: 'no shell in pods' },
  {
    verb: 'create',
    resource: 'pods/eviction',
    where: ANY_NAMESPACE,
    why: 'draining is the worker’s',
  },
  { verb: 'patch', resource: 'nodes', where: 'cluster', why: 'cordoning is the worker’s' },
  { verb: 'delete', resource: 'nodes', where: 'cluster', why: 'removing Nodes is the worker’s' },
  {
    verb: 'delete',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'deletion is the scale-down workflow’s',
  },
  {
    verb: 'update',
    group: 'apps',
    resource: 'deployments',
    where: NS,
    why: 'cannot change its own or anyone’s Deployment',
  },
  {
    verb: 'update',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: 'kube-system',
    name: 'kube-controller-manager',
    why: 'only its own Lease',
  },
  {
    verb: 'update',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: NS,
    name: 'another-lease',
    why: 'only its own Lease, even in its namespace',
  },
  ...noRbacChanges(NS),
  { verb: 'impersonate', resource: 'users', where: 'cluster', why: 'acts only as itself' },
  {
    verb: 'create',
    resource: 'serviceaccounts/token',
    where: NS,
    why: 'mints no tokens',
  },
];

// The namespace whose NodeGroups the shipped RoleBinding covers (deploy/rbac/worker.yaml);
// each other NodeGroup namespace gets a copy of that binding.
const NODEGROUP_NS = NS;

// What the worker's activities do to the cluster (src/activities/**, src/kube/**).
const WORKER_NEEDS: Access[] = [
  {
    verb: 'get',
    resource: 'nodes',
    where: 'cluster',
    why: 'waitForNodeReady, applyNodeMetadata, cordon/drain read-modify-write',
  },
  {
    verb: 'list',
    resource: 'nodes',
    where: 'cluster',
    why: 'checkScaleDownSafety re-reads the cluster right before a removal',
  },
  {
    verb: 'patch',
    resource: 'nodes',
    where: 'cluster',
    why: 'labels, taints, finalizer of a new node; cordon, uncordon, drain annotation; finalizer release',
  },
  { verb: 'delete', resource: 'nodes', where: 'cluster', why: 'deleteNodeObjects' },
  {
    verb: 'list',
    resource: 'pods',
    where: 'cluster',
    why: 'drain: pods bound to the node (all namespaces); safety re-check',
  },
  {
    verb: 'create',
    resource: 'pods/eviction',
    where: ANY_NAMESPACE,
    why: 'drain evicts through the Eviction API (honours PodDisruptionBudgets)',
  },
  {
    verb: 'list',
    resource: 'persistentvolumes',
    where: 'cluster',
    why: 'safety re-check: volume topology',
  },
  {
    verb: 'list',
    group: 'policy',
    resource: 'poddisruptionbudgets',
    where: 'cluster',
    why: 'safety re-check: budgets of all namespaces',
  },
  {
    verb: 'list',
    group: 'policy',
    resource: 'poddisruptionbudgets',
    where: ANY_NAMESPACE,
    why: 'a timed-out drain names the budgets blocking its pods',
  },
  {
    verb: 'get',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'provisioning plan, SSH keys, cloud-init, drain limits, back-off, outcomes',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: 'cluster',
    why: 'publishPauseState: a cluster-wide pause is mirrored into every NodeGroup',
  },
  {
    verb: 'list',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'checkScaleDownSafety lists the groups of the node’s namespace',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'nodegroups/status',
    where: ANY_NAMESPACE,
    why: 'back-off, lastScaleUp/DownTime, conditions, mirrored pause',
  },
  {
    verb: 'get',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'every provisioning and scale-down step reads its VPSieNode',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'spec: VM id and addresses; metadata: finalizer release',
  },
  {
    verb: 'delete',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'deleteNodeObjects',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'vpsienodes/status',
    where: ANY_NAMESPACE,
    why: 'phase, timestamps, lastError',
  },
  {
    verb: 'create',
    resource: 'secrets',
    where: 'kube-system',
    why: 'bootstrap token Secret bootstrap-token-<id> for a new node',
  },
  {
    verb: 'get',
    resource: 'secrets',
    where: 'kube-system',
    why: 'renderUserData reads the token back into cloud-init',
  },
  {
    verb: 'delete',
    resource: 'secrets',
    where: 'kube-system',
    why: 'the token is deleted once the node joined or provisioning failed',
  },
  {
    verb: 'create',
    resource: 'secrets',
    where: NODEGROUP_NS,
    why: 'rendered cloud-init goes into Secret <vpsienode>-user-data',
  },
  {
    verb: 'update',
    resource: 'secrets',
    where: NODEGROUP_NS,
    why: 'a retried render replaces the user-data Secret',
  },
  {
    verb: 'get',
    resource: 'secrets',
    where: NODEGROUP_NS,
    why: 'createVm reads the user-data; collectSshKeys reads spec.sshKeySecretRef',
  },
  {
    verb: 'delete',
    resource: 'secrets',
    where: NODEGROUP_NS,
    why: 'the user-data Secret once the node joined or provisioning failed',
  },
  {
    verb: 'get',
    resource: 'configmaps',
    where: NODEGROUP_NS,
    why: 'renderUserData reads spec.cloudInitTemplateRef',
  },
  {
    verb: 'create',
    group: 'events.k8s.io',
    resource: 'events',
    where: NODEGROUP_NS,
    why: 'events on NodeGroups and VPSieNodes (failures, SSH keys, scale-down outcomes)',
  },
];

// Powers the worker must not have, though it changes Nodes and Secrets.
const WORKER_DENIED: Access[] = [
  { verb: 'list', resource: 'secrets', where: 'cluster', why: 'no Secret reads cluster-wide' },
  {
    verb: 'get',
    resource: 'secrets',
    where: ANY_NAMESPACE,
    why: 'Secrets only in kube-system and namespaces bound for NodeGroups',
  },
  {
    verb: 'list',
    resource: 'secrets',
    where: 'kube-system',
    why: 'cannot enumerate kube-system Secrets: gets only names it knows',
  },
  { verb: 'watch', resource: 'secrets', where: 'kube-system', why: 'cannot enumerate either' },
  {
    verb: 'update',
    resource: 'secrets',
    where: 'kube-system',
    why: 'never changes kube-system Secrets, its own tokens included',
  },
  {
    verb: 'delete',
    resource: 'pods',
    where: ANY_NAMESPACE,
    why: 'pods leave only through the Eviction API',
  },
  { verb: 'create', resource: 'pods', where: ANY_NAMESPACE, why: 'runs nothing in the cluster' },
  { verb: 'create', resource: 'pods/exec', where: ANY_NAMESPACE, why: 'no shell in pods' },
  {
    verb: 'update',
    group: 'apps',
    resource: 'deployments',
    where: NS,
    why: 'cannot change its own or anyone’s Deployment',
  },
  { verb: 'create', resource: 'nodes', where: 'cluster', why: 'nodes register themselves' },
  {
    verb: 'update',
    resource: 'nodes',
    where: 'cluster',
    why: 'merge patches only, never a whole-object replace',
  },
  {
    verb: 'patch',
    resource: 'nodes/status',
    where: 'cluster',
    why: 'node status is the kubelet’s',
  },
  {
    verb: 'get',
    resource: 'configmaps',
    where: ANY_NAMESPACE,
    why: 'ConfigMaps only in namespaces bound for NodeGroups',
  },
  {
    verb: 'create',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'NodeGroups are the operator’s',
  },
  {
    verb: 'patch',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'a NodeGroup’s spec is the operator’s; status only',
  },
  {
    verb: 'delete',
    group: AUTOSCALER,
    resource: 'nodegroups',
    where: ANY_NAMESPACE,
    why: 'NodeGroups are the operator’s',
  },
  {
    verb: 'create',
    group: AUTOSCALER,
    resource: 'vpsienodes',
    where: ANY_NAMESPACE,
    why: 'creates no VPSieNodes',
  },
  {
    verb: 'update',
    group: 'coordination.k8s.io',
    resource: 'leases',
    where: NS,
    name: LEASE,
    why: 'leader election is the controller’s',
  },
  {
    verb: 'create',
    group: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    where: 'cluster',
    why: 'joining nodes request their own certificates with the bootstrap token',
  },
  ...noRbacChanges(NODEGROUP_NS),
  { verb: 'impersonate', resource: 'users', where: 'cluster', why: 'acts only as itself' },
  {
    verb: 'create',
    resource: 'serviceaccounts/token',
    where: NS,
    why: 'mints no tokens',
  },
];

const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const rbacObjects = readManifests(RBAC_DIR).filter((o) => o.kind !== 'Kustomization');
const deployObjects = readManifests(MANIFEST_DIR).filter((o) => o.kind !== 'Kustomization');
const ofKind = <T extends k8s.KubernetesObject>(kind: string, name: string): T => {
  const found = [...deployObjects, ...rbacObjects].find(
    (o) => o.kind === kind && o.metadata?.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name} in deploy/`);
  return found as T;
};
const configMapData = () => ofKind<k8s.V1ConfigMap>('ConfigMap', 'vpsie-autoscaler-config').data!;

beforeAll(async () => {
  await installCrds(kc);
  // The namespace for real (RBAC and the dry runs need it), then the RBAC for real.
  await applyManifests(
    kc,
    deployObjects.filter((o) => o.kind === 'Namespace'),
  );
  await applyManifests(kc, rbacObjects);
});

describe.each([
  {
    who: 'controller',
    serviceAccount: CONTROLLER,
    needs: CONTROLLER_NEEDS,
    denied: CONTROLLER_DENIED,
  },
  { who: 'worker', serviceAccount: WORKER, needs: WORKER_NEEDS, denied: WORKER_DENIED },
])('the $who ServiceAccount', ({ serviceAccount, needs, denied }) => {
  test.each(needs.map((a) => [describeAccess(a), a] as const))('may %s', async (_, access) => {
    const review = await reviewAccess(kc, serviceAccount, access);
    expect({ access: describeAccess(access), ...review }).toMatchObject({ allowed: true });
  });

  test.each(denied.map((a) => [describeAccess(a), a] as const))('may not %s', async (_, access) => {
    const review = await reviewAccess(kc, serviceAccount, access);
    expect({ access: describeAccess(access), allowed: review.allowed }).toEqual({
      access: describeAccess(access),
      allowed: false,
    });
  });

  test('is granted nothing that the table does not explain', () => {
    const grants = grantsOf(rbacObjects, serviceAccount);
    expect(grants.length).toBeGreaterThan(0);
    const unexplained = grants
      .filter((g) => !needs.some((a) => grantExplains(g, a)))
      .map(
        (g) =>
          `${g.role}: ${g.verb} ${g.group ? `${g.group}/` : ''}${g.resource} (${g.where}` +
          `${g.names ? `, names ${g.names.join(',')}` : ''})`,
      );
    expect(unexplained).toEqual([]);
  });
});

describe('deploy/kubernetes', () => {
  test('the kustomization lists every manifest of the folder, the RBAC and nothing else', () => {
    const kustomization = parse(readFileSync(join(MANIFEST_DIR, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    const files = readdirSync(MANIFEST_DIR).filter(
      (f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(['../rbac', ...files].sort());
    const rbac = parse(readFileSync(join(RBAC_DIR, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...rbac.resources].sort()).toEqual(
      readdirSync(RBAC_DIR)
        .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
        .sort(),
    );
  });

  test('every manifest passes a server-side dry run', async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const refused: string[] = [];
    for (const obj of deployObjects) {
      try {
        await api.patch(
          obj,
          undefined,
          'All',
          'vpsie-autoscaler-rbac-test',
          true,
          k8s.PatchStrategy.ServerSideApply,
        );
      } catch (err) {
        const body = (err as { body?: unknown }).body;
        refused.push(`${describeObject(obj)}: ${typeof body === 'string' ? body : String(err)}`);
      }
    }
    expect(refused).toEqual([]);
    expect(new Set(deployObjects.map((o) => o.kind))).toEqual(
      new Set(['Namespace', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget']),
    );
  });

  test.each(['vpsie-autoscaler-controller', 'vpsie-autoscaler-worker'])(
    'the pods of %s pass Pod Security "restricted" and run as its ServiceAccount',
    async (name) => {
      const deployment = ofKind<k8s.V1Deployment>('Deployment', name);
      const template = deployment.spec!.template;
      expect(template.spec!.serviceAccountName).toBe(name);
      // The namespace enforces "restricted": a dry-run Pod is refused if it breaks a rule.
      const namespace = await core.readNamespace({ name: NS });
      expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      await core.createNamespacedPod({
        namespace: NS,
        dryRun: 'All',
        body: { metadata: { ...template.metadata, name: `${name}-dry-run` }, spec: template.spec },
      });
      const [container] = template.spec!.containers;
      expect(container!.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container!.resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      // `node dist/<process>/main.js`: the build (tsconfig.build.json, src -> dist) has it.
      const script = container!.command![1]!;
      expect(container!.command![0]).toBe('node');
      expect(
        existsSync(join(REPO_ROOT, script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))),
      ).toBe(true);
    },
  );

  test('the ConfigMap is a valid configuration that matches the RBAC, the ports and the probes', () => {
    const data = configMapData();
    // Credentials never go into the ConfigMap (the loader would reject them too).
    expect(Object.keys(data).filter((k) => /TOKEN|SECRET$|CLIENT_ID/.test(k))).toEqual([]);
    const { config } = loadConfig({ argv: [], env: data });
    expect(config.leaderElection).toMatchObject({
      enabled: true,
      leaseNamespace: NS,
      leaseName: LEASE,
    });
    // The Lease the controller uses is the one its Role names.
    const role = ofKind<k8s.V1Role>('Role', 'vpsie-autoscaler-controller-leader-election');
    expect(role.metadata!.namespace).toBe(config.leaderElection.leaseNamespace);
    expect(role.rules!.flatMap((r) => r.resourceNames ?? [])).toEqual([
      config.leaderElection.leaseName,
    ]);
    const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
    for (const name of ['vpsie-autoscaler-controller', 'vpsie-autoscaler-worker']) {
      const [container] = ofKind<k8s.V1Deployment>('Deployment', name).spec!.template.spec!
        .containers;
      const ports = Object.fromEntries(container!.ports!.map((p) => [p.name, p.containerPort]));
      expect(ports.metrics).toBe(port(config.metrics.bindAddress));
      if (name.endsWith('controller')) {
        expect(ports.health).toBe(port(config.health.bindAddress));
        expect(container!.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(container!.readinessProbe?.httpGet?.path).toBe('/readyz');
      } else {
        // The worker serves no health endpoint: its probes use /metrics.
        expect(container!.livenessProbe?.httpGet?.path).toBe('/metrics');
      }
      expect(container!.envFrom).toEqual([{ configMapRef: { name: 'vpsie-autoscaler-config' } }]);
    }
    // Only the worker gets the credentials, each from the Secret the configuration names.
    const workerEnv = ofKind<k8s.V1Deployment>('Deployment', 'vpsie-autoscaler-worker').spec!
      .template.spec!.containers[0]!.env!;
    expect(workerEnv.map((e) => e.name).sort()).toEqual(
      [
        'VPSIE_AUTOSCALER_VPSIE_BASE_URL',
        'VPSIE_AUTOSCALER_VPSIE_CLIENT_ID',
        'VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET',
        'VPSIE_AUTOSCALER_VPSIE_TOKEN',
      ].sort(),
    );
    for (const env of workerEnv) {
      expect(env.valueFrom?.secretKeyRef?.name).toBe(config.vpsie.secretName);
    }
    expect(config.vpsie.secretNamespace).toBe(NS);
    // The controller reads the offering list with the same credentials, from the same Secret.
    const controllerEnv = ofKind<k8s.V1Deployment>('Deployment', 'vpsie-autoscaler-controller')
      .spec!.template.spec!.containers[0]!.env;
    expect(controllerEnv).toEqual(workerEnv);
  });
});

describe('the real controller and worker, authenticated as these ServiceAccounts', () => {
  const processName = `rbac-${TEST_CLUSTER}`;
  const taskQueue = `rbac-${randomBytes(3).toString('hex')}`;
  let temporal: TestWorkflowEnvironment;
  let sim: VpsieSimulator;
  let dir: string;
  let namespace: string;
  let worker: AutoscalerProcess | undefined;
  let controller: AutoscalerProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vpsie-rbac-'));
    // NodeGroups in a namespace of their own, bound as docs/operations/deployment.md says: a
    // copy of the shipped RoleBinding.
    namespace = await createTestNamespace(kc, 'rbac-nodegroups');
    const binding = ofKind<k8s.V1RoleBinding>(
      'RoleBinding',
      'vpsie-autoscaler-worker-nodegroup-namespace',
    );
    await applyManifests(kc, [{ ...binding, metadata: { ...binding.metadata, namespace } }]);
    temporal = await createTemporalEnv();
    sim = await startVpsieSimulator({
      provisioningDelayMs: 500,
      cluster: { kubeconfigPath: testCluster().kubeconfig },
    });
    // The shipped configuration, less what only makes sense in a cluster (Temporal's address,
    // listen ports, the join endpoint): the same Lease namespace, Secret names and features.
    const shipped = { ...configMapData() };
    const local = [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_TASK_QUEUE',
      'METRICS_BIND_ADDRESS',
      'CONTROLLER_API_SERVER_ENDPOINT',
    ];
    for (const key of [...local, 'HEALTH_BIND_ADDRESS']) delete shipped[`VPSIE_AUTOSCALER_${key}`];
    const settings = (kubeconfig: string): AutoscalerSettings => ({
      temporalAddress: temporal.address,
      taskQueue,
      kubeconfig,
      vpsieBaseUrl: sim.url,
      // As the worker Deployment passes it: env from the Secret, never read through the API.
      vpsieToken: DEFAULT_SIMULATOR_TOKEN,
      env: {
        ...shipped,
        // Only this test's objects: the cluster is shared with other test files.
        VPSIE_AUTOSCALER_CONTROLLER_WATCH_NAMESPACE: namespace,
        VPSIE_AUTOSCALER_DEFAULT_SSH_KEY_IDS: SIM_SSH_KEYS.ops,
        // Scale-down passes every second, reading usage from metrics.k8s.io: the controller's
        // cluster-wide reads run many times during the test.
        VPSIE_AUTOSCALER_SCALING_UTILIZATION_SAMPLE_INTERVAL_SECONDS: '1',
        VPSIE_AUTOSCALER_FEATURES_METRICS_SERVER_UTILIZATION: 'true',
      },
    });
    worker = await startAutoscalerProcess(
      processName,
      'worker',
      settings(await serviceAccountKubeconfig(kc, WORKER, dir)),
    );
    controller = await startAutoscalerProcess(
      processName,
      'controller',
      settings(await serviceAccountKubeconfig(kc, CONTROLLER, dir)),
    );
    const polling = async () => {
      const queue = await temporal.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // workflow tasks
      });
      return (queue.pollers?.length ?? 0) > 0;
    };
    await waitForProcess(worker, 'the worker to poll its task queue', 90_000, polling);
    await waitForProcess(controller, 'the controller to be ready', 90_000, () =>
      httpOk(`${controller!.healthUrl}/readyz`),
    );
  });

  afterAll(async () => {
    await stopAutoscalerProcess(processName, 'controller');
    await stopAutoscalerProcess(processName, 'worker');
    await sim?.close();
    await temporal?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const custom = customObjects(kc);
  const vpsieNodeRef = (name: string) => ({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'vpsienodes',
    name,
  });
  const readOrUndefined = <T>(read: Promise<T>) =>
    read.catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });

  test('provision a node, then scale it down, without a refused request', async () => {
    const group = `rbac-${randomBytes(3).toString('hex')}`;
    const name = `${group}-0`;
    const taint = { key: 'dedicated', value: group, effect: 'NoSchedule' };
    // The SSH key Secret and the cloud-init ConfigMap, both read by the worker in the NodeGroup
    // namespace.
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'node-ssh-keys' },
        stringData: { 'oncall.pub': opensshEd25519('oncall@example') },
      },
    });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'node-bootstrap' },
        data: { 'user-data.hbs': DEFAULT_CLOUD_INIT_TEMPLATE },
      },
    });
    await createNodeGroup(kc, namespace, group, {
      taints: [taint],
      sshKeySecretRef: { name: 'node-ssh-keys', keys: ['oncall.pub'] },
      cloudInitTemplateRef: { name: 'node-bootstrap', key: 'user-data.hbs' },
      scaleDownPolicy: {
        cooldownSeconds: 0,
        drainTimeoutSeconds: 120,
        maxTerminationGracePeriodSeconds: 5,
        // Sampled by metrics.k8s.io usage: the controller reads node metrics each pass.
        utilizationSource: 'usage',
      },
    });
    await createVpsieNode(kc, namespace, name, group);

    // Provisioning: the controller saw the VPSieNode and started the workflow; the worker ran it.
    const provisioned = await eventually(
      `VPSieNode ${name} Ready or Failed`,
      async () => {
        const status = await readStatus(kc, namespace, 'vpsienodes', name);
        return status.phase === 'Ready' || status.phase === 'Failed' ? status : undefined;
      },
      120_000,
    );
    expect(provisioned).toMatchObject({ phase: 'Ready' });
    const node = await core.readNode({ name });
    expect(node.metadata?.finalizers).toContain(FINALIZERS.node);
    expect(node.spec?.taints).toEqual(expect.arrayContaining([taint]));
    const vpsieNode = (await custom.getNamespacedCustomObject(vpsieNodeRef(name))) as {
      metadata: { finalizers?: string[] };
    };
    expect(vpsieNode.metadata.finalizers).toContain(FINALIZERS.vpsieNode);
    const groupStatus = (await readStatus(kc, namespace, 'nodegroups', group)) as {
      conditions?: Array<{ type: string; status: string }>;
    };
    expect(groupStatus.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'SSHKeysResolved', status: 'True' }),
      ]),
    );
    // The one-time bootstrap token and the user-data Secret are gone again.
    await eventually('the bootstrap token and user-data Secret deleted', async () => {
      const tokens = await core.listNamespacedSecret({
        namespace: 'kube-system',
        labelSelector: `${LABELS.vpsieNode}=${name}`,
      });
      const userData = await readOrUndefined(
        core.readNamespacedSecret({ namespace, name: `${name}-user-data` }),
      );
      return tokens.items.length === 0 && userData === undefined ? true : undefined;
    });
    // The controller leads through its Lease in the autoscaler namespace.
    const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.readNamespacedLease({ name: LEASE, namespace: NS });
    expect(lease.spec?.holderIdentity).toBeTruthy();

    // A pod on the node, so the drain evicts something.
    const testGroup: TestGroup = { namespace, name: group, taint };
    await createGroupWorkload(kc, testGroup, `${group}-app`, { replicas: 1 });
    const pod = await eventually('the workload pod running on the node', async () => {
      const pods = await podsOfApp(kc, namespace, `${group}-app`);
      return pods.find((p) => p.spec?.nodeName === name && p.status?.phase === 'Running');
    });

    // The scale-down passes sample the node by usage: the controller may ask metrics.k8s.io,
    // which is not served here (no metrics-server), and is told so rather than refused.
    await eventually('a scale-down pass reading node metrics', async () =>
      readFileSync(controller!.logFile, 'utf8').includes('node metrics API is not served')
        ? true
        : undefined,
    );

    // Scale-down: deleting the VPSieNode goes through the removal controller and the workflow.
    await custom.deleteNamespacedCustomObject(vpsieNodeRef(name));
    await eventually(
      `VM, Node and VPSieNode ${name} gone`,
      async () => {
        const vmGone = sim.state.vmsByHostname(name).length === 0;
        const nodeGone = (await readOrUndefined(core.readNode({ name }))) === undefined;
        const objectGone =
          (await readOrUndefined(custom.getNamespacedCustomObject(vpsieNodeRef(name)))) ===
          undefined;
        return vmGone && nodeGone && objectGone ? true : undefined;
      },
      120_000,
    );
    const evicted = await readOrUndefined(
      core.readNamespacedPod({ namespace, name: pod.metadata!.name! }),
    );
    expect(evicted === undefined || evicted.metadata?.uid !== pod.metadata?.uid).toBe(true);
    // The workflow's last step, after the objects are gone: the event on the NodeGroup.
    await eventually('the ScaledDown event', async () => {
      const events = await kc
        .makeApiClient(k8s.EventsV1Api)
        .listNamespacedEvent({ namespace, fieldSelector: `regarding.name=${group}` });
      return events.items.some((e) => e.reason === 'ScaledDown') ? true : undefined;
    });

    // The scale-down passes (cluster-wide lists as the controller) succeeded, none failed.
    const metrics = await (await fetch(controller!.metricsUrl)).text();
    const reconciles = (result: string) =>
      sampleValue(metrics, 'vpsie_autoscaler_controller_reconcile_total', {
        controller: 'scale-down',
        result,
      }) ?? 0;
    expect(reconciles('success')).toBeGreaterThan(0);
    expect(reconciles('error')).toBe(0);

    // A graceful stop releases the Lease: the update of our Lease works as well.
    await stopAutoscalerProcess(processName, 'controller');
    const released = await coordination.readNamespacedLease({ name: LEASE, namespace: NS });
    expect(released.spec?.holderIdentity ?? '').toBe('');
    await stopAutoscalerProcess(processName, 'worker');

    // Not one request of either process was refused.
    const controllerLog = readFileSync(controller!.logFile, 'utf8');
    const workerLog = readFileSync(worker!.logFile, 'utf8');
    for (const [who, log] of [
      ['controller', controllerLog],
      ['worker', workerLog],
    ] as const) {
      const refusals = log.split('\n').filter((line) => /forbidden|\b403\b/i.test(line));
      expect({ who, refusals }).toEqual({ who, refusals: [] });
    }
  }, 300_000);
});
