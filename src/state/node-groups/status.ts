// The observed state of one NodeGroup, computed from the group, its VPSieNodes and our Nodes:
// the status fields the reconciler owns (sizes, the node list, its conditions), the VPSieNode
// count per phase for vpsienode_phase, and which nodes are above maxNodes. Pure: no I/O, the
// clock is an input. Fields other writers own (lastScaleUpTime, lastScaleDownTime, backoff,
// scaleDownPause) are read, never produced.
import type { V1Node } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  MAX_NODES_LIMIT,
  VPSIE_NODE_PHASES,
  type Condition,
  type NodeGroup,
  type NodeGroupNodeStatus,
  type NodeGroupStatus,
  type VPSieNode,
  type VPSieNodePhase,
} from '../../apis/v1alpha1';
import {
  listNames,
  mergeConditions,
  storedConditions,
  toCondition,
  type ConditionObservation,
} from './conditions';
import { selectExcess, type ExcessOptions, type ExcessSelection } from './excess';
import { groupMembers, type Member } from './members';

export interface NodeGroupStatusInput {
  /** Validated (defaults applied). */
  group: NodeGroup;
  /** VPSieNodes of the group's namespace; those of other groups are ignored. */
  vpsieNodes: readonly VPSieNode[];
  /** Nodes with our labels; those of other groups are ignored. */
  nodes: readonly V1Node[];
  nowMs: number;
  /** Only for `excess`: removals in progress and nodes to pass over (see excess.ts). */
  excess?: ExcessOptions;
}

/** The status fields this reconciler writes; nothing else is ever in its patch. */
export interface OwnedStatus {
  observedGeneration?: number;
  currentNodes: number;
  desiredNodes: number;
  readyNodes: number;
  nodes: NodeGroupNodeStatus[];
  /** The stored list with our five conditions merged in (others kept as they are). */
  conditions: Condition[];
}

export interface NodeGroupObservation {
  status: OwnedStatus;
  /** Every VPSieNode of the group per phase (no phase yet: Pending), for vpsienode_phase. */
  phaseCounts: Record<VPSieNodePhase, number>;
  members: Member[];
  excess: ExcessSelection;
}

export { MAX_NODES_LIMIT };
export type { Member } from './members';
export type { ExcessChoice, ExcessOptions, ExcessSelection } from './excess';
export { selectExcess } from './excess';

export function observeNodeGroup(input: NodeGroupStatusInput): NodeGroupObservation {
  const { group, nowMs } = input;
  const { namespace = '', name = '', generation } = group.metadata;
  const { minNodes, maxNodes } = group.spec;
  const members = groupMembers(namespace, name, input.vpsieNodes, input.nodes);
  const counted = members.filter((m) => m.counted);
  const currentNodes = counted.length;
  const readyNodes = counted.filter((m) => m.nodeReady).length;
  const desiredNodes = Math.min(maxNodes, Math.max(minNodes, currentNodes));
  const excess = selectExcess(group, members, input.excess);

  const error = errorCondition(group, members, nowMs);
  const observations: ConditionObservation[] = [
    readyCondition(readyNodes, minNodes, error),
    scalingCondition(members),
    atMinCondition(currentNodes, minNodes),
    atMaxCondition(currentNodes, maxNodes, excess),
    error,
  ];
  const stored = storedConditions(group.status?.conditions);
  const ours = observations.map((o) => toCondition(o, stored, nowMs, generation));

  const phaseCounts = Object.fromEntries(VPSIE_NODE_PHASES.map((p) => [p, 0])) as Record<
    VPSieNodePhase,
    number
  >;
  for (const m of members) phaseCounts[m.phase]++;

  return {
    status: {
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      currentNodes,
      desiredNodes,
      readyNodes,
      nodes: nodeList(members),
      conditions: mergeConditions(stored, ours),
    },
    phaseCounts,
    members,
    excess,
  };
}

/** Whether `observed` says anything the stored status does not (order of conditions aside). */
export function statusDiffers(stored: NodeGroupStatus | undefined, observed: OwnedStatus): boolean {
  const s = stored ?? {};
  if (
    s.observedGeneration !== observed.observedGeneration ||
    s.currentNodes !== observed.currentNodes ||
    s.desiredNodes !== observed.desiredNodes ||
    s.readyNodes !== observed.readyNodes ||
    !isDeepStrictEqual(s.nodes ?? [], observed.nodes)
  ) {
    return true;
  }
  const byType = new Map((s.conditions ?? []).map((c) => [c.type, c]));
  return (
    byType.size !== observed.conditions.length ||
    observed.conditions.some((c) => !isDeepStrictEqual(byType.get(c.type), c))
  );
}

/**
 * The conditions of a NodeGroup that fails validation: Error and Ready say why, the others are
 * left as they were (nothing else about the group can be trusted).
 */
export function invalidSpecConditions(
  storedRaw: unknown,
  message: string,
  nowMs: number,
  generation: number | undefined,
): Condition[] {
  const stored = storedConditions(storedRaw);
  const why = `the NodeGroup is invalid and is not reconciled: ${message}`;
  const ours: ConditionObservation[] = [
    { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: why },
    { type: 'Error', status: 'True', reason: 'InvalidSpec', message: why },
  ];
  return mergeConditions(
    stored,
    ours.map((o) => toCondition(o, stored, nowMs, generation)),
  );
}

function nodeList(members: readonly Member[]): NodeGroupNodeStatus[] {
  return members
    .map((m): NodeGroupNodeStatus => {
      const { spec, status, metadata } = m.vpsieNode;
      const createdAt = status?.createdAt ?? metadata.creationTimestamp;
      // Absent fields are left out rather than undefined: the stored status has no such keys,
      // and comparing with it must not see a difference that is not there.
      return {
        nodeName: m.nodeName,
        ...(spec.vpsID ? { vpsID: spec.vpsID } : {}),
        instanceType: spec.instanceType,
        status: m.phase,
        ...(createdAt ? { createdAt } : {}),
        ...(status?.readyAt ? { readyAt: status.readyAt } : {}),
        ...(spec.ipAddress ? { ipAddress: spec.ipAddress } : {}),
      };
    })
    .sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0))
    .slice(0, MAX_NODES_LIMIT);
}

function readyCondition(
  ready: number,
  minNodes: number,
  error: ConditionObservation,
): ConditionObservation {
  if (error.status === 'True') {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'GroupError',
      message: `${ready} node(s) Ready, but the group reports an error: ${error.message}`,
    };
  }
  if (ready < minNodes) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'InsufficientReadyNodes',
      message: `${ready} node(s) Ready, fewer than minNodes ${minNodes}`,
    };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'MinNodesReady',
    message: `${ready} node(s) Ready (minNodes ${minNodes})`,
  };
}

function scalingCondition(members: readonly Member[]): ConditionObservation {
  const up = members.filter((m) => m.provisioning && !m.removing).map((m) => m.nodeName);
  const down = members.filter((m) => m.removing).map((m) => m.nodeName);
  const parts = [
    ...(up.length ? [`${up.length} node(s) provisioning: ${listNames(up)}`] : []),
    ...(down.length ? [`${down.length} node(s) being removed: ${listNames(down)}`] : []),
  ];
  if (parts.length === 0) {
    return {
      type: 'Scaling',
      status: 'False',
      reason: 'Stable',
      message: 'no node is being provisioned or removed',
    };
  }
  const reason =
    up.length && down.length ? 'ScalingUpAndDown' : up.length ? 'ScalingUp' : 'ScalingDown';
  return { type: 'Scaling', status: 'True', reason, message: parts.join('; ') };
}

function atMinCondition(current: number, minNodes: number): ConditionObservation {
  if (current > minNodes) {
    return {
      type: 'AtMinCapacity',
      status: 'False',
      reason: 'AboveMinNodes',
      message: `${current} node(s), above minNodes ${minNodes}`,
    };
  }
  return {
    type: 'AtMinCapacity',
    status: 'True',
    reason: current < minNodes ? 'BelowMinNodes' : 'AtMinNodes',
    message:
      current < minNodes
        ? `${current} node(s), below minNodes ${minNodes}`
        : `${current} node(s), at minNodes ${minNodes}: no further scale-down`,
  };
}

function atMaxCondition(
  current: number,
  maxNodes: number,
  excess: ExcessSelection,
): ConditionObservation {
  if (current < maxNodes) {
    return {
      type: 'AtMaxCapacity',
      status: 'False',
      reason: 'BelowMaxNodes',
      message: `${current} node(s), below maxNodes ${maxNodes}`,
    };
  }
  if (current === maxNodes) {
    return {
      type: 'AtMaxCapacity',
      status: 'True',
      reason: 'AtMaxNodes',
      message: `${current} node(s), at maxNodes ${maxNodes}: no further scale-up`,
    };
  }
  const what = excess.disabled
    ? 'scaleDownPolicy.enabled is false, so the excess stays'
    : 'the excess is scaled down, newest Ready node first';
  return {
    type: 'AtMaxCapacity',
    status: 'True',
    reason: 'AboveMaxNodes',
    message: `${current} node(s), ${current - maxNodes} above maxNodes ${maxNodes}: ${what}`,
  };
}

function errorCondition(group: NodeGroup, members: readonly Member[], nowMs: number) {
  const problems: string[] = [];
  const backoff = group.status?.backoff;
  const backingOff = backoff !== undefined && Date.parse(backoff.until) > nowMs;
  if (backingOff) {
    const why = backoff.lastFailureReason ? `: ${backoff.lastFailureReason}` : '';
    problems.push(
      `scale-up backing off until ${backoff.until} after ${backoff.consecutiveFailures} ` +
        `failure(s)${why}`,
    );
  }
  const failed = members
    .filter((m) => m.phase === 'Failed')
    .map((m) => {
      const reason = m.vpsieNode.status?.failureReason;
      return reason ? `${m.vpsieNode.metadata.name} (${reason})` : `${m.vpsieNode.metadata.name}`;
    });
  if (failed.length) problems.push(`${failed.length} VPSieNode(s) Failed: ${listNames(failed)}`);
  if (problems.length === 0) {
    return {
      type: 'Error',
      status: 'False',
      reason: 'NoError',
      message: 'no scale-up backoff and no Failed VPSieNodes',
    } satisfies ConditionObservation;
  }
  return {
    type: 'Error',
    status: 'True',
    reason: backingOff ? 'ScaleUpBackoff' : 'NodesFailed',
    message: problems.join('; '),
  } satisfies ConditionObservation;
}
