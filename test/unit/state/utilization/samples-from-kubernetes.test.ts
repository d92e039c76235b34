import type { NodeMetric, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  NodeSampleStore,
  SampleInputError,
  requestsSample,
  usageSample,
  type NodeMetricsShape,
  type PodShape,
} from '../../../../src/state/utilization';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const allocatable = { cpu: '4', memory: '8Gi', pods: '110' };

function podRequesting(cpu: string, memory: string, extra: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: { name: `p-${cpu}-${memory}`, namespace: 'default', ...extra.metadata },
    spec: {
      containers: [{ name: 'app', resources: { requests: { cpu, memory } } }],
      ...extra.spec,
    },
    status: { phase: 'Running', ...extra.status },
  };
}

const daemonSetPod = podRequesting('1', '2Gi', {
  metadata: {
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true },
    ],
  },
});
const mirrorPod = podRequesting('1', '1Gi', {
  metadata: { annotations: { 'kubernetes.io/config.mirror': 'hash' } },
});

describe('requestsSample', () => {
  test('ratios of summed requests to allocatable, stamped with the given time', () => {
    const sample = requestsSample(
      allocatable,
      [podRequesting('500m', '1Gi'), podRequesting('1500m', '3Gi')],
      {
        timestampMs: NOW,
      },
    );
    expect(sample).toEqual({ timestampMs: NOW, cpu: 0.5, memory: 0.5 });
  });

  test('an empty node samples as zero', () => {
    expect(requestsSample(allocatable, [], { timestampMs: NOW })).toEqual({
      timestampMs: NOW,
      cpu: 0,
      memory: 0,
    });
  });

  test('Succeeded and Failed pods are skipped; Pending pods bound to the node count', () => {
    const pods = [
      podRequesting('1', '1Gi', { status: { phase: 'Succeeded' } }),
      podRequesting('1', '1Gi', { status: { phase: 'Failed' } }),
      podRequesting('1', '2Gi', { status: { phase: 'Pending' } }),
    ];
    expect(requestsSample(allocatable, pods, { timestampMs: NOW })).toMatchObject({
      cpu: 0.25,
      memory: 0.25,
    });
  });

  test('DaemonSet and mirror pods count by default, as in Cluster Autoscaler', () => {
    const sample = requestsSample(allocatable, [daemonSetPod, mirrorPod], { timestampMs: NOW });
    expect(sample).toMatchObject({ cpu: 0.5, memory: 3 / 8 });
  });

  test('ignoring DaemonSet pods takes their requests out of allocatable too', () => {
    const app = podRequesting('1', '2Gi');
    const sample = requestsSample(allocatable, [daemonSetPod, app], {
      timestampMs: NOW,
      ignoreDaemonSetPods: true,
    });
    // cpu: 1 / (4 - 1); memory: 2Gi / (8Gi - 2Gi)
    expect(sample.cpu).toBeCloseTo(1 / 3, 12);
    expect(sample.memory).toBeCloseTo(1 / 3, 12);
  });

  test('ignoring mirror pods likewise; each option only affects its own kind', () => {
    const options = { timestampMs: NOW, ignoreMirrorPods: true };
    const sample = requestsSample(allocatable, [daemonSetPod, mirrorPod], options);
    expect(sample.cpu).toBeCloseTo(1 / 3, 12);
    expect(sample.memory).toBeCloseTo(2 / 7, 12);
  });

  test('pods terminating longer than grace + 30 s no longer count; recent deletions still do', () => {
    const deleted = (secondsAgo: number) =>
      podRequesting('1', '1Gi', {
        metadata: { deletionTimestamp: new Date(NOW - secondsAgo * 1000) },
        spec: {
          containers: [{ name: 'app', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
          terminationGracePeriodSeconds: 30,
        },
      });
    expect(requestsSample(allocatable, [deleted(61)], { timestampMs: NOW }).cpu).toBe(0);
    expect(requestsSample(allocatable, [deleted(59)], { timestampMs: NOW }).cpu).toBe(0.25);
  });

  test('accepts any iterable of pods, e.g. an informer cache values()', () => {
    const pods = new Map([['a', podRequesting('2', '4Gi')]]);
    expect(requestsSample(allocatable, pods.values(), { timestampMs: NOW })).toMatchObject({
      cpu: 0.5,
      memory: 0.5,
    });
  });

  test('the full V1Node/V1Pod objects of @kubernetes/client-node fit', () => {
    const node: V1Node = { metadata: { name: 'n1' }, status: { allocatable } };
    const sample = requestsSample(node.status?.allocatable, [podRequesting('1', '1Gi')], {
      timestampMs: NOW,
    });
    const store = new NodeSampleStore(12);
    store.addSample('n1', sample);
    expect(store.series('n1')?.cpuAt(0)).toBe(0.25);
  });

  test.each([
    [undefined, /node allocatable has no cpu/],
    [{ memory: '8Gi' }, /node allocatable has no cpu/],
    [{ cpu: '4' }, /node allocatable has no memory/],
    [{ cpu: '0', memory: '8Gi' }, /node allocatable cpu is 0; it must be > 0/],
    [{ cpu: '4', memory: '0Gi' }, /node allocatable memory is 0Gi/],
    [{ cpu: 'four', memory: '8Gi' }, /node allocatable cpu: invalid Kubernetes quantity "four"/],
  ])('allocatable %j cannot be judged: SampleInputError', (nodeAllocatable, message) => {
    const attempt = () => requestsSample(nodeAllocatable, [], { timestampMs: NOW });
    expect(attempt).toThrow(SampleInputError);
    expect(attempt).toThrow(message);
  });

  test('ignored pods requesting all allocatable leave nothing to divide by', () => {
    const huge = podRequesting('4', '1Gi', {
      metadata: { annotations: { 'kubernetes.io/config.mirror': 'x' } },
    });
    expect(() =>
      requestsSample(allocatable, [huge], { timestampMs: NOW, ignoreMirrorPods: true }),
    ).toThrow('ignored DaemonSet/mirror pods request all allocatable cpu (4 of 4)');
  });

  test('a malformed pod quantity surfaces as SampleInputError naming the pod', () => {
    const broken: PodShape = {
      metadata: { name: 'bad', namespace: 'ns' },
      spec: { containers: [{ name: 'x', resources: { requests: { memory: '1 Gi' } } }] },
    };
    expect(() => requestsSample(allocatable, [broken], { timestampMs: NOW })).toThrow(
      /pod ns\/bad: container x requests.memory/,
    );
  });
});

describe('usageSample', () => {
  const metrics = (
    usage: NodeMetricsShape['usage'],
    timestamp = '2025-06-01T12:00:00Z',
  ): NodeMetricsShape => ({ metadata: { name: 'n1' }, timestamp, usage });

  test('the NodeMetric objects of @kubernetes/client-node fit', () => {
    const item: NodeMetric = {
      metadata: { name: 'n1', selfLink: '', creationTimestamp: '' },
      timestamp: '2025-06-01T12:00:00Z',
      window: '20.05s',
      usage: { cpu: '2', memory: '4Gi' },
    };
    expect(usageSample(allocatable, item)).toEqual({ timestampMs: NOW, cpu: 0.5, memory: 0.5 });
  });

  test('usage over allocatable, stamped with the time metrics-server measured it', () => {
    const sample = usageSample(allocatable, metrics({ cpu: '1000000000n', memory: '2Gi' }));
    expect(sample).toEqual({ timestampMs: NOW, cpu: 0.25, memory: 0.25 });
  });

  test('metrics-server units: nanocores and kibibytes', () => {
    const sample = usageSample(
      { cpu: '2', memory: '4Gi' },
      metrics({ cpu: '250000000n', memory: '1048576Ki' }),
    );
    expect(sample.cpu).toBeCloseTo(0.125, 12);
    expect(sample.memory).toBe(0.25);
  });

  test('usage above allocatable gives a ratio above 1, which is kept', () => {
    expect(
      usageSample({ cpu: '1', memory: '1Gi' }, metrics({ cpu: '1500m', memory: '1Gi' })).cpu,
    ).toBe(1.5);
  });

  test('sub-second RFC 3339 timestamps keep their milliseconds', () => {
    const sample = usageSample(
      allocatable,
      metrics({ cpu: '1', memory: '1Gi' }, '2025-06-01T12:00:00.250Z'),
    );
    expect(sample.timestampMs).toBe(NOW + 250);
  });

  test.each([
    [
      metrics({ cpu: '1', memory: '1Gi' }, 'not a time'),
      /NodeMetrics n1: timestamp "not a time" is not an RFC 3339 time/,
    ],
    [metrics({ memory: '1Gi' }), /NodeMetrics n1: usage has no cpu/],
    [metrics({ cpu: '1' }), /NodeMetrics n1: usage has no memory/],
    [
      metrics({ cpu: 'x', memory: '1Gi' }),
      /NodeMetrics n1: usage.cpu: invalid Kubernetes quantity "x"/,
    ],
    [metrics({ cpu: '-1', memory: '1Gi' }), /NodeMetrics n1: usage.cpu is negative \(-1\)/],
  ])('unusable metrics throw SampleInputError (%#)', (nodeMetrics, message) => {
    expect(() => usageSample(allocatable, nodeMetrics)).toThrow(SampleInputError);
    expect(() => usageSample(allocatable, nodeMetrics)).toThrow(message);
  });

  test('missing allocatable is an error here too', () => {
    expect(() => usageSample({ cpu: '4' }, metrics({ cpu: '1', memory: '1Gi' }))).toThrow(
      /no memory/,
    );
  });

  test('an unnamed metrics item is still identified', () => {
    expect(() => usageSample(allocatable, { timestamp: 'x', usage: {} })).toThrow(
      /NodeMetrics \(unnamed\)/,
    );
  });

  test('polling the same reading twice replaces the sample in the store instead of adding one', () => {
    const store = new NodeSampleStore(12);
    const reading = metrics({ cpu: '1', memory: '1Gi' });
    store.addSample('n1', usageSample(allocatable, reading));
    store.addSample('n1', usageSample(allocatable, reading));
    expect(store.series('n1')?.size).toBe(1);
  });
});
