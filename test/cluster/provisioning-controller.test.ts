// The provisioning controller against the real API server and a Temporal dev server: a new
// VPSieNode gets its provisioning workflow (once), and a Failed VPSieNode is kept for the TTL,
// then deleted by the periodic resync (no watch event announces that a TTL ran out).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { ProvisioningController } from '../../src/controller/provisioning-controller';
import { isNotFound } from '../../src/kube/clients';
import { patchVpsieNodeStatus } from '../../src/kube/custom-resources';
import { silentLogger } from '../../src/logging/logger';
import { createMetrics } from '../../src/metrics/recorders';
import { provisionWorkflowId } from '../../src/workflows/provision-node';
import { createNodeGroup, createVpsieNode, customObjects } from '../support/autoscaler-env';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';
import { installCrds } from '../support/crds';
import { createTemporalEnv } from '../support/temporal';
import { GROUP, VERSION } from '../../src/apis/v1alpha1';

const kc = kubeConfig();
const custom = customObjects(kc);
let temporal: TestWorkflowEnvironment;
let namespace: string;
let controller: ProvisioningController;
const taskQueue = `provisioning-controller-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'provctl');
  temporal = await createTemporalEnv();
  await createNodeGroup(kc, namespace, 'workers');
  controller = new ProvisioningController({
    kubeConfig: kc,
    workflows: temporal.client.workflow,
    taskQueue,
    logger: silentLogger,
    metrics: createMetrics(new Registry(), { processMetrics: false }),
    namespace,
    failedTtlSeconds: 60,
    resyncSeconds: 1,
  });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await temporal?.teardown();
});

async function exists(name: string): Promise<boolean> {
  try {
    await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'vpsienodes',
      name,
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a new VPSieNode gets its provisioning workflow, started once', async () => {
  await createVpsieNode(kc, namespace, 'fresh', 'workers');
  const handle = temporal.client.workflow.getHandle(
    provisionWorkflowId({ namespace, name: 'fresh' }),
  );
  const first = await eventually('the provisioning workflow', async () =>
    handle.describe().catch(() => undefined),
  );
  expect(first.type).toBe('provisionNode');
  // Resyncs reconcile it again every second; the running workflow is reused, not restarted.
  await new Promise((r) => setTimeout(r, 2_500));
  expect((await handle.describe()).runId).toBe(first.runId);
});

test('a Failed VPSieNode is kept for the TTL, then deleted by the resync', async () => {
  await createVpsieNode(kc, namespace, 'failed-long-ago', 'workers');
  await createVpsieNode(kc, namespace, 'failed-just-now', 'workers');
  const now = Date.now();
  await patchVpsieNodeStatus(custom, namespace, 'failed-long-ago', {
    phase: 'Failed',
    failedAt: rfc3339(now - 120_000),
    lastError: 'join timeout',
  });
  await patchVpsieNodeStatus(custom, namespace, 'failed-just-now', {
    phase: 'Failed',
    failedAt: rfc3339(now),
    lastError: 'quota',
  });
  await eventually('the expired Failed VPSieNode deleted', async () =>
    (await exists('failed-long-ago')) ? undefined : true,
  );
  // Several resyncs later, the recent one is still there for inspection.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(await exists('failed-just-now')).toBe(true);
});
