// Each predicate on its own: it passes, it fails, and it says why in words and as a metric label.
import type { V1Pod } from '@kubernetes/client-node';
import { PREDICATES, type PredicateName } from '../../../src/scheduling/predicates';
import {
  HOSTNAME,
  ZONE,
  antiAffinity,
  harness,
  node,
  pending,
  pod,
  withHostPort,
  withSpec,
} from './fixtures';

/** The verdict of one predicate for `subject` on the first node, the others bound as given. */
function check(name: PredicateName, subject: V1Pod, target = node('n1'), bound: V1Pod[] = []) {
  const { classes, nodes } = harness([subject], [target], bound);
  const [cls] = classes;
  const fits = PREDICATES[name].fits(cls!, nodes[0]!);
  return { fits, rejection: fits ? undefined : PREDICATES[name].explain(cls!, nodes[0]!) };
}

describe('node_selector', () => {
  test('every key must be on the node with that value', () => {
    const p = pending('web', { nodeSelector: { disktype: 'ssd' } });
    expect(check('node_selector', p, node('n1', { labels: { disktype: 'ssd' } })).fits).toBe(true);
    expect(check('node_selector', p, node('n1', { labels: { disktype: 'hdd' } }))).toEqual({
      fits: false,
      rejection: {
        predicate: 'node_selector',
        constraint: 'node_selector',
        reason: "node selector disktype=ssd does not match the group's labels",
      },
    });
  });
});

describe('node_affinity', () => {
  const required = (expressions: object[], fields: object[] = []) =>
    pending('web', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: expressions, matchFields: fields } as never],
          },
        },
      },
    });

  test('In / NotIn / Exists / DoesNotExist / Gt / Lt', () => {
    const n = node('n1', { labels: { zone: 'a', cores: '8' } });
    const fits = (expr: object) => check('node_affinity', required([expr]), n).fits;
    expect(fits({ key: 'zone', operator: 'In', values: ['a', 'b'] })).toBe(true);
    expect(fits({ key: 'zone', operator: 'In', values: ['b'] })).toBe(false);
    expect(fits({ key: 'zone', operator: 'NotIn', values: ['b'] })).toBe(true);
    expect(fits({ key: 'zone', operator: 'Exists' })).toBe(true);
    expect(fits({ key: 'gpu', operator: 'DoesNotExist' })).toBe(true);
    expect(fits({ key: 'cores', operator: 'Gt', values: ['4'] })).toBe(true);
    expect(fits({ key: 'cores', operator: 'Lt', values: ['4'] })).toBe(false);
  });

  test('matchFields metadata.name', () => {
    const p = required([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]);
    expect(check('node_affinity', p, node('n1')).fits).toBe(true);
    expect(check('node_affinity', p, node('n2')).fits).toBe(false);
  });

  test('the reason names the terms', () => {
    const result = check(
      'node_affinity',
      required([{ key: 'zone', operator: 'In', values: ['b'] }]),
      node('n1', { labels: { zone: 'a' } }),
    );
    expect(result.rejection).toMatchObject({
      constraint: 'node_affinity',
      reason: "required node affinity [zone In (b)] does not match the group's labels",
    });
  });
});

describe('taints', () => {
  const gpu = { key: 'gpu', value: 'true', effect: 'NoSchedule' };

  test('NoSchedule and NoExecute repel unless tolerated; PreferNoSchedule does not', () => {
    const tainted = node('n1', { taints: [gpu] });
    expect(check('taints', pending('web'), tainted).rejection).toEqual({
      predicate: 'taints',
      constraint: 'taint',
      reason: 'taint gpu=true:NoSchedule not tolerated',
    });
    const tolerant = pending('web', {
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
    expect(check('taints', tolerant, tainted).fits).toBe(true);
    const soft = node('n1', { taints: [{ ...gpu, effect: 'PreferNoSchedule' }] });
    expect(check('taints', pending('web'), soft).fits).toBe(true);
    const execute = node('n1', { taints: [{ ...gpu, effect: 'NoExecute' }] });
    expect(check('taints', pending('web'), execute).fits).toBe(false);
  });
});

describe('resources', () => {
  test('cpu, memory and a pod slot against what is free after the bound pods', () => {
    const target = node('n1', { cpu: '4', memory: '8Gi', pods: '3' });
    const busy = pod('busy', { node: 'n1', cpu: '3', memory: '2Gi' });
    expect(check('resources', pending('web', { cpu: '1' }), target, [busy]).fits).toBe(true);
    expect(check('resources', pending('web', { cpu: '1500m' }), target, [busy]).rejection).toEqual({
      predicate: 'resources',
      constraint: 'cpu',
      reason: 'needs 1500m cpu, the node has 1 free',
      shortfall: { resource: 'cpu', needed: 1500, available: 1000 },
    });
    expect(
      check('resources', pending('web', { memory: '7Gi' }), target, [busy]).rejection,
    ).toMatchObject({ constraint: 'memory', reason: 'needs 7Gi memory, the node has 6Gi free' });
    const full = [busy, pod('b2', { node: 'n1' }), pod('b3', { node: 'n1' })];
    expect(check('resources', pending('web'), target, full).rejection).toMatchObject({
      constraint: 'pods',
    });
  });

  test('an extended resource the node does not offer never fits', () => {
    const gpuPod = pending('trainer');
    gpuPod.spec!.containers[0]!.resources = { requests: { 'nvidia.com/gpu': '1' } };
    expect(check('resources', gpuPod, node('cpu-only')).rejection).toMatchObject({
      constraint: 'other',
      reason: 'needs 1 nvidia.com/gpu, the node has 0 free',
    });
    const gpuNode = node('gpu');
    gpuNode.status!.allocatable!['nvidia.com/gpu'] = '1';
    expect(check('resources', gpuPod, gpuNode).fits).toBe(true);
  });

  test('ephemeral-storage', () => {
    const p = pending('cache');
    p.spec!.containers[0]!.resources = { requests: { 'ephemeral-storage': '20Gi' } };
    const small = node('n1');
    small.status!.allocatable!['ephemeral-storage'] = '10Gi';
    expect(check('resources', p, small).rejection).toMatchObject({
      constraint: 'ephemeral_storage',
    });
  });
});

describe('host_ports', () => {
  test('same port and protocol clash; another protocol or a distinct address does not', () => {
    const target = node('n1');
    const bound = [withHostPort(pod('exporter', { node: 'n1' }), 9100)];
    expect(check('host_ports', withHostPort(pending('web'), 9100), target, bound)).toEqual({
      fits: false,
      rejection: {
        predicate: 'host_ports',
        constraint: 'other',
        reason: 'host port 9100/TCP is already bound on the node by default/exporter',
      },
    });
    expect(check('host_ports', withHostPort(pending('web'), 9100, 'UDP'), target, bound).fits).toBe(
      true,
    );
    expect(check('host_ports', withHostPort(pending('web'), 9101), target, bound).fits).toBe(true);
  });

  test('a specific address clashes with the wildcard but not with another address', () => {
    const target = node('n1');
    const onA = [withHostPort(pod('a', { node: 'n1' }), 80, 'TCP', '10.0.0.1')];
    expect(
      check('host_ports', withHostPort(pending('web'), 80, 'TCP', '10.0.0.2'), target, onA).fits,
    ).toBe(true);
    expect(
      check('host_ports', withHostPort(pending('web'), 80, 'TCP', '10.0.0.1'), target, onA).fits,
    ).toBe(false);
    expect(check('host_ports', withHostPort(pending('web'), 80), target, onA).fits).toBe(false);
    expect(
      check('host_ports', withHostPort(pending('web'), 80, 'TCP', '0.0.0.0'), target, onA).fits,
    ).toBe(false);
  });
});

describe('pod_anti_affinity', () => {
  const web = () =>
    pending('web', { labels: { app: 'web' }, affinity: antiAffinity({ app: 'web' }) });

  test("the pod's own term: no selected pod in the node's domain", () => {
    const target = node('n1');
    expect(check('pod_anti_affinity', web(), target).fits).toBe(true);
    const there = [pod('web-old', { node: 'n1', labels: { app: 'web' } })];
    expect(check('pod_anti_affinity', web(), target, there).rejection).toEqual({
      predicate: 'pod_anti_affinity',
      constraint: 'pod_anti_affinity',
      reason: `required pod anti-affinity: a pod matching app=web is already in ${HOSTNAME}=n1`,
    });
    // Another namespace is not selected by a term without namespaces.
    const elsewhere = [pod('web-old', { node: 'n1', namespace: 'other', labels: { app: 'web' } })];
    expect(check('pod_anti_affinity', web(), target, elsewhere).fits).toBe(true);
  });

  test('the terms of pods already there (symmetry), on any topology key', () => {
    const zoned = (name: string, zone: string) => node(name, { labels: { [ZONE]: zone } });
    const db = pod('db', {
      node: 'n1',
      labels: { app: 'db' },
      affinity: antiAffinity({ app: 'web' }, ZONE),
    });
    const plain = pending('web', { labels: { app: 'web' } });
    const { classes, nodes } = harness(
      [plain],
      [zoned('n1', 'a'), zoned('n2', 'a'), zoned('n3', 'b')],
      [db],
    );
    const p = PREDICATES.pod_anti_affinity;
    expect(p.fits(classes[0]!, nodes[1]!)).toBe(false);
    expect(p.explain(classes[0]!, nodes[1]!).reason).toBe(
      `a pod in ${ZONE}=a has required anti-affinity against it`,
    );
    expect(p.fits(classes[0]!, nodes[2]!)).toBe(true);
  });
});

describe('pod_affinity', () => {
  const withAffinity = (
    labels: Record<string, string>,
    selects: Record<string, string>,
    key = ZONE,
  ) =>
    pending('web', {
      labels,
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: selects }, topologyKey: key },
          ],
        },
      },
    });
  const zones = [node('n1', { labels: { [ZONE]: 'a' } }), node('n2', { labels: { [ZONE]: 'b' } })];

  test("a matching pod must be in the node's domain", () => {
    const cache = [pod('cache', { node: 'n1', labels: { app: 'cache' } })];
    const { classes, nodes } = harness(
      [withAffinity({ app: 'web' }, { app: 'cache' })],
      zones,
      cache,
    );
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[0]!)).toBe(true);
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[1]!)).toBe(false);
    expect(PREDICATES.pod_affinity.explain(classes[0]!, nodes[1]!)).toEqual({
      predicate: 'pod_affinity',
      constraint: 'pod_affinity',
      reason: `required pod affinity: no pod matching app=cache in ${ZONE}=b`,
    });
  });

  test('the first of a series that selects itself may go anywhere with the key', () => {
    const self = withAffinity({ app: 'web' }, { app: 'web' });
    const { classes, nodes } = harness([self], [...zones, node('no-zone')]);
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[0]!)).toBe(true);
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[1]!)).toBe(true);
    // ... but a node without the topology key is never in a domain.
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[2]!)).toBe(false);
    // Not when it does not match itself.
    const other = withAffinity({ app: 'web' }, { app: 'cache' });
    const h = harness([other], zones);
    expect(PREDICATES.pod_affinity.fits(h.classes[0]!, h.nodes[0]!)).toBe(false);
  });

  test('once a matching pod exists, only its domain fits', () => {
    const self = withAffinity({ app: 'web' }, { app: 'web' });
    const first = [pod('web-0', { node: 'n1', labels: { app: 'web' } })];
    const { classes, nodes } = harness([self], zones, first);
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[0]!)).toBe(true);
    expect(PREDICATES.pod_affinity.fits(classes[0]!, nodes[1]!)).toBe(false);
  });
});

describe('topology_spread', () => {
  const spread = (maxSkew: number, key = HOSTNAME, when = 'DoNotSchedule') =>
    withSpec(pending('web', { labels: { app: 'web' } }), {
      topologySpreadConstraints: [
        {
          maxSkew,
          topologyKey: key,
          whenUnsatisfiable: when,
          labelSelector: { matchLabels: { app: 'web' } },
        },
      ],
    });

  test('placing may not make a domain exceed the smallest by more than maxSkew', () => {
    const nodes = [node('n1'), node('n2')];
    const one = [pod('web-0', { node: 'n1', labels: { app: 'web' } })];
    const { classes, nodes: sim } = harness([spread(1)], nodes, one);
    // n1 would have 2 against n2's 0.
    expect(PREDICATES.topology_spread.fits(classes[0]!, sim[0]!)).toBe(false);
    expect(PREDICATES.topology_spread.explain(classes[0]!, sim[0]!)).toEqual({
      predicate: 'topology_spread',
      constraint: 'topology_spread',
      reason: `topology spread on ${HOSTNAME}: ${HOSTNAME}=n1 would have 2 matching pods against a minimum of 0 (maxSkew 1)`,
    });
    expect(PREDICATES.topology_spread.fits(classes[0]!, sim[1]!)).toBe(true);
    const loose = harness([spread(2)], nodes, one);
    expect(PREDICATES.topology_spread.fits(loose.classes[0]!, loose.nodes[0]!)).toBe(true);
  });

  test('only nodes passing the pod node selector count as domains', () => {
    const p = spread(1);
    p.spec!.nodeSelector = { pool: 'web' };
    const nodes = [node('n1', { labels: { pool: 'web' } }), node('other')];
    const one = [pod('web-0', { node: 'n1', labels: { app: 'web' } })];
    const { classes, nodes: sim } = harness([p], nodes, one);
    // The other node (0 pods) is not eligible, so the minimum is n1's own 1.
    expect(PREDICATES.topology_spread.fits(classes[0]!, sim[0]!)).toBe(true);
  });

  test('ScheduleAnyway is ignored; a node without the key is rejected', () => {
    const anyway = harness(
      [spread(1, HOSTNAME, 'ScheduleAnyway')],
      [node('n1')],
      [
        pod('web-0', { node: 'n1', labels: { app: 'web' } }),
        pod('web-1', { node: 'n1', labels: { app: 'web' } }),
      ],
    );
    expect(PREDICATES.topology_spread.fits(anyway.classes[0]!, anyway.nodes[0]!)).toBe(true);
    const zonal = harness([spread(1, ZONE)], [node('n1')]);
    expect(PREDICATES.topology_spread.fits(zonal.classes[0]!, zonal.nodes[0]!)).toBe(false);
  });
});
