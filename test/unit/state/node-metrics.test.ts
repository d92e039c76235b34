// The metrics.k8s.io adapter without a cluster: the list response mapped to node name → usage,
// and the "log once per state change, never throw" behaviour. The absent API itself is exercised
// against the real control plane in test/cluster/node-metrics.test.ts.
import { NodeMetricsReader, nodeMetricsByName } from '../../../src/kube/node-metrics';
import { NodeSampleStore } from '../../../src/state/utilization';
import { recordSamplingRound } from '../../../src/state/utilization/sampling-round';
import { recordingLogger } from '../../support/recording-logger';

/** A NodeMetricsList as the API server returns it (custom objects are plain JSON). */
const list = (...items: unknown[]) => ({
  kind: 'NodeMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items,
});

const item = (name: string, cpu: string, memory: string, timestamp = '2025-06-04T12:00:00Z') => ({
  metadata: { name, creationTimestamp: '2025-06-04T12:00:05Z', labels: { a: 'b' } },
  timestamp,
  window: '10.062s',
  usage: { cpu, memory },
});

const apiError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

describe('nodeMetricsByName', () => {
  test('maps each item to its name, timestamp and cpu/memory usage as written', () => {
    const mapped = nodeMetricsByName(
      list(item('n1', '153442581n', '1320480Ki'), item('n2', '2', '3Gi', '2025-06-04T12:00:30Z')),
    );
    expect(mapped).toEqual(
      new Map([
        [
          'n1',
          {
            metadata: { name: 'n1' },
            timestamp: '2025-06-04T12:00:00Z',
            usage: { cpu: '153442581n', memory: '1320480Ki' },
          },
        ],
        [
          'n2',
          {
            metadata: { name: 'n2' },
            timestamp: '2025-06-04T12:00:30Z',
            usage: { cpu: '2', memory: '3Gi' },
          },
        ],
      ]),
    );
  });

  test('an empty list is an empty map: the API is there, it just knows no node yet', () => {
    expect(nodeMetricsByName(list())).toEqual(new Map());
  });

  test('a response that is not a list is undefined', () => {
    for (const response of [undefined, null, {}, { items: 'x' }, 'text']) {
      expect(nodeMetricsByName(response)).toBeUndefined();
    }
  });

  test('items without a name are skipped; other oddities are left for the sampler to reject', () => {
    const mapped = nodeMetricsByName(
      list(
        { timestamp: '2025-06-04T12:00:00Z', usage: { cpu: '1', memory: '1Gi' } },
        null,
        { metadata: { name: 'odd' }, usage: { cpu: { nested: true }, memory: 5 } },
        { metadata: { name: 'dated' }, timestamp: new Date('2025-06-04T12:00:00Z') },
      ),
    );
    expect([...mapped!.keys()]).toEqual(['odd', 'dated']);
    expect(mapped!.get('odd')).toEqual({
      metadata: { name: 'odd' },
      timestamp: '',
      usage: { cpu: undefined, memory: 5 },
    });
    expect(mapped!.get('dated')!.timestamp).toBe('2025-06-04T12:00:00.000Z');
  });

  test('the mapped figures feed the sampling round as usage / allocatable', () => {
    const store = new NodeSampleStore(5);
    const result = recordSamplingRound(
      store,
      [
        { name: 'n1', allocatable: { cpu: '4', memory: '8Gi' }, source: 'usage' },
        { name: 'odd', allocatable: { cpu: '4', memory: '8Gi' }, source: 'usage' },
      ],
      new Map(),
      {
        timestampMs: Date.parse('2025-06-04T12:00:40Z'),
        nodeMetrics: nodeMetricsByName(
          list(item('n1', '1', '2Gi'), { metadata: { name: 'odd' }, usage: {} }),
        ),
      },
    );
    expect(result).toMatchObject({ recorded: 2, recordedUsage: 1, failures: [] });
    expect(result.fallbacks).toEqual([
      { node: 'odd', reason: 'invalid-figures', message: expect.stringMatching(/timestamp/) },
    ]);
    expect(store.series('n1')!.cpuAt(0)).toBe(0.25);
    expect(store.series('n1')!.memoryAt(0)).toBe(0.25);
    expect(store.series('n1')!.timestampAt(0)).toBe(Date.parse('2025-06-04T12:00:00Z'));
  });
});

describe('NodeMetricsReader', () => {
  test('a served API yields the map and logs nothing', async () => {
    const { logger, lines } = recordingLogger();
    const reader = new NodeMetricsReader(
      () => Promise.resolve(list(item('n1', '1', '1Gi'))),
      logger,
    );
    expect((await reader.read())?.get('n1')?.usage).toEqual({ cpu: '1', memory: '1Gi' });
    expect(reader.state).toBe('available');
    expect(lines).toEqual([]);
  });

  test('an API that is not served is undefined, logged once however many rounds ask', async () => {
    const { logger, lines } = recordingLogger();
    const list404 = jest.fn(() => Promise.reject(apiError(404)));
    const reader = new NodeMetricsReader(list404, logger);
    for (let round = 0; round < 5; round++) {
      await expect(reader.read()).resolves.toBeUndefined();
    }
    expect(list404).toHaveBeenCalledTimes(5);
    expect(reader.state).toBe('not-served');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: expect.stringMatching(/not served/) }),
    ]);
  });

  test('forbidden and failing are warned about once each, and recovery is noted', async () => {
    const { logger, lines } = recordingLogger();
    const outcomes: Array<() => Promise<unknown>> = [
      () => Promise.reject(apiError(403)),
      () => Promise.reject(apiError(403)),
      () => Promise.reject(apiError(503)),
      () => Promise.reject(new Error('socket hang up')),
      () => Promise.resolve({ kind: 'Status' }),
      () => Promise.resolve(list()),
      () => Promise.resolve(list()),
    ];
    let call = 0;
    const reader = new NodeMetricsReader(() => outcomes[call++]!(), logger);
    const results = [];
    for (let i = 0; i < outcomes.length; i++) results.push(await reader.read());
    expect(results.map((r) => r === undefined)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(lines.map((l) => [l.level, l.fields?.status])).toEqual([
      ['warn', 403],
      ['warn', 503],
      ['info', undefined],
    ]);
    expect(lines[0]!.msg).toMatch(/forbidden/);
    expect(lines[1]!.msg).toMatch(/failed/);
    expect(lines[2]!.msg).toMatch(/available again/);
  });
});
