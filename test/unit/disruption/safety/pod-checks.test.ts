// Checks about the node itself and the pods on it: protected, pdb, system_pods, no_controller,
// local_storage.
import { checkLocalStorage } from '../../../../src/disruption/safety/local-storage';
import { checkNoController } from '../../../../src/disruption/safety/no-controller';
import { checkPdb } from '../../../../src/disruption/safety/pdb';
import { checkProtected } from '../../../../src/disruption/safety/protected';
import { checkSystemPods } from '../../../../src/disruption/safety/system-pods';
import type { V1Pod, V1PodDisruptionBudget, V1Volume } from '@kubernetes/client-node';
import { node, pdb, pod, pv, safetyInput } from '../fixtures';

const candidate = node('candidate');
const onNode = (pods: V1Pod[], extra: { pdbs?: V1PodDisruptionBudget[] } = {}) =>
  safetyInput(candidate, { podsOnNode: pods }, extra);

const SAFE = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' };
const NOT_SAFE = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' };
const DO_NOT_DISRUPT = { 'karpenter.sh/do-not-disrupt': 'true' };

describe('protected', () => {
  test('passes for an ordinary node and pods', () => {
    expect(checkProtected(onNode([pod('web')]))).toEqual({ ok: true });
  });

  test.each([
    ['annotation', 'autoscaler.vpsie.com/protected'],
    ['annotation', 'autoscaler.vpsie.com/scale-down-disabled'],
    ['label', 'autoscaler.vpsie.com/protected'],
    ['label', 'autoscaler.vpsie.com/scale-down-disabled'],
    ['annotation', 'cluster-autoscaler.kubernetes.io/scale-down-disabled'],
    ['annotation', 'karpenter.sh/do-not-disrupt'],
  ])('node %s %s="true" blocks', (where, key) => {
    const marked = node(
      'candidate',
      where === 'label' ? { labels: { [key]: 'true' } } : { annotations: { [key]: 'true' } },
    );
    const result = checkProtected(safetyInput(marked));
    expect(result).toMatchObject({ ok: false, code: 'protected' });
    expect(!result.ok && result.message).toContain(`${where} ${key}="true"`);
  });

  test('only the value "true" protects', () => {
    const marked = node('candidate', {
      annotations: { 'autoscaler.vpsie.com/protected': 'false' },
    });
    expect(checkProtected(safetyInput(marked)).ok).toBe(true);
  });

  test('karpenter.sh/do-not-disrupt on a pod blocks and names the pod', () => {
    const result = checkProtected(onNode([pod('batch', { annotations: DO_NOT_DISRUPT })]));
    expect(result).toMatchObject({ ok: false, code: 'protected', pods: ['default/batch'] });
  });

  test('do-not-disrupt blocks on DaemonSet and mirror pods too, as in Karpenter', () => {
    const ds = pod('agent', { owner: 'DaemonSet', annotations: DO_NOT_DISRUPT });
    const mirror = pod('etcd', { mirror: true, annotations: DO_NOT_DISRUPT });
    expect(checkProtected(onNode([ds])).ok).toBe(false);
    expect(checkProtected(onNode([mirror])).ok).toBe(false);
  });

  test('do-not-disrupt on a finished pod does not block', () => {
    const done = pod('job', { owner: 'Job', phase: 'Succeeded', annotations: DO_NOT_DISRUPT });
    expect(checkProtected(onNode([done])).ok).toBe(true);
  });

  test('safe-to-evict "false" blocks, except on pods a drain never evicts', () => {
    expect(checkProtected(onNode([pod('db', { annotations: NOT_SAFE })]))).toMatchObject({
      ok: false,
      code: 'protected',
      pods: ['default/db'],
    });
    expect(
      checkProtected(onNode([pod('agent', { owner: 'DaemonSet', annotations: NOT_SAFE })])).ok,
    ).toBe(true);
  });
});

describe('pdb', () => {
  const web = (name: string) => pod(name, { labels: { app: 'web' } });

  test('passes when the budget allows the evictions', () => {
    const budgets = [pdb('web', { matchLabels: { app: 'web' }, disruptionsAllowed: 1 })];
    expect(checkPdb(onNode([web('web-1')], { pdbs: budgets }))).toEqual({ ok: true });
  });

  test('blocks when a budget allows no disruption', () => {
    const budgets = [pdb('web', { matchLabels: { app: 'web' }, disruptionsAllowed: 0 })];
    const result = checkPdb(onNode([web('web-1')], { pdbs: budgets }));
    expect(result).toMatchObject({ ok: false, code: 'pdb', pods: ['default/web-1'] });
    expect(!result.ok && result.message).toContain('PDB default/web allows 0 disruption(s)');
  });

  test('blocks when the node holds more covered pods than the budget allows', () => {
    const budgets = [pdb('web', { matchLabels: { app: 'web' }, disruptionsAllowed: 1 })];
    expect(checkPdb(onNode([web('web-1'), web('web-2')], { pdbs: budgets })).ok).toBe(false);
  });

  test('a budget the disruption controller has not evaluated allows nothing', () => {
    const budgets = [pdb('web', { matchLabels: { app: 'web' }, noStatus: true })];
    expect(checkPdb(onNode([web('web-1')], { pdbs: budgets })).ok).toBe(false);
  });

  test('budgets of other namespaces or other labels do not apply', () => {
    const budgets = [
      pdb('web', { namespace: 'other', matchLabels: { app: 'web' }, disruptionsAllowed: 0 }),
      pdb('db', { matchLabels: { app: 'db' }, disruptionsAllowed: 0 }),
    ];
    expect(checkPdb(onNode([web('web-1')], { pdbs: budgets })).ok).toBe(true);
  });

  test('an empty selector covers the whole namespace', () => {
    const budgets = [pdb('all', { disruptionsAllowed: 0 })];
    expect(checkPdb(onNode([pod('anything')], { pdbs: budgets })).ok).toBe(false);
  });

  test('DaemonSet, mirror and finished pods are not evicted, so budgets on them do not matter', () => {
    const budgets = [pdb('all', { disruptionsAllowed: 0 })];
    const pods = [
      pod('agent', { owner: 'DaemonSet' }),
      pod('static', { mirror: true }),
      pod('done', { phase: 'Failed' }),
    ];
    expect(checkPdb(onNode(pods, { pdbs: budgets })).ok).toBe(true);
  });

  test('safe-to-evict "true" does not override a budget: the Eviction API enforces it', () => {
    const budgets = [pdb('all', { disruptionsAllowed: 0 })];
    expect(checkPdb(onNode([pod('web', { annotations: SAFE })], { pdbs: budgets })).ok).toBe(false);
  });

  test('a pod covered by two budgets blocks: the Eviction API refuses it', () => {
    const budgets = [
      pdb('a', { matchLabels: { app: 'web' }, disruptionsAllowed: 5 }),
      pdb('b', { matchLabels: { app: 'web' }, disruptionsAllowed: 5 }),
    ];
    const result = checkPdb(onNode([web('web-1')], { pdbs: budgets }));
    expect(!result.ok && result.message).toContain('covered by 2 PDBs');
  });
});

describe('system_pods', () => {
  const system = (name: string, extra = {}) => pod(name, { namespace: 'kube-system', ...extra });

  test('a kube-system pod with a PDB passes', () => {
    const budgets = [pdb('dns', { namespace: 'kube-system', matchLabels: { app: 'dns' } })];
    expect(
      checkSystemPods(onNode([system('dns', { labels: { app: 'dns' } })], { pdbs: budgets })).ok,
    ).toBe(true);
  });

  test('a kube-system pod without a PDB blocks', () => {
    expect(checkSystemPods(onNode([system('metrics-server')]))).toMatchObject({
      ok: false,
      code: 'system_pods',
      pods: ['kube-system/metrics-server'],
    });
  });

  test('a PDB in another namespace does not count', () => {
    const budgets = [pdb('all', { namespace: 'default' })];
    expect(checkSystemPods(onNode([system('metrics-server')], { pdbs: budgets })).ok).toBe(false);
  });

  test('DaemonSet and mirror pods in kube-system do not block', () => {
    const pods = [
      system('kube-proxy', { owner: 'DaemonSet' }),
      system('apiserver', { mirror: true }),
    ];
    expect(checkSystemPods(onNode(pods)).ok).toBe(true);
  });

  test('safe-to-evict "true" lifts it; pods outside kube-system never trigger it', () => {
    expect(checkSystemPods(onNode([system('metrics-server', { annotations: SAFE })])).ok).toBe(
      true,
    );
    expect(checkSystemPods(onNode([pod('web')])).ok).toBe(true);
  });
});

describe('no_controller', () => {
  test('pods with a controller pass', () => {
    const pods = [pod('a', { owner: 'ReplicaSet' }), pod('b', { owner: 'StatefulSet' })];
    expect(checkNoController(onNode(pods))).toEqual({ ok: true });
  });

  test('a bare pod blocks', () => {
    expect(checkNoController(onNode([pod('debug', { owner: 'none' })]))).toMatchObject({
      ok: false,
      code: 'no_controller',
      pods: ['default/debug'],
    });
  });

  test('an owner that is not the controller does not count', () => {
    const owned = pod('x', { owner: 'none' });
    owned.metadata!.ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u' },
    ];
    expect(checkNoController(onNode([owned])).ok).toBe(false);
  });

  test('mirror pods (owned by the Node, no controller) and finished pods do not block', () => {
    const pods = [
      pod('static', { mirror: true }),
      pod('done', { owner: 'none', phase: 'Succeeded' }),
    ];
    expect(checkNoController(onNode(pods)).ok).toBe(true);
  });

  test('safe-to-evict "true" lifts it', () => {
    expect(checkNoController(onNode([pod('debug', { owner: 'none', annotations: SAFE })])).ok).toBe(
      true,
    );
  });
});

describe('local_storage', () => {
  const withVolumes = (volumes: V1Volume[], annotations = {}) =>
    pod('app', { volumes, annotations });
  const check = (p: V1Pod, pvsByClaim = {}) =>
    checkLocalStorage(safetyInput(candidate, { podsOnNode: [p] }, { pvsByClaim }));

  test('network and memory-backed volumes pass', () => {
    const p = withVolumes([
      { name: 'config', configMap: { name: 'c' } },
      { name: 'scratch', emptyDir: { medium: 'Memory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    ]);
    expect(check(p, { 'default/data': pv('pv-net') })).toEqual({ ok: true });
  });

  test('hostPath blocks and names the volume', () => {
    const result = check(withVolumes([{ name: 'logs', hostPath: { path: '/var/log' } }]));
    expect(result).toMatchObject({ ok: false, code: 'local_storage', pods: ['default/app'] });
    expect(!result.ok && result.message).toContain('default/app (logs)');
  });

  test('a disk-backed emptyDir blocks', () => {
    expect(check(withVolumes([{ name: 'cache', emptyDir: {} }])).ok).toBe(false);
  });

  test('a claim bound to a local or hostPath PV blocks', () => {
    const p = withVolumes([{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }]);
    expect(check(p, { 'default/data': pv('pv-local', { kind: 'local' }) }).ok).toBe(false);
    expect(check(p, { 'default/data': pv('pv-host', { kind: 'hostPath' }) }).ok).toBe(false);
  });

  test('a generic ephemeral volume is looked up by the claim Kubernetes creates for it', () => {
    const p = withVolumes([{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }]);
    expect(check(p, { 'default/app-scratch': pv('pv-local', { kind: 'local' }) }).ok).toBe(false);
    expect(check(p, { 'default/app-scratch': pv('pv-net') }).ok).toBe(true);
  });

  test('safe-to-evict-local-volumes lists the volumes whose loss is accepted', () => {
    const volumes = [
      { name: 'cache', emptyDir: {} },
      { name: 'logs', hostPath: { path: '/var/log' } },
    ];
    const key = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';
    expect(check(withVolumes(volumes, { [key]: 'cache,logs' })).ok).toBe(true);
    expect(check(withVolumes(volumes, { [key]: 'cache, logs' })).ok).toBe(true);
    const partly = check(withVolumes(volumes, { [key]: 'cache' }));
    expect(!partly.ok && partly.message).toContain('default/app (logs)');
  });

  test('safe-to-evict "true" lifts it for the pod; DaemonSet pods never trigger it', () => {
    const volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
    expect(check(withVolumes(volumes, SAFE)).ok).toBe(true);
    expect(check(pod('agent', { owner: 'DaemonSet', volumes })).ok).toBe(true);
  });
});
