import {
  SampleInputError,
  isDaemonSetPod,
  isLongTerminating,
  isMirrorPod,
  isTerminal,
  podRequest,
  type ContainerShape,
  type PodShape,
} from '../../../../src/state/utilization';

const MiB = 1024 ** 2;

const container = (cpu?: string, memory?: string, restartPolicy?: string): ContainerShape => ({
  name: 'c',
  resources: {
    requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) },
  },
  ...(restartPolicy ? { restartPolicy } : {}),
});

const pod = (spec: PodShape['spec'], metadata: PodShape['metadata'] = {}): PodShape => ({
  metadata: { name: 'p', namespace: 'ns', ...metadata },
  spec,
});

describe('podRequest (the scheduler rule)', () => {
  test('sums regular containers', () => {
    const p = pod({ containers: [container('100m', '64Mi'), container('250m', '128Mi')] });
    expect(podRequest(p, 'cpu')).toBeCloseTo(0.35, 12);
    expect(podRequest(p, 'memory')).toBe(192 * MiB);
  });

  test('containers without requests, or pods without spec, request nothing', () => {
    expect(podRequest(pod({ containers: [{ name: 'bare' }, container()] }), 'cpu')).toBe(0);
    expect(podRequest({}, 'memory')).toBe(0);
  });

  test('an init container larger than the app containers sets the request', () => {
    const p = pod({
      initContainers: [container('2', '1Gi'), container('500m', '10Mi')],
      containers: [container('1', '512Mi')],
    });
    expect(podRequest(p, 'cpu')).toBe(2);
    expect(podRequest(p, 'memory')).toBe(1024 * MiB);
  });

  test('init containers smaller than the app containers do not add to them', () => {
    const p = pod({
      initContainers: [container('100m')],
      containers: [container('1'), container('1')],
    });
    expect(podRequest(p, 'cpu')).toBe(2);
  });

  test('sidecars (restartPolicy Always) add to the running sum and to later init containers', () => {
    const p = pod({
      initContainers: [
        container('100m', undefined, 'Always'), // sidecar: runs throughout
        container('1'), // runs next to the sidecar: peak 1.1
        container('200m', undefined, 'Always'), // second sidecar
      ],
      containers: [container('500m')],
    });
    // running: 0.5 + 0.1 + 0.2 = 0.8; init peak: max(0.1, 1 + 0.1, 0.3) = 1.1
    expect(podRequest(p, 'cpu')).toBeCloseTo(1.1, 12);
  });

  test('sidecars raise the running sum above the init peak', () => {
    const p = pod({
      initContainers: [container('300m'), container('400m', undefined, 'Always')],
      containers: [container('500m')],
    });
    expect(podRequest(p, 'cpu')).toBeCloseTo(0.9, 12);
  });

  test('RuntimeClass overhead is added', () => {
    const p = pod({
      containers: [container('1', '1Gi')],
      overhead: { cpu: '250m', memory: '120Mi' },
    });
    expect(podRequest(p, 'cpu')).toBe(1.25);
    expect(podRequest(p, 'memory')).toBe(1144 * MiB);
  });

  test('a pod-level request replaces the containers for that resource only, then overhead adds', () => {
    const p = pod({
      resources: { requests: { cpu: '3' } },
      containers: [container('1', '1Gi')],
      overhead: { cpu: '100m' },
    });
    expect(podRequest(p, 'cpu')).toBeCloseTo(3.1, 12);
    expect(podRequest(p, 'memory')).toBe(1024 * MiB);
  });

  test('numbers are accepted as quantities', () => {
    expect(podRequest(pod({ containers: [{ resources: { requests: { cpu: 2 } } }] }), 'cpu')).toBe(
      2,
    );
  });

  test('a malformed quantity names the pod, the container and the resource', () => {
    const p = pod({ containers: [{ name: 'app', resources: { requests: { cpu: 'lots' } } }] });
    expect(() => podRequest(p, 'cpu')).toThrow(SampleInputError);
    expect(() => podRequest(p, 'cpu')).toThrow(
      'pod ns/p: container app requests.cpu: invalid Kubernetes quantity "lots"',
    );
    // The other resource is unaffected.
    expect(podRequest(p, 'memory')).toBe(0);
  });

  test('negative requests and overheads are rejected', () => {
    expect(() => podRequest(pod({ containers: [container('-1')] }), 'cpu')).toThrow(/is negative/);
    expect(() =>
      podRequest(pod({ containers: [], overhead: { memory: '-1Mi' } }), 'memory'),
    ).toThrow('pod ns/p: spec.overhead.memory is negative (-1Mi)');
  });

  test('an unnamed pod is still identified in messages', () => {
    expect(() => podRequest({ spec: { containers: [container('x')] } }, 'cpu')).toThrow(
      /^pod \(no namespace\)\/\(unnamed\): /,
    );
  });
});

describe('pod kinds', () => {
  test('isTerminal: Succeeded and Failed only', () => {
    expect(isTerminal({ status: { phase: 'Succeeded' } })).toBe(true);
    expect(isTerminal({ status: { phase: 'Failed' } })).toBe(true);
    for (const phase of ['Pending', 'Running', 'Unknown', undefined]) {
      expect(isTerminal({ status: { phase } })).toBe(false);
    }
    expect(isTerminal({})).toBe(false);
  });

  test('isMirrorPod: the kubelet mirror annotation, whatever its value', () => {
    expect(
      isMirrorPod({ metadata: { annotations: { 'kubernetes.io/config.mirror': 'abc' } } }),
    ).toBe(true);
    expect(isMirrorPod({ metadata: { annotations: { other: 'x' } } })).toBe(false);
    expect(isMirrorPod({})).toBe(false);
  });

  test('isDaemonSetPod: controlling owner of kind DaemonSet, or the CA annotation', () => {
    expect(
      isDaemonSetPod({ metadata: { ownerReferences: [{ kind: 'DaemonSet', controller: true }] } }),
    ).toBe(true);
    // An owner that is not the controller does not make it a DaemonSet pod.
    expect(isDaemonSetPod({ metadata: { ownerReferences: [{ kind: 'DaemonSet' }] } })).toBe(false);
    expect(
      isDaemonSetPod({ metadata: { ownerReferences: [{ kind: 'ReplicaSet', controller: true }] } }),
    ).toBe(false);
    const annotated = (value: string): PodShape => ({
      metadata: { annotations: { 'cluster-autoscaler.kubernetes.io/daemonset-pod': value } },
    });
    expect(isDaemonSetPod(annotated('true'))).toBe(true);
    expect(isDaemonSetPod(annotated('false'))).toBe(false);
  });

  describe('isLongTerminating: deleted longer ago than grace + 30 s', () => {
    const deletedAt = Date.parse('2025-01-01T00:00:00Z');
    const deleted = (grace?: number, when: Date | string = new Date(deletedAt)): PodShape => ({
      metadata: { deletionTimestamp: when },
      spec: grace === undefined ? {} : { terminationGracePeriodSeconds: grace },
    });

    test('a pod that is not being deleted is not', () => {
      expect(isLongTerminating({}, deletedAt + 10 ** 9)).toBe(false);
    });

    test('default grace 30 s: long terminating strictly after 60 s', () => {
      expect(isLongTerminating(deleted(), deletedAt + 60_000)).toBe(false);
      expect(isLongTerminating(deleted(), deletedAt + 60_001)).toBe(true);
    });

    test('explicit grace period, and RFC 3339 strings as raw JSON has them', () => {
      expect(isLongTerminating(deleted(300, '2025-01-01T00:00:00Z'), deletedAt + 330_000)).toBe(
        false,
      );
      expect(isLongTerminating(deleted(300, '2025-01-01T00:00:00Z'), deletedAt + 330_001)).toBe(
        true,
      );
      expect(isLongTerminating(deleted(0), deletedAt + 30_001)).toBe(true);
    });

    test('an unreadable deletion time counts the pod (the safe side)', () => {
      expect(isLongTerminating(deleted(0, 'yesterday'), deletedAt + 10 ** 9)).toBe(false);
    });
  });
});
