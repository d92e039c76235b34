// Every recorder validates all of its arguments before recording, so an invalid call throws a
// MetricInputError naming the argument, the value and what is allowed, and changes nothing.
import { MetricInputError } from '../../../src/metrics/metric-input-error';
import type { Metrics } from '../../../src/metrics/recorders';
import { freshMetrics } from './support';

const g = { nodeGroup: 'workers', namespace: 'prod' };
// Casts stand for callers that bypass the types (strings read from the cluster, plain JS).
const any = <T>(value: unknown) => value as T;

// [title, the invalid call, argument the error names, value it reports, allowed values it lists]
const cases: Array<[string, (m: Metrics) => void, string, unknown, RegExp]> = [
  [
    'unknown blocked reason',
    (m) => m.recordScaleDownBlocked({ ...g, reason: any('too_busy') }),
    'reason',
    'too_busy',
    /pdb, system_pods, .*policy_disabled/,
  ],
  [
    'unknown check type',
    (m) => m.recordSafetyCheckFailure({ ...g, checkType: any('PDB') }),
    'checkType',
    'PDB',
    /pdb, system_pods/,
  ],
  [
    'unknown drain status',
    (m) => m.recordNodeDrain({ ...g, status: any('ok'), durationSeconds: 1, podsEvicted: 1 }),
    'status',
    'ok',
    /success, timeout, error/,
  ],
  [
    'negative drain duration',
    (m) => m.recordNodeDrain({ ...g, status: 'success', durationSeconds: -1, podsEvicted: 1 }),
    'durationSeconds',
    -1,
    />= 0/,
  ],
  [
    'NaN drain duration',
    (m) => m.recordNodeDrain({ ...g, status: 'success', durationSeconds: NaN, podsEvicted: 1 }),
    'durationSeconds',
    NaN,
    /finite/,
  ],
  [
    'infinite drain duration',
    (m) =>
      m.recordNodeDrain({ ...g, status: 'success', durationSeconds: Infinity, podsEvicted: 1 }),
    'durationSeconds',
    Infinity,
    /finite/,
  ],
  [
    'negative pod count',
    (m) => m.recordNodeDrain({ ...g, status: 'error', durationSeconds: 5, podsEvicted: -2 }),
    'podsEvicted',
    -2,
    /whole number >= 0/,
  ],
  [
    'fractional pod count',
    (m) => m.recordNodeDrain({ ...g, status: 'error', durationSeconds: 5, podsEvicted: 1.5 }),
    'podsEvicted',
    1.5,
    /whole number/,
  ],
  [
    'string duration',
    (m) => m.recordNodeTermination({ ...g, durationSeconds: any('10') }),
    'durationSeconds',
    '10',
    /finite/,
  ],
  [
    'zero nodes removed',
    (m) => m.recordScaleDown({ ...g, nodesRemoved: 0 }),
    'nodesRemoved',
    0,
    />= 1/,
  ],
  [
    'unknown scale-down error',
    (m) => m.recordScaleDownError({ ...g, errorType: any('boom') }),
    'errorType',
    'boom',
    /drain_timeout/,
  ],
  [
    'non-boolean paused',
    (m) => m.setScaleDownPaused({ ...g, paused: any(1) }),
    'paused',
    1,
    /true, false/,
  ],
  ['zero nodes added', (m) => m.recordScaleUp({ ...g, nodesAdded: 0 }), 'nodesAdded', 0, />= 1/],
  [
    'unknown decision',
    (m) => m.recordScalingDecision({ ...g, decision: any('grow'), reason: 'steady' }),
    'decision',
    'grow',
    /scale_up, scale_down, no_change/,
  ],
  [
    'unknown decision reason',
    (m) => m.recordScalingDecision({ ...g, decision: 'scale_up', reason: any('vibes') }),
    'reason',
    'vibes',
    /unschedulable_pods/,
  ],
  [
    'unknown provisioning reason',
    (m) => m.recordNodeProvisioningFailed({ ...g, durationSeconds: 1, reason: any('oops') }),
    'reason',
    'oops',
    /quota, boot_timeout, join_timeout, vpsie_api, invalid_spec, cancelled, unknown/,
  ],
  [
    'negative provisioning time',
    (m) => m.recordNodeProvisioningSucceeded({ ...g, durationSeconds: -0.5 }),
    'durationSeconds',
    -0.5,
    />= 0/,
  ],
  [
    'negative node count',
    (m) => m.recordNodeGroupStatus({ ...g, desired: 1, current: -1, ready: 0, min: 0, max: 3 }),
    'current',
    -1,
    /whole number/,
  ],
  [
    'unknown phase count',
    (m) => m.setVpsieNodePhaseCounts({ ...g, counts: any({ Ready: 1, Running: 2 }) }),
    'counts key',
    'Running',
    /Pending, Provisioning, Provisioned, Joining, Ready, Terminating, Deleting, Failed/,
  ],
  [
    'negative phase count',
    (m) => m.setVpsieNodePhaseCounts({ ...g, counts: { Ready: -1 } }),
    'counts.Ready',
    -1,
    /whole number/,
  ],
  [
    'unknown from phase',
    (m) => m.recordVpsieNodePhaseTransition({ ...g, from: any('ready'), to: 'Ready' }),
    'from',
    'ready',
    /Pending/,
  ],
  [
    'unknown to phase',
    (m) => m.recordVpsieNodePhaseTransition({ ...g, from: 'Ready', to: any('Gone') }),
    'to',
    'Gone',
    /Deleting/,
  ],
  [
    'unknown reconcile result',
    (m) => m.recordReconcile(any({ controller: 'c', result: 'meh', durationSeconds: 1 })),
    'result',
    'meh',
    /success, requeue, error/,
  ],
  [
    'error without type',
    (m) => m.recordReconcile(any({ controller: 'c', result: 'error', durationSeconds: 1 })),
    'errorType',
    undefined,
    /kubernetes_api/,
  ],
  [
    'error type on success',
    (m) =>
      m.recordReconcile(
        any({ controller: 'c', result: 'success', errorType: 'conflict', durationSeconds: 1 }),
      ),
    'errorType',
    'conflict',
    /only with result "error"/,
  ],
  [
    'negative reconcile time',
    (m) => m.recordReconcile({ controller: 'c', result: 'success', durationSeconds: -3 }),
    'durationSeconds',
    -3,
    />= 0/,
  ],
  [
    'negative pending pods',
    (m) => m.setPendingPods({ web: 2, batch: -1 }),
    'byNamespace.batch',
    -1,
    /whole number/,
  ],
  [
    'unknown constraint',
    (m) => m.recordUnschedulablePod({ namespace: 'web', constraint: any('gpu') }),
    'constraint',
    'gpu',
    /cpu, memory/,
  ],
  [
    'non-string node group',
    (m) => m.recordScaleDownBlocked({ ...g, nodeGroup: any(undefined), reason: 'pdb' }),
    'nodeGroup',
    undefined,
    /a string/,
  ],
  [
    'bad API status',
    (m) => m.recordVpsieApiRequest({ method: 'GET', status: '42', durationSeconds: 1 }),
    'status',
    '42',
    /HTTP code 100-599, transport_error, timeout/,
  ],
  [
    'unknown API error type',
    (m) => m.recordVpsieApiError({ method: 'GET', errorType: any('weird') }),
    'errorType',
    'weird',
    /not_found, permanent, rate_limited, auth, transient/,
  ],
  [
    'unknown circuit state',
    (m) => m.setVpsieApiCircuitState(any('ajar')),
    'state',
    'ajar',
    /closed, open, half_open/,
  ],
];

test.each(cases)(
  'rejects %s and records nothing',
  async (_title, call, argument, value, allowed) => {
    const { registry, metrics } = freshMetrics();
    // Some data first, so "unchanged" covers existing series too.
    metrics.recordScaleDownBlocked({ ...g, reason: 'pdb' });
    metrics.setPendingPods({ web: 1 });
    metrics.recordNodeGroupStatus({ ...g, desired: 1, current: 1, ready: 1, min: 0, max: 3 });
    const before = await registry.metrics();

    let thrown: unknown;
    try {
      call(metrics);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MetricInputError);
    const error = thrown as MetricInputError;
    expect(error.argument).toBe(argument);
    expect(error.value).toEqual(value);
    expect(error.allowed).toMatch(allowed);
    expect(error.message).toContain(`invalid metric input ${argument}=`);
    expect(error.message).toContain(error.allowed);
    expect(await registry.metrics()).toBe(before);
  },
);

test('the error message shows strings quoted and numbers plainly', () => {
  expect(new MetricInputError('reason', 'x y', 'a, b').message).toBe(
    'invalid metric input reason="x y"; allowed: a, b',
  );
  expect(new MetricInputError('durationSeconds', NaN, 'a finite number').message).toBe(
    'invalid metric input durationSeconds=NaN; allowed: a finite number',
  );
});
