import { constraintsInMessage } from '../../../src/scheduling/scheduler-message';

test.each([
  ['0/3 nodes are available: 3 Insufficient cpu.', false, ['cpu']],
  ['0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.', false, ['cpu', 'memory']],
  [
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
    true,
    ['node_selector'],
  ],
  [
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
    false,
    ['node_affinity'],
  ],
  ['0/1 nodes are available: 1 node(s) had untolerated taint {gpu: true}.', false, ['taint']],
  [
    "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules.",
    false,
    ['pod_anti_affinity'],
  ],
  [
    "0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints.",
    false,
    ['topology_spread'],
  ],
  ['0/1 nodes are available: 1 Too many pods.', false, ['pods']],
  ['something new', false, ['other']],
  [undefined, false, ['other']],
] as const)('%s -> %j', (message, onlySelector, expected) => {
  expect(constraintsInMessage(message, onlySelector).sort()).toEqual([...expected].sort());
});
