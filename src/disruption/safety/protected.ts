// `protected`: someone said "not this node". Node side: our protected and scale-down-disabled
// keys (annotation or label, as the earlier autoscaler accepted both), Cluster Autoscaler's
// scale-down-disabled annotation, Karpenter's do-not-disrupt annotation. Pod side: CA's
// safe-to-evict "false" on a pod the drain would evict (CA ignores it on DaemonSet and mirror
// pods, which are never evicted), and Karpenter's do-not-disrupt on any running pod, DaemonSet
// and mirror pods included, exactly as Karpenter honours it.
import type { V1Node } from '@kubernetes/client-node';
import { annotationIsTrue, labelsOf } from '../metadata';
import { isActive, isMarkedNotSafeToEvict, podKey, podsDrainWouldEvict } from '../pods';
import {
  CA_SCALE_DOWN_DISABLED_ANNOTATION,
  DO_NOT_DISRUPT_ANNOTATION,
  PROTECTED_KEY,
  SAFE_TO_EVICT_ANNOTATION,
  SCALE_DOWN_DISABLED_KEY,
} from '../well-known';
import type { SafetyInput } from './input';
import { type CheckResult, fail, listNames, PASS } from './result';

function nodeProtections(node: V1Node): string[] {
  const labels = labelsOf(node);
  const reasons: string[] = [];
  for (const key of [PROTECTED_KEY, SCALE_DOWN_DISABLED_KEY]) {
    if (annotationIsTrue(node, key)) reasons.push(`node annotation ${key}="true"`);
    if (labels[key] === 'true') reasons.push(`node label ${key}="true"`);
  }
  for (const key of [CA_SCALE_DOWN_DISABLED_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION]) {
    if (annotationIsTrue(node, key)) reasons.push(`node annotation ${key}="true"`);
  }
  return reasons;
}

export function checkProtected(input: Pick<SafetyInput, 'node' | 'podsOnNode'>): CheckResult {
  const reasons = nodeProtections(input.node);
  const pods = new Set<string>();

  const doNotDisrupt = input.podsOnNode
    .filter((pod) => isActive(pod) && annotationIsTrue(pod, DO_NOT_DISRUPT_ANNOTATION))
    .map(podKey);
  if (doNotDisrupt.length > 0) {
    reasons.push(`${DO_NOT_DISRUPT_ANNOTATION}="true" on ${listNames(doNotDisrupt)}`);
    doNotDisrupt.forEach((key) => pods.add(key));
  }

  const notSafe = podsDrainWouldEvict(input.podsOnNode).filter(isMarkedNotSafeToEvict).map(podKey);
  if (notSafe.length > 0) {
    reasons.push(`${SAFE_TO_EVICT_ANNOTATION}="false" on ${listNames(notSafe)}`);
    notSafe.forEach((key) => pods.add(key));
  }

  if (reasons.length === 0) return PASS;
  const podList = pods.size > 0 ? [...pods] : undefined;
  return fail('protected', `protected from scale-down: ${reasons.join('; ')}`, podList);
}
