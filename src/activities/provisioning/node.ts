// The Kubernetes side of a new node: waiting for it to register and turn Ready, then making
// sure it carries the NodeGroup's labels and taints, our managed labels and our finalizer.
import { Context } from '@temporalio/activity';
import type * as k8s from '@kubernetes/client-node';
import { FINALIZERS } from '../../apis/v1alpha1';
import { isNotFound, mergePatch } from '../../kube/clients';
import { permanent } from '../failures';
import { noteAttempt } from './attempts';
import type { ProvisioningDeps } from './deps';
import { FailureTypes, type NodeTaint, type ProvisioningPlan, type VpsieNodeRef } from './types';

const isReady = (node: k8s.V1Node) =>
  node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export function waitForNodeReadyActivity(deps: ProvisioningDeps) {
  return async function waitForNodeReady(
    input: { nodeName: string; timeoutSeconds: number },
    attempt: number,
  ): Promise<void> {
    noteAttempt(deps, 'waitForNodeReady', attempt);
    const ctx = Context.current();
    const deadline = Date.now() + input.timeoutSeconds * 1000;
    for (;;) {
      const node = await deps.kube.core.readNode({ name: input.nodeName }).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      const ready = node !== undefined && isReady(node);
      ctx.heartbeat({ registered: node !== undefined, ready });
      if (ready) return;
      if (Date.now() >= deadline) {
        throw permanent(
          FailureTypes.joinTimeout,
          node
            ? `Node ${input.nodeName} registered but not Ready within ${input.timeoutSeconds}s`
            : `Node ${input.nodeName} did not register within ${input.timeoutSeconds}s`,
        );
      }
      await ctx.sleep(deps.pollIntervalMs);
    }
  };
}

const sameTaint = (a: NodeTaint | k8s.V1Taint, b: NodeTaint) =>
  a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

export function applyNodeMetadataActivity(deps: ProvisioningDeps) {
  return async function applyNodeMetadata(
    _ref: VpsieNodeRef,
    input: { plan: ProvisioningPlan },
    attempt: number,
  ): Promise<void> {
    noteAttempt(deps, 'applyNodeMetadata', attempt);
    const { plan } = input;
    const node = await deps.kube.core.readNode({ name: plan.nodeName });
    // The kubelet was asked for these at registration; a template that forgot them, or a
    // kubelet that refused some, is corrected here (the old autoscaler never applied them).
    const existing = node.spec?.taints ?? [];
    const missing = plan.taints.filter((t) => !existing.some((e) => sameTaint(e, t)));
    const labelsOk = Object.entries(plan.labels).every(
      ([k, v]) => node.metadata?.labels?.[k] === v,
    );
    // Our finalizer routes `kubectl delete node` through the scale-down workflow (drain, delete
    // the VM) instead of orphaning the VM.
    const finalizers = node.metadata?.finalizers ?? [];
    const finalizerOk = finalizers.includes(FINALIZERS.node);
    if (labelsOk && missing.length === 0 && finalizerOk) return;
    await deps.kube.core.patchNode(
      {
        name: plan.nodeName,
        body: {
          metadata: {
            labels: plan.labels,
            ...(finalizerOk ? {} : { finalizers: [...finalizers, FINALIZERS.node] }),
          },
          ...(missing.length > 0 ? { spec: { taints: [...existing, ...missing] } } : {}),
        },
      },
      mergePatch,
    );
  };
}
