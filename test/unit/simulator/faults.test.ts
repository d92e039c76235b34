import { FaultPlan } from '../../../src/simulator';

test('counted faults are consumed one request at a time', () => {
  const faults = new FaultPlan().serverErrors(2, 502);
  expect([1, 2, 3].map(() => faults.takeServerError('listVms'))).toEqual([502, 502, undefined]);
});

test('faults narrowed to routes leave the others alone', () => {
  const faults = new FaultPlan().rateLimit(1, 7, { only: ['createVm', 'deleteVm'] });
  expect(faults.takeRateLimit('listVms')).toBeUndefined();
  expect(faults.takeRateLimit('deleteVm')).toBe(7);
  expect(faults.takeRateLimit('createVm')).toBeUndefined();
});

test('faults queue up in the order they were added', () => {
  const faults = new FaultPlan().addLatency(10, 1).addLatency(20, 1);
  expect([
    faults.takeLatency('getVm'),
    faults.takeLatency('getVm'),
    faults.takeLatency('getVm'),
  ]).toEqual([10, 20, undefined]);
});

test('quota defaults to the envelope style and lasts until reset', () => {
  const faults = new FaultPlan().quotaOnCreate();
  expect(faults.takeQuota()).toMatchObject({
    style: 'envelope',
    message: expect.stringMatching(/exceeds the allowed limit/),
  });
  expect(faults.takeQuota()).toBeDefined();
  faults.reset();
  expect(faults.takeQuota()).toBeUndefined();
});

test('VM traits and lost answers are counted', () => {
  const faults = new FaultPlan().vmsNeverBoot(1).vmsNeverJoin(2).loseCreateResponses(1);
  expect([faults.takeNeverBoot(), faults.takeNeverBoot()]).toEqual([true, false]);
  expect([faults.takeNeverJoin(), faults.takeNeverJoin(), faults.takeNeverJoin()]).toEqual([
    true,
    true,
    false,
  ]);
  expect([faults.takeLostCreate(), faults.takeLostCreate()]).toEqual([true, false]);
});
