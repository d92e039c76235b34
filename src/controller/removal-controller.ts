// Deleting one of our Nodes (`kubectl delete node`) or a VPSieNode must not orphan a VM: both
// carry our finalizer, so the API server keeps them until this controller has started the
// scale-down workflow, which drains, deletes the VM and then releases the finalizers.
import * as k8s from '@kubernetes/client-node';
import { WorkflowExecutionAlreadyStartedError, type WorkflowClient } from '@temporalio/client';
import { FINALIZERS, GROUP, LABELS, MANAGED_LABEL_VALUE, VERSION } from '../apis/v1alpha1';
import type { ScaleDownInput } from '../activities/scale-down/types';
import { apiStatus, isNotFound, mergePatch } from '../kube/clients';
import { restartOnError, vpsieNodeInformer } from '../kube/informers';
import type { Logger } from '../logging/logger';
import { provisionWorkflowId } from '../workflows/provision-node';
import { startScaleDownWorkflow } from './start-scale-down';

interface OwnedObject extends k8s.KubernetesObject {
  spec?: { nodeGroupName?: string; nodeName?: string };
}

export interface RemovalControllerOptions {
  kubeConfig: k8s.KubeConfig;
  workflows: WorkflowClient;
  taskQueue: string;
  logger: Logger;
  /** Only VPSieNodes of this namespace, and Nodes of its NodeGroups; all when unset. */
  namespace?: string;
}

/** Pure: what a deleted object of ours should become as a scale-down request. */
export function removalRequest(
  obj: OwnedObject,
  kind: 'Node' | 'VPSieNode',
): ScaleDownInput | undefined {
  const meta = obj.metadata ?? {};
  if (!meta.deletionTimestamp) return undefined;
  const finalizer = kind === 'Node' ? FINALIZERS.node : FINALIZERS.vpsieNode;
  if (!meta.finalizers?.includes(finalizer)) return undefined;
  if (kind === 'Node') {
    const labels = meta.labels ?? {};
    const namespace = labels[LABELS.nodeGroupNamespace];
    const nodeGroup = labels[LABELS.nodeGroup];
    if (!namespace || !nodeGroup || !meta.name) return undefined;
    return {
      trigger: 'node-deleted',
      namespace,
      nodeGroup,
      nodeName: meta.name,
      vpsieNode: labels[LABELS.vpsieNode],
    };
  }
  if (!meta.namespace || !meta.name || !obj.spec?.nodeGroupName) return undefined;
  return {
    trigger: 'vpsienode-deleted',
    namespace: meta.namespace,
    nodeGroup: obj.spec.nodeGroupName,
    nodeName: obj.spec.nodeName ?? meta.name,
    vpsieNode: meta.name,
  };
}

export class RemovalController {
  private readonly informers: Array<k8s.Informer<OwnedObject>> = [];

  constructor(private readonly options: RemovalControllerOptions) {
    const { kubeConfig } = options;
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const ns = options.namespace;
    // Nodes are cluster-scoped: a namespaced controller selects those of its groups by label.
    const selector = [
      `${LABELS.managed}=${MANAGED_LABEL_VALUE}`,
      ...(ns ? [`${LABELS.nodeGroupNamespace}=${ns}`] : []),
    ].join(',');
    const nodes = k8s.makeInformer<OwnedObject>(
      kubeConfig,
      '/api/v1/nodes',
      () =>
        core.listNode({ labelSelector: selector }) as Promise<
          k8s.KubernetesListObject<OwnedObject>
        >,
      selector,
    );
    const vpsieNodes = vpsieNodeInformer<OwnedObject>(kubeConfig, ns);
    const watch = (informer: k8s.Informer<OwnedObject>, kind: 'Node' | 'VPSieNode') => {
      const handle = (obj: OwnedObject) => void this.reconcile(obj, kind);
      informer.on('add', handle);
      informer.on('update', handle);
      restartOnError(informer, kind, options.logger);
      this.informers.push(informer);
    };
    watch(nodes, 'Node');
    watch(vpsieNodes, 'VPSieNode');
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  async reconcile(obj: OwnedObject, kind: 'Node' | 'VPSieNode'): Promise<void> {
    if (kind === 'VPSieNode' && !obj.metadata?.deletionTimestamp) {
      await this.ensureVpsieNodeFinalizer(obj);
      return;
    }
    const request = removalRequest(obj, kind);
    if (!request) return;
    // The informer's copy may be older than the object: a removal that just released our
    // finalizer (and finished) must not be started again from a stale event.
    if (!(await this.stillAwaitingRemoval(obj, kind))) return;
    if (kind === 'VPSieNode') await this.cancelProvisioning(request);
    try {
      await startScaleDownWorkflow(
        this.options.workflows,
        this.options.taskQueue,
        request,
        'USE_EXISTING',
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        this.options.logger.error('starting removal failed', { request, err });
      }
    }
  }

  private async stillAwaitingRemoval(obj: OwnedObject, kind: 'Node' | 'VPSieNode') {
    const name = obj.metadata?.name ?? '';
    const { kubeConfig } = this.options;
    try {
      const current: OwnedObject =
        kind === 'Node'
          ? ((await kubeConfig.makeApiClient(k8s.CoreV1Api).readNode({ name })) as OwnedObject)
          : ((await kubeConfig.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: obj.metadata?.namespace ?? '',
              plural: 'vpsienodes',
              name,
            })) as OwnedObject);
      return removalRequest(current, kind) !== undefined;
    } catch (err) {
      if (isNotFound(err)) return false;
      // Cannot tell: go ahead as the event says (a running removal is reused, not repeated).
      this.options.logger.warn(`re-reading ${kind} ${name} failed`, { err });
      return true;
    }
  }

  /** A VPSieNode being deleted mid-provisioning: stop that workflow (it deletes its own VM). */
  private async cancelProvisioning(request: ScaleDownInput): Promise<void> {
    if (!request.vpsieNode) return;
    const handle = this.options.workflows.getHandle(
      provisionWorkflowId({ namespace: request.namespace, name: request.vpsieNode }),
    );
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') {
        await handle.cancel();
        await handle.result().catch(() => undefined);
      }
    } catch {
      // Never started, or already gone: nothing to stop.
    }
  }

  private async ensureVpsieNodeFinalizer(obj: OwnedObject): Promise<void> {
    const meta = obj.metadata ?? {};
    if (!meta.name || !meta.namespace || meta.finalizers?.includes(FINALIZERS.vpsieNode)) return;
    const custom = this.options.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    await custom
      .patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace: meta.namespace,
          plural: 'vpsienodes',
          name: meta.name,
          // resourceVersion makes the patch conditional: the finalizer list is replaced whole,
          // so a concurrent change must not be overwritten (the informer brings it back here).
          body: {
            metadata: {
              resourceVersion: meta.resourceVersion,
              finalizers: [...(meta.finalizers ?? []), FINALIZERS.vpsieNode],
            },
          },
        },
        mergePatch,
      )
      .catch((err: unknown) => {
        if (!isNotFound(err) && apiStatus(err) !== 409)
          this.options.logger.warn('adding VPSieNode finalizer failed', { err });
      });
  }
}
