import { FINALIZERS, LABELS } from '../../../src/apis/v1alpha1';
import { removalRequest } from '../../../src/controller/removal-controller';

const deleted = '2026-11-25T10:00:00Z';

test('a deleted Node of ours becomes a node-deleted scale-down of its group', () => {
  const node = {
    metadata: {
      name: 'web-abc',
      deletionTimestamp: deleted as unknown as Date,
      finalizers: [FINALIZERS.node],
      labels: {
        [LABELS.nodeGroup]: 'web',
        [LABELS.nodeGroupNamespace]: 'prod',
        [LABELS.vpsieNode]: 'web-abc',
      },
    },
  };
  expect(removalRequest(node, 'Node')).toEqual({
    trigger: 'node-deleted',
    namespace: 'prod',
    nodeGroup: 'web',
    nodeName: 'web-abc',
    vpsieNode: 'web-abc',
  });
});

test('a deleted VPSieNode becomes a vpsienode-deleted scale-down', () => {
  const vn = {
    metadata: {
      name: 'web-abc',
      namespace: 'prod',
      deletionTimestamp: deleted as unknown as Date,
      finalizers: [FINALIZERS.vpsieNode],
    },
    spec: { nodeGroupName: 'web' },
  };
  expect(removalRequest(vn, 'VPSieNode')).toMatchObject({
    trigger: 'vpsienode-deleted',
    nodeName: 'web-abc',
    vpsieNode: 'web-abc',
  });
});

test('objects not being deleted, or without our finalizer, need nothing', () => {
  const labels = { [LABELS.nodeGroup]: 'web', [LABELS.nodeGroupNamespace]: 'prod' };
  expect(
    removalRequest({ metadata: { name: 'n', labels, finalizers: [FINALIZERS.node] } }, 'Node'),
  ).toBeUndefined();
  expect(
    removalRequest(
      { metadata: { name: 'n', labels, deletionTimestamp: deleted as unknown as Date } },
      'Node',
    ),
  ).toBeUndefined();
});
