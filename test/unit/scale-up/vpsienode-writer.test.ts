import { VPSieNode } from '../../../src/apis/v1alpha1';
import { namePrefix, vpsieNodeFor } from '../../../src/controller/scale-up/vpsienode-writer';

test('generated names stay DNS labels, whatever the group is called', () => {
  expect(namePrefix('web')).toBe('web-');
  expect(namePrefix('gpu.workers')).toBe('gpu-workers-');
  const long = namePrefix('a'.repeat(200));
  expect(long.length).toBeLessThanOrEqual(58);
  expect(`${long}x7k2p`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
});

test('a planned node becomes a valid VPSieNode that says why it exists', () => {
  const pods = Array.from({ length: 30 }, (_, i) => `shop/web-${i}`);
  const body = vpsieNodeFor(
    {
      group: { namespace: 'shop', name: 'web' },
      offeringId: 'medium',
      reason: { kind: 'unschedulable_pods', pods, summary: '30 pods fit no node' },
    },
    'dc1',
    Date.parse('2026-12-04T12:00:00.123Z'),
  );
  expect(body.metadata.generateName).toBe('web-');
  expect(body.spec).toMatchObject({
    nodeGroupName: 'web',
    datacenterID: 'dc1',
    instanceType: 'medium',
  });
  expect(body.spec.createdFor).toEqual({
    trigger: 'UnschedulablePods',
    summary: '30 pods fit no node',
    decidedAt: '2026-12-04T12:00:00Z',
    pods: pods.slice(0, 20),
    podCount: 30,
  });
  // The object passes the same schema the CRD is generated from.
  expect(VPSieNode.safeParse(body).success).toBe(true);
});

test('a minNodes top-up says so and lists no pods', () => {
  const body = vpsieNodeFor(
    {
      group: { namespace: 'shop', name: 'web' },
      offeringId: 'small',
      reason: { kind: 'below_min_nodes', pods: [], summary: 'web has 0 of minNodes 1' },
    },
    'dc1',
    0,
  );
  expect(body.spec.createdFor).toEqual({
    trigger: 'BelowMinNodes',
    summary: 'web has 0 of minNodes 1',
    decidedAt: '1970-01-01T00:00:00Z',
  });
});
