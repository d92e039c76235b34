// What scale-down tests share: a NodeGroup whose nodes are tainted for this test only (so no
// other test's pods land there), nodes provisioned for real (VM in the simulator, Node joined),
// workloads pinned to the group, and the scale-down workflow started as the controller would.
import * as k8s from '@kubernetes/client-node';
import type { WorkflowClient } from '@temporalio/client';
import type { ScaleDownInput, ScaleDownTrigger } from '../../src/activities/scale-down/types';
import { LABELS } from '../../src/apis/v1alpha1';
import { provisionNode, provisionWorkflowId } from '../../src/workflows/provision-node';
import { scaleDownNode, scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import { createNodeGroup, createVpsieNode } from './autoscaler-env';

export interface TestGroup {
  namespace: string;
  name: string;
  /** The taint every node of the group carries and every test pod tolerates. */
  taint: k8s.V1Taint;
}

export async function createScaleDownGroup(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
  scaleDownPolicy: Record<string, unknown> = {},
): Promise<TestGroup> {
  const taint = { key: 'dedicated', value: name, effect: 'NoSchedule' };
  await createNodeGroup(kc, namespace, name, {
    taints: [taint],
    scaleDownPolicy: {
      cooldownSeconds: 0,
      drainTimeoutSeconds: 120,
      maxTerminationGracePeriodSeconds: 5,
      ...scaleDownPolicy,
    },
  });
  return { namespace, name, taint };
}

/** Provisions one node of the group through the real workflow; resolves when it is Ready. */
export async function provisionGroupNode(
  kc: k8s.KubeConfig,
  workflows: WorkflowClient,
  taskQueue: string,
  group: TestGroup,
  nodeName: string,
): Promise<void> {
  await createVpsieNode(kc, group.namespace, nodeName, group.name);
  const ref = { namespace: group.namespace, name: nodeName };
  const result = await workflows.execute(provisionNode, {
    workflowId: provisionWorkflowId(ref),
    taskQueue,
    args: [ref],
  });
  if (result.outcome !== 'Ready') {
    throw new Error(`provisioning ${nodeName} ended ${JSON.stringify(result)}`);
  }
}

export interface WorkloadOptions {
  replicas: number;
  /** Merged into the pod template's spec (volumes, ...). */
  podSpec?: Partial<k8s.V1PodSpec>;
  podAnnotations?: Record<string, string>;
}

/** A Deployment whose pods may run only on the group's nodes. */
export async function createGroupWorkload(
  kc: k8s.KubeConfig,
  group: TestGroup,
  name: string,
  options: WorkloadOptions,
): Promise<void> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const labels = { app: name };
  await apps.createNamespacedDeployment({
    namespace: group.namespace,
    body: {
      metadata: { name, namespace: group.namespace },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: options.podAnnotations },
          spec: {
            nodeSelector: { [LABELS.nodeGroup]: group.name },
            tolerations: [{ ...group.taint, operator: 'Equal' }],
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'app',
                image: 'registry.example/app:1',
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
            ...options.podSpec,
          },
        },
      },
    },
  });
}

export async function createPdb(
  kc: k8s.KubeConfig,
  namespace: string,
  app: string,
  budget: { minAvailable?: number; maxUnavailable?: number },
): Promise<void> {
  const policy = kc.makeApiClient(k8s.PolicyV1Api);
  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: {
      metadata: { name: app, namespace },
      spec: { selector: { matchLabels: { app } }, ...budget },
    },
  });
}

/** Running pods of an app, by node. */
export async function podsOfApp(
  kc: k8s.KubeConfig,
  namespace: string,
  app: string,
): Promise<k8s.V1Pod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp);
}

export function scaleDownInput(
  group: TestGroup,
  nodeName: string,
  trigger: ScaleDownTrigger = 'underutilized',
): ScaleDownInput {
  return {
    trigger,
    namespace: group.namespace,
    nodeGroup: group.name,
    nodeName,
    vpsieNode: nodeName,
  };
}

export function startScaleDown(
  workflows: WorkflowClient,
  taskQueue: string,
  input: ScaleDownInput,
) {
  return workflows.start(scaleDownNode, {
    workflowId: scaleDownWorkflowId(input),
    taskQueue,
    args: [input],
  });
}

/** The value of one sample line of a Prometheus text exposition, or undefined. */
export function sampleValue(text: string, name: string, labels: Record<string, string>) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
