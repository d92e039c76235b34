// Watches VPSieNodes (an informer: list once, then watch) and makes sure each one that still
// needs provisioning has its workflow. The watch -> decide -> start-workflow flow, nothing else:
// the workflow does the work and writes status back.
import * as k8s from '@kubernetes/client-node';
import { WorkflowExecutionAlreadyStartedError, type WorkflowClient } from '@temporalio/client';
import { GROUP, VERSION, type ScaleUpReason } from '../apis/v1alpha1';
import { isNotFound } from '../kube/clients';
import { restartOnError, vpsieNodeInformer } from '../kube/informers';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/recorders';
import { provisioningDecision, type VpsieNodeView } from '../provisioning/lifecycle';
import { provisionNode, provisionWorkflowId } from '../workflows/provision-node';
import { SearchAttributes } from '../temporal/search-attributes';
import { TypedSearchAttributes } from '@temporalio/common';

type VpsieNodeObject = k8s.KubernetesObject &
  VpsieNodeView & { spec?: { createdFor?: ScaleUpReason } };

export interface ProvisioningControllerOptions {
  kubeConfig: k8s.KubeConfig;
  workflows: WorkflowClient;
  taskQueue: string;
  logger: Logger;
  metrics: Metrics;
  /** Only this namespace; all namespaces when unset. */
  namespace?: string;
  /** config.controller.failedVpsieNodeTtl, seconds: Failed VPSieNodes are deleted after it. */
  failedTtlSeconds: number;
  /**
   * config.controller.resyncSeconds: every VPSieNode is reconciled again this often, a safety
   * net for missed watch events and what makes a Failed node's TTL run out without an event.
   * 0: never.
   */
  resyncSeconds: number;
}

const CONTROLLER = 'vpsienode-provisioning';

export class ProvisioningController {
  private readonly informer: k8s.Informer<VpsieNodeObject> & k8s.ObjectCache<VpsieNodeObject>;

  constructor(private readonly options: ProvisioningControllerOptions) {
    this.informer = vpsieNodeInformer<VpsieNodeObject>(options.kubeConfig, options.namespace);
    const handle = (obj: VpsieNodeObject) => void this.reconcile(obj);
    this.informer.on('add', handle);
    this.informer.on('update', handle);
    restartOnError(this.informer, 'VPSieNode', options.logger);
  }

  private resync: NodeJS.Timeout | undefined;

  async start(): Promise<void> {
    await this.informer.start();
    if (this.options.resyncSeconds > 0) {
      this.resync = setInterval(() => {
        for (const obj of this.informer.list()) void this.reconcile(obj);
      }, this.options.resyncSeconds * 1000);
      this.resync.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    this.resync = undefined;
    await this.informer.stop();
  }

  async reconcile(obj: VpsieNodeObject): Promise<void> {
    const started = process.hrtime.bigint();
    const ref = { namespace: obj.metadata?.namespace ?? 'default', name: obj.metadata?.name ?? '' };
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const decision = provisioningDecision(obj, {
      nowMs: Date.now(),
      failedTtlMs: this.options.failedTtlSeconds * 1000,
    });
    if (decision.action === 'delete') {
      await this.deleteFailed(ref, decision.why);
      this.options.metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'success',
        durationSeconds: seconds(),
      });
      return;
    }
    if (decision.action === 'none') {
      this.options.metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'success',
        durationSeconds: seconds(),
      });
      return;
    }
    try {
      await this.options.workflows.start(provisionNode, {
        workflowId: provisionWorkflowId(ref),
        taskQueue: this.options.taskQueue,
        args: [ref],
        // A second start for the same node attaches to the running workflow; a finished one is
        // never run again for the same VPSieNode name.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Why the node exists, from the scale-up decision: shown with the workflow in the Web UI.
        ...(obj.spec?.createdFor ? { memo: { createdFor: obj.spec.createdFor } } : {}),
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SearchAttributes.operation, value: 'provision' },
          { key: SearchAttributes.vpsieNode, value: `${ref.namespace}/${ref.name}` },
          { key: SearchAttributes.phase, value: 'Pending' },
        ]),
      });
      this.options.metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'success',
        durationSeconds: seconds(),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        this.options.metrics.recordReconcile({
          controller: CONTROLLER,
          result: 'success',
          durationSeconds: seconds(),
        });
        return;
      }
      this.options.logger.error('starting provisioning failed', { vpsieNode: ref, err });
      this.options.metrics.recordReconcile({
        controller: CONTROLLER,
        result: 'error',
        errorType: 'temporal',
        durationSeconds: seconds(),
      });
    }
  }

  /** Deleting goes through the removal controller's finalizer like any other deletion. */
  private async deleteFailed(ref: { namespace: string; name: string }, why: string) {
    const custom = this.options.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    try {
      await custom.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ref.namespace,
        plural: 'vpsienodes',
        name: ref.name,
      });
      this.options.logger.info('deleted Failed VPSieNode', { vpsieNode: ref, why });
    } catch (err) {
      if (!isNotFound(err)) {
        this.options.logger.warn('deleting Failed VPSieNode failed', { vpsieNode: ref, err });
      }
    }
  }
}
