// Taints with effect NoSchedule or NoExecute that the pod does not tolerate keep it off the node
// (PreferNoSchedule is only a preference). DaemonSet pods tolerate the node.kubernetes.io/*
// condition taints (not-ready, unreachable, disk-pressure, unschedulable, ...) because the
// DaemonSet controller adds those tolerations to every pod it creates; a template pod does not
// carry them yet, so they are granted here.
import type { V1Taint } from '@kubernetes/client-node';
import { describeTaint, tolerates } from '../../disruption/taints';
import type { PodClass } from '../pod-class';
import type { SimNode } from '../sim-node';
import type { Predicate } from './predicate';

const NODE_CONDITION_TAINT_PREFIX = 'node.kubernetes.io/';

function repels(cls: PodClass, taint: V1Taint): boolean {
  if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') return false;
  if (cls.daemonSet && taint.key.startsWith(NODE_CONDITION_TAINT_PREFIX)) return false;
  return !cls.tolerations.some((t) => tolerates(t, taint));
}

function firstRepelling(cls: PodClass, node: SimNode): V1Taint | undefined {
  return node.taints.find((taint) => repels(cls, taint));
}

export const taints: Predicate = {
  static: true,
  fits: (cls, node) => firstRepelling(cls, node) === undefined,
  explain(cls, node) {
    const taint = firstRepelling(cls, node);
    return {
      predicate: 'taints',
      constraint: 'taint',
      reason: `taint ${taint ? describeTaint(taint) : '?'} not tolerated`,
    };
  },
};
