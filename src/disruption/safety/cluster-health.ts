// `cluster_health`: Cluster Autoscaler's guard. When many nodes are unready something larger is
// wrong (network, control plane), and removing capacity could make it worse. Like CA, the
// cluster is unhealthy only when unready nodes exceed BOTH the count (3) AND the share (45 %):
// a small cluster may have up to 3 unready nodes, a large one up to 45 % of its nodes.
// A node not yet Ready within its startup grace is still starting and does not count (CA's
// NotStarted); past the grace it does (CA's LongNotStarted).
import type { V1Node } from '@kubernetes/client-node';
import { timestampMs } from '../metadata';
import { isNodeReady, nodeName } from '../nodes';
import { DEFAULTS, type SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';

function isStarting(node: V1Node, nowMs: number, graceMs: number): boolean {
  const created = timestampMs(node.metadata?.creationTimestamp);
  return created !== undefined && nowMs - created < graceMs;
}

export function checkClusterHealth(
  input: Pick<SafetyInput, 'allNodes' | 'clusterHealth' | 'nowMs'>,
): CheckResult {
  const policy = input.clusterHealth ?? {};
  const okCount = policy.okUnreadyCount ?? DEFAULTS.okUnreadyCount;
  const maxPercentage = policy.maxUnreadyPercentage ?? DEFAULTS.maxUnreadyPercentage;
  const graceMs = policy.nodeStartupGraceMs ?? DEFAULTS.nodeStartupGraceMs;

  const unready = input.allNodes
    .filter((node) => !isNodeReady(node) && !isStarting(node, input.nowMs, graceMs))
    .map(nodeName);
  const total = input.allNodes.length;
  if (unready.length <= okCount || unready.length <= (maxPercentage / 100) * total) return PASS;
  return fail(
    'cluster_health',
    `${unready.length} of ${total} nodes are unready, more than ${okCount} and more than ` +
      `${maxPercentage}%: ${listNames(unready)}`,
  );
}
