// The DrainTimeout message: operators read it in the workflow, events and NodeGroup status.
import { drainTimeoutMessage } from '../../../src/activities/scale-down/drain-timeout';

test('names each refused pod with the PDB covering it and the API server explanation', () => {
  const message = drainTimeoutMessage({
    nodeName: 'node-1',
    timeoutSeconds: 300,
    notEvicted: [
      {
        key: 'shop/db-0',
        pdbs: ['shop/db'],
        refusal: 'The disruption budget db needs 2 healthy pods and has 2 currently',
      },
      { key: 'shop/db-1', pdbs: ['shop/db', 'shop/db-extra'] },
      { key: 'shop/x' },
    ],
    stillTerminating: [],
  });
  expect(message).toBe(
    'drain of node node-1 did not finish within 300s: 3 pods not evicted: ' +
      'shop/db-0 (blocked by PodDisruptionBudget shop/db: The disruption budget db needs 2 ' +
      'healthy pods and has 2 currently), ' +
      'shop/db-1 (blocked by PodDisruptionBudgets shop/db, shop/db-extra), shop/x',
  );
});

test('names pods that were evicted but did not terminate in time', () => {
  expect(
    drainTimeoutMessage({
      nodeName: 'node-1',
      timeoutSeconds: 60,
      notEvicted: [],
      stillTerminating: [{ key: 'shop/slow' }],
    }),
  ).toBe(
    'drain of node node-1 did not finish within 60s: 1 pod evicted but still terminating: shop/slow',
  );
});

test('names at most ten pods per list, then counts the rest', () => {
  const many = Array.from({ length: 25 }, (_, i) => ({ key: `ns/p${i}` }));
  const message = drainTimeoutMessage({
    nodeName: 'n',
    timeoutSeconds: 5,
    notEvicted: many,
    stillTerminating: [],
  });
  expect(message).toContain('25 pods not evicted: ns/p0, ');
  expect(message).toContain('ns/p9 and 15 more');
  expect(message).not.toContain('ns/p10');
});
