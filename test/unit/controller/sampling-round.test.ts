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
  expect(result).toEqual({ recorded: 2, dropped: 0, failures: [] });
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
