import {
  SAFETY_CHECK_CODES,
  SAFETY_CHECKS,
  runSafetyChecks,
  type SafetyInput,
} from '../../../../src/disruption';
import { SAFETY_CHECK_TYPES } from '../../../../src/metrics/label-values';
import { MINUTE, NOW, antiAffinity, node, pdb, pod, safetyInput } from '../fixtures';

test('the codes are exactly the check_type label values of the metrics', () => {
  expect([...SAFETY_CHECK_CODES].sort()).toEqual([...SAFETY_CHECK_TYPES].sort());
  expect(new Set(SAFETY_CHECK_CODES).size).toBe(SAFETY_CHECK_CODES.length);
  expect(Object.keys(SAFETY_CHECKS).sort()).toEqual([...SAFETY_CHECK_CODES].sort());
});

test('a node whose pods fit elsewhere, in a calm cluster, is safe to remove', () => {
  const input = safetyInput(node('candidate'), {
    podsOnNode: [pod('web', { cpu: '500m', memory: '512Mi' })],
    others: [node('other')],
  });
  expect(runSafetyChecks(input)).toEqual({ ok: true, failures: [] });
});

/** Every check fails at once: proves none short-circuits and fixes the report order. */
function everythingWrong(): SafetyInput {
  const candidate = node('candidate', {
    annotations: { 'autoscaler.vpsie.com/protected': 'true' },
  });
  const unready = Array.from({ length: 4 }, (_, i) => node(`down-${i}`, { ready: false }));
  return safetyInput(
    candidate,
    {
      podsOnNode: [
        pod('guarded', { labels: { app: 'guarded' } }), // pdb
        pod('dns', { namespace: 'kube-system' }), // system_pods
        pod('debug', { owner: 'none' }), // no_controller
        pod('cache', { volumes: [{ name: 'c', hostPath: { path: '/c' } }] }), // local_storage
        pod('huge', { cpu: '100' }), // cannot_reschedule, capacity
        pod('web-2', { labels: { app: 'web' }, affinity: antiAffinity({ app: 'web' }) }), // anti_affinity
      ],
      others: [node('survivor'), ...unready], // cluster_health: 4 of 6 unready
      otherPods: [pod('web-1', { node: 'survivor', labels: { app: 'web' } })],
    },
    {
      pdbs: [pdb('guarded', { matchLabels: { app: 'guarded' }, disruptionsAllowed: 0 })],
      group: {
        minNodes: 10,
        currentNodes: ['candidate', 'survivor'],
        deletingNodes: [],
        pause: { paused: true, reason: 'incident' },
        cooldowns: { lastScaleUpMs: NOW - MINUTE },
        maintenanceWindows: [{ days: ['Sun'], start: '01:00', end: '02:00' }],
      },
    },
  );
}

test('runs every check and reports every failure in priority order', () => {
  const result = runSafetyChecks(everythingWrong());
  expect(result.ok).toBe(false);
  expect(result.failures.map((f) => f.code)).toEqual([...SAFETY_CHECK_CODES]);
  expect(!result.ok && result.blocking).toBe(result.failures[0]);
  expect(!result.ok && result.blocking.code).toBe('paused');
});

test('the blocking reason is the first failing check in priority order', () => {
  const input = everythingWrong();
  input.group = { ...input.group, pause: undefined, maintenanceWindows: undefined };
  const result = runSafetyChecks(input);
  expect(!result.ok && result.blocking.code).toBe('cluster_health');
  expect(result.failures.map((f) => f.code)).not.toContain('paused');
  expect(result.failures.map((f) => f.code)).not.toContain('maintenance_window');
});

test('checks the configuration turns off (skipNodesWith*: false) are not run', () => {
  const input = { ...everythingWrong(), skip: ['local_storage', 'system_pods'] as const };
  const codes = runSafetyChecks(input).failures.map((f) => f.code);
  expect(codes).toEqual(
    SAFETY_CHECK_CODES.filter((c) => c !== 'local_storage' && c !== 'system_pods'),
  );
});

test('DaemonSet and mirror pods never block and are never moved', () => {
  const hostPath = [{ name: 'root', hostPath: { path: '/' } }];
  const input = safetyInput(node('candidate'), {
    podsOnNode: [
      pod('kube-proxy', {
        namespace: 'kube-system',
        owner: 'DaemonSet',
        cpu: '100',
        volumes: hostPath,
      }),
      pod('etcd', {
        namespace: 'kube-system',
        mirror: true,
        cpu: '100',
        volumes: hostPath,
        annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
      }),
    ],
  });
  input.pdbs = [pdb('everything', { namespace: 'kube-system', disruptionsAllowed: 0 })];
  expect(runSafetyChecks(input)).toEqual({ ok: true, failures: [] });
});

test('Succeeded and Failed pods are ignored', () => {
  const input = safetyInput(node('candidate'), {
    podsOnNode: [
      pod('report', {
        owner: 'none',
        phase: 'Succeeded',
        cpu: '100',
        volumes: [{ name: 'x', emptyDir: {} }],
      }),
      pod('crashed', { namespace: 'kube-system', phase: 'Failed' }),
    ],
  });
  expect(runSafetyChecks(input)).toEqual({ ok: true, failures: [] });
});

test('safe-to-evict "true" lifts the soft blockers but not the hard ones', () => {
  const safe = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' };
  const input = safetyInput(node('candidate'), {
    podsOnNode: [
      pod('debug', {
        namespace: 'kube-system',
        owner: 'none',
        annotations: safe,
        volumes: [{ name: 'scratch', emptyDir: {} }],
        cpu: '100',
      }),
    ],
  });
  const codes = runSafetyChecks(input).failures.map((f) => f.code);
  expect(codes).not.toContain('system_pods');
  expect(codes).not.toContain('no_controller');
  expect(codes).not.toContain('local_storage');
  expect(codes).toEqual(['cannot_reschedule', 'capacity']);
});
