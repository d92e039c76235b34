import { NodeSampleStore } from '../../../src/state/utilization';
import { recordSamplingRound } from '../../../src/state/utilization/sampling-round';

const T0 = Date.parse('2025-06-04T12:00:00Z');

const pod = (cpu: string, memory: string) => ({
  spec: { containers: [{ resources: { requests: { cpu, memory } } }] },
  status: { phase: 'Running' },
});

const allocatable = { cpu: '4', memory: '8Gi' };

test('each listed node gets its requests / allocatable sample', () => {
  const store = new NodeSampleStore(10);
  const result = recordSamplingRound(
    store,
    [
      { name: 'busy', allocatable },
      { name: 'empty', allocatable },
    ],
    new Map([['busy', [pod('3', '2Gi'), pod('500m', '1Gi')]]]),
    { timestampMs: T0 },
  );
  expect(result).toEqual({
    recorded: 2,
    recordedUsage: 0,
    dropped: 0,
    fallbacks: [],
    failures: [],
  });
  const busy = store.series('busy')!;
  expect([busy.timestampAt(0), busy.cpuAt(0), busy.memoryAt(0)]).toEqual([T0, 0.875, 0.375]);
  const empty = store.series('empty')!;
  expect([empty.cpuAt(0), empty.memoryAt(0)]).toEqual([0, 0]);
});

test('nodes no longer listed lose their samples', () => {
  const store = new NodeSampleStore(10);
  const nodes = [
    { name: 'a', allocatable },
    { name: 'b', allocatable },
  ];
  recordSamplingRound(store, nodes, new Map(), { timestampMs: T0 });
  const result = recordSamplingRound(store, [nodes[0]!], new Map(), { timestampMs: T0 + 60_000 });
  expect(result).toMatchObject({ recorded: 1, dropped: 1 });
  expect([...store.nodeNames()]).toEqual(['a']);
  expect(store.series('a')!.size).toBe(2);
});

test('a node that cannot be measured is reported, keeps its history and gets no sample', () => {
  const store = new NodeSampleStore(10);
  recordSamplingRound(store, [{ name: 'a', allocatable }], new Map(), { timestampMs: T0 });
  const result = recordSamplingRound(
    store,
    [
      { name: 'a', allocatable: { cpu: '4' } },
      { name: 'new', allocatable: undefined },
    ],
    new Map(),
    { timestampMs: T0 + 60_000 },
  );
  expect(result.recorded).toBe(0);
  expect(result.failures.map((f) => f.node)).toEqual(['a', 'new']);
  expect(result.failures[0]!.message).toMatch(/memory/);
  expect(store.series('a')!.size).toBe(1);
  expect(store.has('new')).toBe(false);
});

test('a clock that went back is reported for the node instead of failing the round', () => {
  const store = new NodeSampleStore(10);
  recordSamplingRound(store, [{ name: 'a', allocatable }], new Map(), { timestampMs: T0 });
  const result = recordSamplingRound(
    store,
    [
      { name: 'a', allocatable },
      { name: 'b', allocatable },
    ],
    new Map(),
    { timestampMs: T0 - 1_000 },
  );
  expect(result.recorded).toBe(1);
  expect(result.failures).toEqual([{ node: 'a', message: expect.stringMatching(/go back/) }]);
});

describe('usage-based nodes', () => {
  const metrics = (timestamp: string, cpu: string, memory: string) => ({
    timestamp,
    usage: { cpu, memory },
  });
  const at = (ms: number) => new Date(ms).toISOString();
  const nodes = [
    { name: 'u', allocatable, source: 'usage' as const },
    { name: 'r', allocatable, source: 'requests' as const },
  ];
  const pods = new Map([
    ['u', [pod('2', '4Gi')]],
    ['r', [pod('2', '4Gi')]],
  ]);
  const newest = (store: NodeSampleStore, node: string) => {
    const series = store.series(node)!;
    const i = series.size - 1;
    return [series.timestampAt(i), series.cpuAt(i), series.memoryAt(i)];
  };

  test('a usage node with figures gets its usage sample, stamped when it was measured', () => {
    const store = new NodeSampleStore(10);
    const measured = T0 - 15_000;
    const result = recordSamplingRound(store, nodes, pods, {
      timestampMs: T0,
      // Both nodes have figures; only the usage node's are used.
      nodeMetrics: new Map([
        ['u', metrics(at(measured), '400m', '1Gi')],
        ['r', metrics(at(measured), '400m', '1Gi')],
      ]),
    });
    expect(result).toEqual({
      recorded: 2,
      recordedUsage: 1,
      dropped: 0,
      fallbacks: [],
      failures: [],
    });
    expect(newest(store, 'u')).toEqual([measured, 0.1, 0.125]);
    expect(newest(store, 'r')).toEqual([T0, 0.5, 0.5]);
  });

  test('a usage node the API has no figures for falls back to requests', () => {
    const store = new NodeSampleStore(10);
    const result = recordSamplingRound(store, nodes, pods, {
      timestampMs: T0,
      nodeMetrics: new Map([['other', metrics(at(T0), '1', '1Gi')]]),
    });
    expect(result).toMatchObject({ recorded: 2, recordedUsage: 0, failures: [] });
    expect(result.fallbacks).toEqual([{ node: 'u', reason: 'no-figures' }]);
    expect(newest(store, 'u')).toEqual([T0, 0.5, 0.5]);
  });

  test('without the metrics API every usage node falls back to requests', () => {
    const store = new NodeSampleStore(10);
    const result = recordSamplingRound(store, nodes, pods, { timestampMs: T0 });
    expect(result).toMatchObject({ recorded: 2, recordedUsage: 0, failures: [] });
    expect(result.fallbacks).toEqual([{ node: 'u', reason: 'metrics-unavailable' }]);
    expect(newest(store, 'u')).toEqual([T0, 0.5, 0.5]);
    expect(newest(store, 'r')).toEqual([T0, 0.5, 0.5]);
  });

  test('requests nodes are sampled by requests whatever the API says', () => {
    // r0 names no source (requests by default), r names requests.
    const requestsOnly = [{ name: 'r0', allocatable }, nodes[1]!];
    for (const nodeMetrics of [
      undefined,
      new Map(),
      new Map([
        ['r', metrics(at(T0 - 1_000), '4', '8Gi')],
        ['r0', metrics('not a time', 'x', 'y')],
      ]),
    ]) {
      const store = new NodeSampleStore(10);
      const result = recordSamplingRound(store, requestsOnly, pods, {
        timestampMs: T0,
        nodeMetrics,
      });
      expect(result).toEqual({
        recorded: 2,
        recordedUsage: 0,
        dropped: 0,
        fallbacks: [],
        failures: [],
      });
      expect(newest(store, 'r')).toEqual([T0, 0.5, 0.5]);
      expect(newest(store, 'r0')).toEqual([T0, 0, 0]);
    }
  });

  test('unreadable figures fall back to requests and say why', () => {
    const store = new NodeSampleStore(10);
    const result = recordSamplingRound(store, [nodes[0]!], pods, {
      timestampMs: T0,
      nodeMetrics: new Map([['u', metrics(at(T0), 'lots', '1Gi')]]),
    });
    expect(result).toMatchObject({ recorded: 1, recordedUsage: 0, failures: [] });
    expect(result.fallbacks).toEqual([
      { node: 'u', reason: 'invalid-figures', message: expect.stringMatching(/usage\.cpu/) },
    ]);
    expect(newest(store, 'u')).toEqual([T0, 0.5, 0.5]);
  });

  test('figures older than the newest sample fall back instead of being refused', () => {
    const store = new NodeSampleStore(10);
    // Round 1: no figures yet (a node metrics-server has not scraped), so requests at T0.
    recordSamplingRound(store, [nodes[0]!], pods, { timestampMs: T0, nodeMetrics: new Map() });
    // Round 2: the first figures were measured before round 1.
    const stale = recordSamplingRound(store, [nodes[0]!], pods, {
      timestampMs: T0 + 60_000,
      nodeMetrics: new Map([['u', metrics(at(T0 - 5_000), '400m', '1Gi')]]),
    });
    expect(stale).toMatchObject({ recorded: 1, recordedUsage: 0, failures: [] });
    expect(stale.fallbacks).toEqual([
      { node: 'u', reason: 'stale-figures', message: expect.stringMatching(/older/) },
    ]);
    expect(newest(store, 'u')).toEqual([T0 + 60_000, 0.5, 0.5]);
    // Round 3: fresh figures are used again.
    const fresh = recordSamplingRound(store, [nodes[0]!], pods, {
      timestampMs: T0 + 120_000,
      nodeMetrics: new Map([['u', metrics(at(T0 + 100_000), '400m', '1Gi')]]),
    });
    expect(fresh).toMatchObject({ recorded: 1, recordedUsage: 1, fallbacks: [] });
    expect(newest(store, 'u')).toEqual([T0 + 100_000, 0.1, 0.125]);
    expect(store.series('u')!.size).toBe(3);
  });

  test('the same measurement read twice replaces the newest sample rather than adding one', () => {
    const store = new NodeSampleStore(10);
    const nodeMetrics = new Map([['u', metrics(at(T0 - 10_000), '400m', '1Gi')]]);
    recordSamplingRound(store, [nodes[0]!], pods, { timestampMs: T0, nodeMetrics });
    const again = recordSamplingRound(store, [nodes[0]!], pods, {
      timestampMs: T0 + 30_000,
      nodeMetrics,
    });
    expect(again).toMatchObject({ recorded: 1, recordedUsage: 1, fallbacks: [], failures: [] });
    expect(store.series('u')!.size).toBe(1);
  });

  test('a usage node without allocatable is a failure, not a sample', () => {
    const store = new NodeSampleStore(10);
    const result = recordSamplingRound(
      store,
      [{ name: 'u', allocatable: undefined, source: 'usage' }],
      pods,
      { timestampMs: T0, nodeMetrics: new Map([['u', metrics(at(T0), '1', '1Gi')]]) },
    );
    expect(result.recorded).toBe(0);
    expect(result.fallbacks).toEqual([
      { node: 'u', reason: 'invalid-figures', message: expect.stringMatching(/allocatable/) },
    ]);
    expect(result.failures).toEqual([{ node: 'u', message: expect.stringMatching(/allocatable/) }]);
    expect(store.has('u')).toBe(false);
  });
});
