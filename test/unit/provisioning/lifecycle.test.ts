import { provisioningDecision } from '../../../src/provisioning/lifecycle';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const context = { nowMs: NOW, failedTtlMs: 30 * 60_000 };

test.each([undefined, 'Pending', 'Provisioning', 'Provisioned', 'Joining'] as const)(
  'a VPSieNode in phase %s needs its provisioning workflow',
  (phase) => {
    const status = phase === undefined ? undefined : { phase };
    expect(provisioningDecision({ metadata: {}, status }, context)).toEqual({ action: 'start' });
  },
);

test.each(['Ready', 'Terminating', 'Deleting', 'Failed'] as const)(
  'a VPSieNode in phase %s is past provisioning',
  (phase) => {
    expect(provisioningDecision({ metadata: {}, status: { phase } }, context)).toEqual({
      action: 'none',
      why: `phase ${phase} is past provisioning`,
    });
  },
);

test('a VPSieNode being deleted is never provisioned', () => {
  expect(
    provisioningDecision({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }, context),
  ).toEqual({ action: 'none', why: 'being deleted' });
});

test('a Failed VPSieNode is kept for the TTL, then deleted', () => {
  const failed = (failedAt?: string) => ({
    metadata: {},
    status: { phase: 'Failed' as const, ...(failedAt ? { failedAt } : {}) },
  });
  expect(provisioningDecision(failed('2026-11-26T11:31:00Z'), context).action).toBe('none');
  expect(provisioningDecision(failed('2026-11-26T11:30:00Z'), context)).toEqual({
    action: 'delete',
    why: 'Failed longer than failedVpsieNodeTtl',
  });
  // Without the time it failed, nothing says the TTL is over: keep it.
  expect(provisioningDecision(failed(), context).action).toBe('none');
});
