import { CircuitBreaker } from '../../../src/vpsie/circuit-breaker';
import type { CircuitState } from '../../../src/vpsie/observer';

function breaker(failureThreshold = 3, openMs = 30_000) {
  let now = 0;
  const states: CircuitState[] = [];
  const cb = new CircuitBreaker({
    failureThreshold,
    openMs,
    now: () => now,
    onStateChange: (s) => states.push(s),
  });
  return { cb, states, advance: (ms: number) => (now += ms) };
}

function fail(cb: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i += 1) {
    expect(cb.tryAcquire()).toBe(true);
    cb.recordFailure();
  }
}

test('opens after the threshold of consecutive failures and then fails fast', () => {
  const { cb, states } = breaker(3);
  fail(cb, 2);
  expect(cb.state).toBe('closed');
  fail(cb, 1);
  expect(cb.state).toBe('open');
  expect(cb.tryAcquire()).toBe(false);
  expect(states).toEqual(['open']);
});

test('a success in between resets the count', () => {
  const { cb } = breaker(3);
  fail(cb, 2);
  cb.tryAcquire();
  cb.recordSuccess();
  fail(cb, 2);
  expect(cb.state).toBe('closed');
});

test('after the open period exactly one probe goes through; its success closes the circuit', () => {
  const { cb, states, advance } = breaker(1, 30_000);
  fail(cb, 1);
  advance(29_999);
  expect(cb.tryAcquire()).toBe(false);
  expect(cb.remainingOpenMs()).toBe(1);
  advance(1);
  expect(cb.tryAcquire()).toBe(true);
  expect(cb.state).toBe('half_open');
  expect(cb.tryAcquire()).toBe(false);
  cb.recordSuccess();
  expect(cb.state).toBe('closed');
  expect(cb.tryAcquire()).toBe(true);
  expect(states).toEqual(['open', 'half_open', 'closed']);
});

test('a failed probe opens the circuit for another full period', () => {
  const { cb, advance } = breaker(1, 1000);
  fail(cb, 1);
  advance(1000);
  expect(cb.tryAcquire()).toBe(true);
  cb.recordFailure();
  expect(cb.state).toBe('open');
  advance(999);
  expect(cb.tryAcquire()).toBe(false);
  advance(1);
  expect(cb.tryAcquire()).toBe(true);
});

test('a released probe lets the next request probe instead', () => {
  const { cb, advance } = breaker(1, 1000);
  fail(cb, 1);
  advance(1000);
  expect(cb.tryAcquire()).toBe(true);
  expect(cb.tryAcquire()).toBe(false);
  cb.release();
  expect(cb.tryAcquire()).toBe(true);
  expect(cb.state).toBe('half_open');
});
