// The NodeGroup reconciler's queue: a burst of events for a group becomes one reconcile, the
// reconciles of one group never overlap, and nothing runs before the caches are complete.
import { GroupQueue } from '../../../src/controller/group-queue';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function recordingQueue(debounceMs: number) {
  const handled: string[] = [];
  const queue = new GroupQueue(debounceMs, (key) => {
    handled.push(key);
    return Promise.resolve();
  });
  return { queue, handled };
}

test('a burst of events for one group is one reconcile after the debounce', async () => {
  const { queue, handled } = recordingQueue(1000);
  queue.open();
  for (let i = 0; i < 100; i++) queue.enqueue('prod/web');
  queue.enqueue('prod/batch');
  await jest.advanceTimersByTimeAsync(999);
  expect(handled).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(handled.sort()).toEqual(['prod/batch', 'prod/web']);
});

test('a steady stream of events cannot postpone a waiting group forever', async () => {
  const { queue, handled } = recordingQueue(1000);
  queue.open();
  for (let t = 0; t < 3000; t += 100) {
    queue.enqueue('prod/web');
    await jest.advanceTimersByTimeAsync(100);
  }
  // One reconcile per second of events, not zero.
  expect(handled).toHaveLength(3);
});

test('an earlier due time wins over a later one already waiting', async () => {
  const { queue, handled } = recordingQueue(1000);
  queue.open();
  queue.enqueue('prod/web');
  queue.enqueue('prod/web', 0);
  await jest.advanceTimersByTimeAsync(0);
  expect(handled).toEqual(['prod/web']);
  await jest.advanceTimersByTimeAsync(2000);
  expect(handled).toEqual(['prod/web']);
});

test('events before open() wait for it; after close() they are dropped', async () => {
  const { queue, handled } = recordingQueue(10);
  queue.enqueue('prod/web');
  await jest.advanceTimersByTimeAsync(100);
  expect(handled).toEqual([]);
  queue.open();
  await jest.advanceTimersByTimeAsync(10);
  expect(handled).toEqual(['prod/web']);
  queue.enqueue('prod/web');
  await queue.close();
  await jest.advanceTimersByTimeAsync(100);
  expect(handled).toEqual(['prod/web']);
});

test('work for one key runs one at a time, in order; other keys do not wait', async () => {
  jest.useRealTimers();
  const queue = new GroupQueue(0, () => Promise.resolve());
  const log: string[] = [];
  let release!: () => void;
  const slow = queue.run('prod/web', async () => {
    log.push('web-1 start');
    await new Promise<void>((r) => (release = r));
    log.push('web-1 end');
  });
  const second = queue.run('prod/web', () => {
    log.push('web-2');
    return Promise.resolve();
  });
  await queue.run('prod/batch', () => {
    log.push('batch');
    return Promise.resolve();
  });
  expect(log).toEqual(['web-1 start', 'batch']);
  release();
  await Promise.all([slow, second]);
  expect(log).toEqual(['web-1 start', 'batch', 'web-1 end', 'web-2']);
});

test('a failed piece of work does not stop the next one for the key', async () => {
  jest.useRealTimers();
  const queue = new GroupQueue(0, () => Promise.resolve());
  const failed = queue.run('prod/web', () => Promise.reject(new Error('boom')));
  const next = queue.run('prod/web', () => Promise.resolve());
  await expect(failed).rejects.toThrow('boom');
  await expect(next).resolves.toBeUndefined();
});
