import { TokenBucketRateLimiter } from '../../../src/vpsie/rate-limiter';
import { manualClock } from './harness';

test('lets a burst through at once, then paces requests at the steady rate', async () => {
  const clock = manualClock();
  const limiter = new TokenBucketRateLimiter({ requestsPerMinute: 60, burst: 3, clock });
  const waits = [];
  for (let i = 0; i < 5; i += 1) waits.push(await limiter.acquire());
  expect(waits).toEqual([0, 0, 0, 1000, 1000]);
});

test('refills with time, but never beyond the burst size', async () => {
  const clock = manualClock();
  const limiter = new TokenBucketRateLimiter({ requestsPerMinute: 120, burst: 2, clock });
  await limiter.acquire();
  await limiter.acquire();
  clock.advance(60_000);
  const waits = [];
  for (let i = 0; i < 3; i += 1) waits.push(await limiter.acquire());
  expect(waits).toEqual([0, 0, 500]);
});

test('serves concurrent waiters in arrival order', async () => {
  const clock = manualClock();
  const limiter = new TokenBucketRateLimiter({ requestsPerMinute: 60, burst: 1, clock });
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3].map((n) => limiter.acquire().then((waited) => order.push(n * 10_000 + waited))),
  );
  expect(order).toEqual([10_000, 21_000, 31_000]);
  expect(clock.sleeps).toEqual([1000, 1000]);
});

test('the default rate of 100 a minute spaces requests 600 ms apart', async () => {
  const clock = manualClock();
  const limiter = new TokenBucketRateLimiter({ requestsPerMinute: 100, burst: 1, clock });
  await limiter.acquire();
  expect(await limiter.acquire()).toBe(600);
});

test('refuses nonsense limits', () => {
  const clock = manualClock();
  expect(() => new TokenBucketRateLimiter({ requestsPerMinute: 0, burst: 1, clock })).toThrow();
  expect(() => new TokenBucketRateLimiter({ requestsPerMinute: 10, burst: 0, clock })).toThrow();
});
