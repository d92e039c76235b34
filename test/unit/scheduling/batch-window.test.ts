// Karpenter's batch window: idle after the last new pod, bounded by max after the first.
import { BatchWindow } from '../../../src/scheduling/batch-window';

const window = () => new BatchWindow({ idleMs: 1_000, maxMs: 10_000 });

describe('BatchWindow', () => {
  test('nothing is due before a pod is seen', () => {
    const w = window();
    expect(w.dueAtMs()).toBeUndefined();
    expect(w.isDue(1e12)).toBe(false);
  });

  test('due idleMs after the last new pod', () => {
    const w = window();
    w.observe(0, 1);
    expect(w.dueAtMs()).toBe(1_000);
    w.observe(600, 3);
    expect(w.dueAtMs()).toBe(1_600);
    expect(w.isDue(1_599)).toBe(false);
    expect(w.isDue(1_600)).toBe(true);
  });

  test('never later than maxMs after the first pod, however many keep coming', () => {
    const w = window();
    for (let t = 0; t <= 12_000; t += 500) w.observe(t, 1);
    expect(w.dueAtMs()).toBe(10_000);
  });

  test('an event without new pods opens a batch but does not extend one', () => {
    const w = window();
    w.observe(100, 0);
    expect(w.dueAtMs()).toBe(1_100);
    w.observe(900, 0);
    expect(w.dueAtMs()).toBe(1_100);
    w.observe(900, 1);
    expect(w.dueAtMs()).toBe(1_900);
  });

  test('reset closes the batch; the next pod opens a new one', () => {
    const w = window();
    w.observe(0, 1);
    w.reset();
    expect(w.dueAtMs()).toBeUndefined();
    w.observe(20_000, 1);
    expect(w.dueAtMs()).toBe(21_000);
  });

  test('a clock stepping back does not move the due time earlier', () => {
    const w = window();
    w.observe(5_000, 1);
    w.observe(4_000, 1);
    expect(w.dueAtMs()).toBe(6_000);
  });
});
