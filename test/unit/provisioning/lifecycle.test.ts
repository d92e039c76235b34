import { provisioningDecision } from '../../../src/provisioning/lifecycle';

test.each([undefined, 'Pending', 'Provisioning', 'Provisioned', 'Joining'] as const)(
  'a VPSieNode in phase %s needs its provisioning workflow',
  (phase) => {
    const status = phase === undefined ? undefined : { phase };
    expect(provisioningDecision({ metadata: {}, status })).toEqual({ action: 'start' });
  },
);

test.each(['Ready', 'Terminating', 'Deleting', 'Failed'] as const)(
  'a VPSieNode in phase %s is past provisioning',
  (phase) => {
    expect(provisioningDecision({ metadata: {}, status: { phase } })).toEqual({
      action: 'none',
      why: `phase ${phase} is past provisioning`,
    });
  },
);

test('a VPSieNode being deleted is never provisioned', () => {
  expect(provisioningDecision({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } })).toEqual(
    { action: 'none', why: 'being deleted' },
  );
});
