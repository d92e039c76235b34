import { minimalNodeGroup, NodeGroup } from '../../../src/apis/v1alpha1';
import {
  effectiveScaleDownPolicy,
  type ScaleDownDefaults,
} from '../../../src/disruption/scale-down-policy';

const defaults: ScaleDownDefaults = {
  utilizationThreshold: 0.4,
  unneededSeconds: 1200,
  delayAfterAddMs: 300_000,
  delayAfterFailureMs: 180_000,
  maxGracefulTerminationSeconds: 600,
  skippedChecks: [],
};

function group(scaleDownPolicy?: Record<string, unknown>, status?: Record<string, unknown>) {
  return NodeGroup.parse({
    ...minimalNodeGroup,
    metadata: { name: 'web', namespace: 'prod' },
    spec: { ...minimalNodeGroup.spec, minNodes: 2, scaleDownPolicy },
    status,
  });
}

test('fields the group sets win over the cluster-wide configuration', () => {
  const stored = {
    utilizationThreshold: 0.3,
    unneededTimeSeconds: 120,
    maxConcurrentScaleDowns: 3,
    enabled: false,
  };
  expect(effectiveScaleDownPolicy(group(stored), stored, defaults)).toMatchObject({
    enabled: false,
    minNodes: 2,
    utilizationThreshold: 0.3,
    unneededSeconds: 120,
    maxConcurrentScaleDowns: 3,
  });
});

test('fields the stored group lacks come from the configuration, not from CRD defaults', () => {
  // Parsing fills in 0.5 and 600; the stored object had neither.
  const policy = effectiveScaleDownPolicy(group(), undefined, defaults);
  expect(policy).toMatchObject({
    enabled: true,
    utilizationThreshold: 0.4,
    unneededSeconds: 1200,
    maxConcurrentScaleDowns: 1,
  });
  expect(effectiveScaleDownPolicy(group({}), {}, defaults).utilizationThreshold).toBe(0.4);
});

test('the longer of the group cooldown and the delay after add applies after a scale-up', () => {
  const longer = { cooldownSeconds: 900 };
  expect(effectiveScaleDownPolicy(group(longer), longer, defaults).cooldowns.delayAfterAddMs).toBe(
    900_000,
  );
  const shorter = { cooldownSeconds: 60 };
  expect(
    effectiveScaleDownPolicy(group(shorter), shorter, defaults).cooldowns.delayAfterAddMs,
  ).toBe(300_000);
});

test('scaling history, a failed scale-down and the pause come from the status', () => {
  const status = {
    lastScaleUpTime: '2025-06-04T10:00:00Z',
    lastScaleDownTime: '2025-06-04T11:00:00Z',
    conditions: [
      {
        type: 'ScaleDownFailed',
        status: 'True',
        lastTransitionTime: '2025-06-04T11:30:00Z',
        reason: 'DrainTimeout',
        message: 'drain timed out',
      },
    ],
    scaleDownPause: {
      paused: true,
      reason: 'incident',
      expiresAt: '2025-06-04T13:00:00Z',
    },
  };
  const policy = effectiveScaleDownPolicy(group(undefined, status), undefined, defaults);
  expect(policy.cooldowns).toEqual({
    lastScaleUpMs: Date.parse('2025-06-04T10:00:00Z'),
    lastScaleDownMs: Date.parse('2025-06-04T11:00:00Z'),
    lastScaleDownFailureMs: Date.parse('2025-06-04T11:30:00Z'),
    delayAfterAddMs: 300_000,
    delayAfterFailureMs: 180_000,
  });
  expect(policy.pause).toEqual({
    paused: true,
    reason: 'incident',
    expiresAtMs: Date.parse('2025-06-04T13:00:00Z'),
  });
});
