// NodeGroup parsing: defaults applied, invalid specs refused with the path of the bad field.
import fc from 'fast-check';
import {
  MAX_CLOUD_INIT_TEMPLATE_LENGTH,
  NodeGroup,
  NodeGroupSpec,
  NodeGroupStatus,
  minimalNodeGroup,
  productionNodeGroup,
  type NodeGroupSpecInput,
} from '../../../src/apis/v1alpha1';

const minimal = minimalNodeGroup.spec;

/** The paths (dotted) of every issue zod reports for `spec`, or [] when it parses. */
function issuePaths(spec: unknown): string[] {
  const result = NodeGroupSpec.safeParse(spec);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

function issueMessages(spec: unknown): string[] {
  const result = NodeGroupSpec.safeParse(spec);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

function withScaleDown(policy: NodeGroupSpecInput['scaleDownPolicy']): NodeGroupSpecInput {
  return { ...minimal, scaleDownPolicy: policy };
}

test('a minimal spec gets every policy default', () => {
  expect(NodeGroupSpec.parse(minimal)).toEqual({
    ...minimal,
    systemReserved: { cpu: '0', memory: '100Mi' },
    scaleUpPolicy: { enabled: true, priority: 0 },
    scaleDownPolicy: {
      enabled: true,
      stabilizationWindowSeconds: 600,
      cpuThreshold: 50,
      memoryThreshold: 50,
      utilizationSource: 'requests',
      utilizationThreshold: 0.5,
      unneededTimeSeconds: 600,
      cooldownSeconds: 600,
      drainTimeoutSeconds: 900,
      maxTerminationGracePeriodSeconds: 600,
      maxConcurrentScaleDowns: 1,
    },
    provisioning: { nodeReadyTimeoutSeconds: 900 },
  });
});

test('a partly given policy keeps its values and gets defaults for the rest', () => {
  const spec = NodeGroupSpec.parse(withScaleDown({ enabled: false, unneededTimeSeconds: 60 }));
  expect(spec.scaleDownPolicy).toMatchObject({
    enabled: false,
    unneededTimeSeconds: 60,
    utilizationThreshold: 0.5,
  });
});

test('maintenance windows default to UTC', () => {
  const spec = NodeGroupSpec.parse(
    withScaleDown({ maintenanceWindows: [{ days: ['Sat'], start: '01:00', end: '05:00' }] }),
  );
  expect(spec.scaleDownPolicy.maintenanceWindows).toEqual([
    { days: ['Sat'], start: '01:00', end: '05:00', timeZone: 'UTC' },
  ]);
});

test('the documented examples are valid', () => {
  expect(NodeGroup.safeParse(minimalNodeGroup).error).toBeUndefined();
  expect(NodeGroup.safeParse(productionNodeGroup).error).toBeUndefined();
});

describe('invalid specs are refused with the path of the field', () => {
  const tooManyKeys = Array.from({ length: 21 }, (_, i) => `key-${i}`);
  const cases: Array<[string, unknown, string, RegExp]> = [
    [
      'minNodes > maxNodes',
      { ...minimal, minNodes: 11 },
      'minNodes',
      /less than or equal to maxNodes/,
    ],
    [
      'inline template and template ref together',
      {
        ...minimal,
        cloudInitTemplate: '#cloud-config',
        cloudInitTemplateRef: { name: 'cm', key: 'k' },
      },
      'cloudInitTemplateRef',
      /mutually exclusive/,
    ],
    [
      'kubernetesVersion without v',
      { ...minimal, kubernetesVersion: '1.34.4' },
      'kubernetesVersion',
      /semantic version/,
    ],
    [
      'kubernetesVersion not semver',
      { ...minimal, kubernetesVersion: 'v1.34' },
      'kubernetesVersion',
      /semantic version/,
    ],
    [
      'oversized template',
      { ...minimal, cloudInitTemplate: 'x'.repeat(MAX_CLOUD_INIT_TEMPLATE_LENGTH + 1) },
      'cloudInitTemplate',
      /at most 32768/,
    ],
    ['too many ssh key ids', { ...minimal, sshKeyIds: tooManyKeys }, 'sshKeyIds', /<=20/],
    ['duplicate ssh key id', { ...minimal, sshKeyIds: ['a', 'a'] }, 'sshKeyIds.1', /duplicate/],
    [
      'too many public keys',
      { ...minimal, sshPublicKeys: tooManyKeys.map((k) => `ssh-ed25519 AAAA ${k}`) },
      'sshPublicKeys',
      /<=20/,
    ],
    [
      'a public key with a line break',
      { ...minimal, sshPublicKeys: ['ssh-ed25519 AAAA a\nruncmd: x'] },
      'sshPublicKeys.0',
      /single line/,
    ],
    [
      'too many template variables',
      {
        ...minimal,
        cloudInitVariables: Object.fromEntries(
          Array.from({ length: 65 }, (_, i) => [`v${i}`, 'x']),
        ),
      },
      'cloudInitVariables',
      /at most 64 entries/,
    ],
    [
      'a template variable that is not an identifier',
      { ...minimal, cloudInitVariables: { 'api-server': 'x' } },
      'cloudInitVariables.api-server',
      /identifiers/,
    ],
    [
      'template ref name not a DNS subdomain',
      { ...minimal, cloudInitTemplateRef: { name: 'Bad_Name', key: 'k' } },
      'cloudInitTemplateRef.name',
      /DNS-1123/,
    ],
    [
      'template ref key ".."',
      { ...minimal, cloudInitTemplateRef: { name: 'cm', key: '..' } },
      'cloudInitTemplateRef.key',
      /ConfigMap/,
    ],
    [
      'secret ref without keys',
      { ...minimal, sshKeySecretRef: { name: 's', keys: [] } },
      'sshKeySecretRef.keys',
      />=1/,
    ],
    [
      'a reserved label',
      { ...minimal, labels: { 'autoscaler.vpsie.com/managed': 'true' } },
      'labels',
      /reserved|prefix/,
    ],
    ['a bad label key', { ...minimal, labels: { 'a b': 'x' } }, 'labels.a b', /qualified name/],
    ['no offering', { ...minimal, offeringIDs: [] }, 'offeringIDs', />=1/],
    [
      'preferred offering not offered',
      { ...minimal, preferredInstanceType: 'other' },
      'preferredInstanceType',
      /one of offeringIDs/,
    ],
    ['maxNodes above 1000', { ...minimal, maxNodes: 1001 }, 'maxNodes', /<=1000/],
    [
      'utilizationThreshold above 1',
      withScaleDown({ utilizationThreshold: 1.5 }),
      'scaleDownPolicy.utilizationThreshold',
      /<=1/,
    ],
    [
      'grace period longer than the drain timeout',
      withScaleDown({ drainTimeoutSeconds: 300, maxTerminationGracePeriodSeconds: 600 }),
      'scaleDownPolicy.maxTerminationGracePeriodSeconds',
      /must not exceed drainTimeoutSeconds/,
    ],
    [
      'maintenance window starting at 24:30',
      withScaleDown({ maintenanceWindows: [{ days: ['Mon'], start: '24:30', end: '03:00' }] }),
      'scaleDownPolicy.maintenanceWindows.0.start',
      /HH:MM/,
    ],
    [
      'maintenance window that never opens',
      withScaleDown({ maintenanceWindows: [{ days: ['Mon'], start: '03:00', end: '03:00' }] }),
      'scaleDownPolicy.maintenanceWindows.0.end',
      /must differ from start/,
    ],
    [
      'maintenance window without days',
      withScaleDown({ maintenanceWindows: [{ days: [], start: '01:00', end: '03:00' }] }),
      'scaleDownPolicy.maintenanceWindows.0.days',
      />=1/,
    ],
    [
      'maintenance window on a day that does not exist',
      {
        ...minimal,
        scaleDownPolicy: {
          maintenanceWindows: [{ days: ['Funday'], start: '01:00', end: '03:00' }],
        },
      },
      'scaleDownPolicy.maintenanceWindows.0.days.0',
      /Mon/,
    ],
    [
      'maintenance window in an unknown time zone',
      withScaleDown({
        maintenanceWindows: [
          { days: ['Mon'], start: '01:00', end: '03:00', timeZone: 'Mars/Olympus_Mons' },
        ],
      }),
      'scaleDownPolicy.maintenanceWindows.0.timeZone',
      /known IANA time zone/,
    ],
  ];

  test.each(cases)('%s', (_name, spec, path, message) => {
    expect(issuePaths(spec)).toEqual([path]);
    expect(issueMessages(spec).join('\n')).toMatch(message);
  });
});

test('a missing required field is reported at its path', () => {
  const rest: Partial<NodeGroupSpecInput> = { ...minimal };
  delete rest.kubernetesVersion;
  expect(issuePaths(rest)).toEqual(['kubernetesVersion']);
});

test('minNodes <= maxNodes is exactly the rule, for any pair in range', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 1, max: 1000 }),
      (min, max) => {
        const ok = NodeGroupSpec.safeParse({ ...minimal, minNodes: min, maxNodes: max }).success;
        return ok === min <= max;
      },
    ),
  );
});

test('parsing is idempotent: a defaulted spec parses to itself (as defaulting on every read must)', () => {
  const windows = fc.array(
    fc.record({
      days: fc.uniqueArray(fc.constantFrom('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'), {
        minLength: 1,
        maxLength: 7,
      }),
      start: fc.constantFrom('00:00', '06:30', '22:00'),
      end: fc.constantFrom('05:00', '24:00'),
    }),
    { maxLength: 3 },
  );
  fc.assert(
    fc.property(
      fc.record(
        {
          enabled: fc.boolean(),
          utilizationThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
          maxConcurrentScaleDowns: fc.integer({ min: 1, max: 100 }),
          maintenanceWindows: windows,
        },
        { requiredKeys: [] },
      ),
      (policy) => {
        const once = NodeGroupSpec.parse(withScaleDown(policy));
        expect(NodeGroupSpec.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
      },
    ),
  );
});

test('status: conditions are metav1.Condition, at most one per type', () => {
  const condition = {
    type: 'Ready',
    status: 'True',
    lastTransitionTime: '2025-01-01T00:00:00Z',
    reason: 'AllNodesReady',
    message: '',
  };
  const ok = NodeGroupStatus.safeParse({ currentNodes: 1, conditions: [condition] });
  expect(ok.error).toBeUndefined();
  const twice = NodeGroupStatus.safeParse({ conditions: [condition, condition] });
  expect(twice.error!.issues.map((i) => i.path.join('.'))).toEqual(['conditions.1.type']);
  const badStatus = NodeGroupStatus.safeParse({ conditions: [{ ...condition, status: 'Yes' }] });
  expect(badStatus.error!.issues.map((i) => i.path.join('.'))).toEqual(['conditions.0.status']);
});

test('status: scale-down pause and backoff', () => {
  const status = NodeGroupStatus.parse({
    scaleDownPause: {
      paused: true,
      reason: 'incident 42',
      pausedBy: 'alice',
      since: '2025-01-01T00:00:00Z',
      expiresAt: '2025-01-01T04:00:00+01:00',
    },
    backoff: {
      until: '2025-01-01T00:05:00Z',
      consecutiveFailures: 2,
      lastFailureReason: 'QuotaExceeded',
    },
  });
  expect(status.scaleDownPause?.paused).toBe(true);
  expect(
    NodeGroupStatus.safeParse({
      backoff: { consecutiveFailures: -1, until: 'x' },
    }).error!.issues.map((i) => i.path.join('.')),
  ).toEqual(['backoff.until', 'backoff.consecutiveFailures']);
});
