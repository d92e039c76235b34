import {
  InvalidSampleError,
  NodeSampleStore,
  sampleCapacity,
} from '../../../../src/state/utilization';
import { seriesToArray } from './naive-reference';

describe('sampleCapacity', () => {
  test.each([
    [3600, 300, 12],
    [3600, 60, 60],
    [600, 60, 10],
    [3600, 7, 515],
    [30, 60, 1],
    [90, 60, 2],
  ])(
    '%d s of retention at one sample per %d s needs %d samples',
    (retention, interval, expected) => {
      expect(sampleCapacity(retention, interval)).toBe(expected);
    },
  );

  test.each([
    [0, 60],
    [-1, 60],
    [NaN, 60],
    [Infinity, 60],
    [3600, 0],
    [3600, -5],
    [3600, NaN],
  ])('retention %d / interval %d is rejected', (retention, interval) => {
    expect(() => sampleCapacity(retention, interval)).toThrow(RangeError);
  });
});

describe('NodeSampleStore', () => {
  test('forRetention derives the capacity', () => {
    expect(NodeSampleStore.forRetention(3600, 300).capacity).toBe(12);
  });

  test.each([0, 2.5, -3])('capacity %d is rejected when the store is created', (capacity) => {
    expect(() => new NodeSampleStore(capacity)).toThrow(RangeError);
  });

  test('keeps each node its own bounded, ordered history', () => {
    const store = new NodeSampleStore(2);
    store.add('a', 1, 0.1, 0.1);
    store.add('b', 1, 0.5, 0.6);
    store.add('a', 2, 0.2, 0.2);
    store.addSample('a', { timestampMs: 3, cpu: 0.3, memory: 0.35 });
    expect(store.nodeCount).toBe(2);
    expect([...store.nodeNames()].sort()).toEqual(['a', 'b']);
    expect(seriesToArray(store.series('a')!)).toEqual([
      { timestampMs: 2, cpu: 0.2, memory: 0.2 },
      { timestampMs: 3, cpu: 0.3, memory: 0.35 },
    ]);
    expect(seriesToArray(store.series('b')!)).toEqual([{ timestampMs: 1, cpu: 0.5, memory: 0.6 }]);
  });

  test('series reads in place: later samples show through an earlier view', () => {
    const store = new NodeSampleStore(3);
    store.add('a', 1, 0.1, 0.1);
    const view = store.series('a')!;
    store.add('a', 2, 0.2, 0.2);
    expect(view.size).toBe(2);
    expect(view.timestampAt(1)).toBe(2);
  });

  test('an unknown node has no series and copies nothing', () => {
    const store = new NodeSampleStore(3);
    expect(store.series('ghost')).toBeUndefined();
    expect(store.has('ghost')).toBe(false);
    expect(store.readInto('ghost', new Float64Array(9))).toBe(0);
  });

  test('readInto copies one node into a buffer shared by all nodes', () => {
    const store = new NodeSampleStore(2);
    const buffer = new Float64Array(store.capacity * 3);
    store.add('a', 1, 0.1, 0.2);
    store.add('a', 2, 0.3, 0.4);
    store.add('a', 3, 0.5, 0.6);
    store.add('b', 7, 0.7, 0.8);
    expect(store.readInto('a', buffer)).toBe(2);
    expect([...buffer]).toEqual([2, 0.3, 0.4, 3, 0.5, 0.6]);
    expect(store.readInto('b', buffer)).toBe(1);
    expect([...buffer.subarray(0, 3)]).toEqual([7, 0.7, 0.8]);
  });

  test('a rejected sample names the node and leaves its history unchanged', () => {
    const store = new NodeSampleStore(3);
    store.add('worker-1', 2000, 0.1, 0.1);
    const attempt = () => store.add('worker-1', 1000, 0.1, 0.1);
    expect(attempt).toThrow(InvalidSampleError);
    expect(attempt).toThrow(
      /^node worker-1: sample at 1000 is older than the newest sample at 2000/,
    );
    expect(() => store.add('worker-1', 3000, NaN, 0)).toThrow('node worker-1: cpu ratio');
    expect(seriesToArray(store.series('worker-1')!)).toHaveLength(1);
  });

  test('a node whose first sample is rejected is not tracked', () => {
    const store = new NodeSampleStore(3);
    let caught: unknown;
    try {
      store.add('new-node', 1, -1, 0);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidSampleError);
    expect((caught as InvalidSampleError).nodeName).toBe('new-node');
    expect(store.has('new-node')).toBe(false);
    expect(store.nodeCount).toBe(0);
  });

  describe('garbage collection of deleted nodes', () => {
    function storeWith(...names: string[]): NodeSampleStore {
      const store = new NodeSampleStore(4);
      for (const name of names) store.add(name, 1, 0.1, 0.1);
      return store;
    }

    test('delete drops one node and says whether it was there', () => {
      const store = storeWith('a', 'b');
      expect(store.delete('a')).toBe(true);
      expect(store.delete('a')).toBe(false);
      expect(store.has('a')).toBe(false);
      expect(store.series('a')).toBeUndefined();
      expect(store.nodeCount).toBe(1);
    });

    test('retainOnly drops every node not in the live set and counts them', () => {
      const store = storeWith('a', 'b', 'c', 'd');
      expect(store.retainOnly(new Set(['b', 'd', 'never-sampled']))).toBe(2);
      expect([...store.nodeNames()].sort()).toEqual(['b', 'd']);
      expect(store.has('never-sampled')).toBe(false);
    });

    test('retainOnly accepts any has(): a Map keyed by node name', () => {
      const store = storeWith('a', 'b');
      expect(store.retainOnly(new Map([['b', { spec: {} }]]))).toBe(1);
      expect([...store.nodeNames()]).toEqual(['b']);
    });

    test('retainOnly with no live nodes empties the store; with all, keeps it', () => {
      const store = storeWith('a', 'b', 'c');
      expect(store.retainOnly(new Set(['a', 'b', 'c']))).toBe(0);
      expect(store.nodeCount).toBe(3);
      expect(store.retainOnly(new Set())).toBe(3);
      expect(store.nodeCount).toBe(0);
    });

    test('a node that comes back after deletion starts a fresh history', () => {
      const store = storeWith('a');
      store.add('a', 5, 0.5, 0.5);
      store.delete('a');
      // Its old samples are gone, so an earlier timestamp is no longer "going back".
      store.add('a', 2, 0.2, 0.2);
      expect(seriesToArray(store.series('a')!)).toEqual([
        { timestampMs: 2, cpu: 0.2, memory: 0.2 },
      ]);
    });
  });
});
