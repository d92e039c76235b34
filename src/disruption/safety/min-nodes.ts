// `min_nodes`: removing the node would leave the group below minNodes. Nodes already being
// deleted do not count as remaining: the earlier Go autoscaler counted them and, one scale-down
// at a time, deleted whole groups. Counting names rather than numbers makes a node that is both
// current and deleting (or is the candidate itself) impossible to count twice.
import { nodeName } from '../nodes';
import type { SafetyInput } from './input';
import { type CheckResult, fail, PASS } from './result';

export function checkMinNodes(input: Pick<SafetyInput, 'node' | 'group'>): CheckResult {
  const { minNodes, currentNodes, deletingNodes } = input.group;
  const candidate = nodeName(input.node);
  const deleting = new Set(deletingNodes);
  const remaining = new Set(currentNodes.filter((n) => n !== candidate && !deleting.has(n)));
  if (remaining.size >= minNodes) return PASS;
  const inFlight = deleting.size > 0 ? ` (${deleting.size} already being deleted)` : '';
  return fail(
    'min_nodes',
    `removing ${candidate} would leave ${remaining.size} node(s), below minNodes ${minNodes}` +
      inFlight,
  );
}
