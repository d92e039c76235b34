// VPSieNode parsing: spec identity fields, lifecycle phases and status.
import {
  VPSIE_NODE_PHASES,
  VPSieNode,
  VPSieNodeSpec,
  VPSieNodeStatus,
  exampleVPSieNode,
} from '../../../src/apis/v1alpha1';

const spec = exampleVPSieNode.spec;

function issuePaths(result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[] }> };
}) {
  return result.success ? [] : result.error!.issues.map((issue) => issue.path.join('.'));
}

test('the documented example is valid', () => {
  expect(VPSieNode.parse(exampleVPSieNode)).toEqual(exampleVPSieNode);
});

test('the phases are the lifecycle of the reference, in order', () => {
  expect(VPSIE_NODE_PHASES).toEqual([
    'Pending',
    'Provisioning',
    'Provisioned',
    'Joining',
    'Ready',
    'Terminating',
    'Deleting',
    'Failed',
  ]);
  for (const phase of VPSIE_NODE_PHASES) {
    expect(VPSieNodeStatus.safeParse({ phase }).success).toBe(true);
  }
  expect(issuePaths(VPSieNodeStatus.safeParse({ phase: 'Running' }))).toEqual(['phase']);
});

test('a status with timestamps, conditions, error and workflow id parses', () => {
  const status = {
    phase: 'Failed',
    createdAt: '2025-01-01T00:00:00Z',
    provisionedAt: '2025-01-01T00:03:00Z',
    failedAt: '2025-01-01T00:18:00Z',
    conditions: [
      {
        type: 'NodeJoined',
        status: 'False',
        reason: 'JoinTimeout',
        message: 'node did not register within 900s',
        lastTransitionTime: '2025-01-01T00:18:00Z',
      },
    ],
    lastError: 'node did not register within 900s',
    failureReason: 'JoinTimeout',
    workflowId: 'provision/default/workers-7f3k2',
  };
  expect(VPSieNodeStatus.parse(status)).toEqual(status);
});

test.each([
  ['nodeGroupName', { ...spec, nodeGroupName: 'Workers' }, 'nodeGroupName'],
  ['nodeName that is not a DNS label', { ...spec, nodeName: 'a.b' }, 'nodeName'],
  ['ipAddress', { ...spec, ipAddress: '10.0.0.300' }, 'ipAddress'],
  ['ipv6Address', { ...spec, ipv6Address: '10.0.0.1' }, 'ipv6Address'],
  ['vpsID with a slash', { ...spec, vpsID: '../vm' }, 'vpsID'],
  ['kubernetesVersion', { ...spec, kubernetesVersion: 'latest' }, 'kubernetesVersion'],
])('an invalid %s is refused at its path', (_name, invalid, path) => {
  expect(issuePaths(VPSieNodeSpec.safeParse(invalid))).toEqual([path]);
});

test('failureReason is a CamelCase reason and timestamps are RFC 3339', () => {
  expect(
    issuePaths(
      VPSieNodeStatus.safeParse({
        phase: 'Failed',
        failureReason: 'join timeout',
        readyAt: 'yesterday',
      }),
    ),
  ).toEqual(['readyAt', 'failureReason']);
});
