// `npm run demo`: the whole system locally on embedded defaults, all on 127.0.0.1. It starts a
// Temporal dev server (with its Web UI), a real control plane (kwok for kubelets), the CRDs, the
// VPSie simulator (its VMs join the cluster as kwok nodes), the worker and the controller as
// separate processes, and Prometheus scraping both. Then it applies deploy/examples/demo/ (a
// NodeGroup and two VPSieNodes), narrates their provisioning, deletes one VPSieNode to show a
// scale-down, and keeps everything up until Ctrl-C.
//
// `--once`: the same, then it checks the outcome (both nodes became Ready; the deleted one's VM,
// Node and VPSieNode are gone; Prometheus scrapes the worker), tears everything down and exits
// 0, or 1 with what failed.
import * as k8s from '@kubernetes/client-node';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, VERSION } from '../../src/apis/v1alpha1';
import { createLogger } from '../../src/logging/logger';
import {
  DEFAULT_SIMULATOR_TOKEN,
  startVpsieSimulator,
  type VpsieSimulator,
} from '../../src/simulator';
import { provisioningStatusQuery, provisionWorkflowId } from '../../src/workflows/provision-node';
import { scaleDownStatusQuery, scaleDownWorkflowId } from '../../src/workflows/scale-down-node';
import {
  httpOk,
  startAutoscalerProcess,
  stopAutoscalerProcess,
  waitForProcess,
  type AutoscalerProcess,
} from './lib/autoscaler-processes';
import { LOCAL_DIR, REPO_ROOT } from './lib/components';
import { startCluster, stopCluster } from './lib/local-cluster';
import { applyManifests, describeObject, installCrds, readManifests } from './lib/manifests';
import { isRunning, logTail, sleep } from './lib/processes';
import { startPrometheus, stopPrometheus } from './lib/prometheus-server';
import { startTemporal, stopTemporal } from './lib/temporal-dev-server';
import { Narrator, Timeline } from './lib/timeline';

const NAME = 'demo';
const SAMPLE_DIR = join(REPO_ROOT, 'deploy/examples/demo');
const NAMESPACE = 'vpsie-demo';
const NODE_GROUP = 'demo-workers';
const SCALED_DOWN = 'demo-1';
const TEMPORAL_NAMESPACE = 'default';
const TASK_QUEUE = 'vpsie-autoscaler';
const PROVISION_TIMEOUT_MS = 180_000;
const SCALE_DOWN_TIMEOUT_MS = 180_000;
const once = process.argv.includes('--once');

/** What is running, for shutdown (each part is stopped only if it was started). */
const running: {
  temporal?: boolean;
  cluster?: boolean;
  sim?: VpsieSimulator;
  worker?: AutoscalerProcess;
  controller?: AutoscalerProcess;
  prometheus?: boolean;
  narrator?: Narrator;
  connection?: Connection;
} = {};

const timeline = new Timeline();

class DemoCheckFailed extends Error {}
class Interrupted extends Error {}

// Ctrl-C at any time stops everything that was started: during start-up after the current step
// (each is bounded), afterwards at once. Children run in their own process groups, so the
// terminal's SIGINT reaches only us and we stop them in order.
let stopRequested = 0;
let requestStop: () => void = () => undefined;
const stopSignal = new Promise<void>((resolve) => (requestStop = resolve));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The tsx launcher relays the terminal's Ctrl-C too: the same press arrives twice.
    if (stopRequested) {
      if (Date.now() - stopRequested > 1000) console.log('still stopping the children');
      return;
    }
    stopRequested = Date.now();
    console.log(`\n${signal}: stopping`);
    requestStop();
  });
}

function checkpoint(): void {
  if (stopRequested) throw new Interrupted('interrupted');
}

async function main(): Promise<void> {
  console.log(`vpsie-autoscaler demo${once ? ' (--once: check, then tear down)' : ''}`);
  const logDir = join(LOCAL_DIR, 'autoscaler', NAME);
  mkdirSync(logDir, { recursive: true });

  // Fresh history: the cluster below is new on every start, so old workflows would only act on
  // objects that no longer exist (and a finished provision/<ns>/<name> blocks that name).
  running.temporal = true;
  const temporal = await startTemporal(NAME, TEMPORAL_NAMESPACE, { fresh: true });
  const workflowsUrl = `${temporal.uiUrl}/namespaces/${TEMPORAL_NAMESPACE}/workflows`;
  const workflowUrl = (id: string) => `${workflowsUrl}/${encodeURIComponent(id)}`;
  timeline.say(`Temporal dev server ${temporal.address}, Web UI ${temporal.uiUrl}`);

  checkpoint();
  running.cluster = true;
  const cluster = await startCluster(NAME);
  timeline.say(
    `Kubernetes API ${cluster.apiServerUrl} (etcd, kube-apiserver, scheduler, ` +
      `controller-manager, kwok)`,
  );
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const crds = await installCrds(kc, join(REPO_ROOT, 'crds'));
  timeline.say(`CRDs installed: ${crds.join(', ')}`);

  checkpoint();
  const simLog = join(logDir, 'simulator.log');
  rmSync(simLog, { force: true });
  running.sim = await startVpsieSimulator({
    cluster: { kubeconfigPath: cluster.kubeconfig },
    logger: createLogger({ format: 'text', write: (line) => appendFileSync(simLog, `${line}\n`) }),
  });
  const sim = running.sim;
  timeline.say(`VPSie simulator ${sim.url} (VMs boot in 2 s, then join the cluster as kwok nodes)`);

  checkpoint();
  const settings = {
    temporalAddress: temporal.address,
    taskQueue: TASK_QUEUE,
    kubeconfig: cluster.kubeconfig,
    vpsieBaseUrl: sim.url,
    vpsieToken: DEFAULT_SIMULATOR_TOKEN,
  };
  running.worker = await startAutoscalerProcess(NAME, 'worker', settings);
  running.controller = await startAutoscalerProcess(NAME, 'controller', settings);
  const { worker, controller } = running;
  running.connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: running.connection, namespace: TEMPORAL_NAMESPACE });
  await waitForProcess(worker, 'the worker to poll its task queue', 90_000, async () => {
    const queue = await client.workflowService.describeTaskQueue({
      namespace: TEMPORAL_NAMESPACE,
      taskQueue: { name: TASK_QUEUE },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (queue.pollers?.length ?? 0) > 0;
  });
  timeline.say(`worker polling task queue "${TASK_QUEUE}" (pid ${worker.pid})`);
  await waitForProcess(controller, 'the controller to be ready', 90_000, () =>
    httpOk(`${controller.healthUrl}/readyz`),
  );
  timeline.say(`controller ready: watching VPSieNodes and Nodes (pid ${controller.pid})`);

  checkpoint();
  running.prometheus = true;
  const prometheus = await startPrometheus(NAME, {
    targets: [
      { address: worker.metricsAddress, labels: { component: 'worker' } },
      { address: controller.metricsAddress, labels: { component: 'controller' } },
    ],
  });
  timeline.say(`Prometheus ${prometheus.url} scraping the worker and the controller every 5 s`);

  checkpoint();
  running.narrator = new Narrator({ kc, namespace: NAMESPACE, sim, timeline, workflowUrl });
  await running.narrator.start();

  checkpoint();
  const sample = readManifests(SAMPLE_DIR);
  await applyManifests(kc, sample);
  timeline.say(
    `applied ${SAMPLE_DIR.slice(REPO_ROOT.length + 1)}/: ${sample.map(describeObject).join(', ')}`,
  );
  const vpsieNodes = sample
    .filter((obj) => obj.kind === 'VPSieNode')
    .map((obj) => obj.metadata!.name!);

  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const diagnose = diagnostics(client, worker, controller, vpsieNodes);
  try {
    await waitForProvisioning(custom, core, sim, vpsieNodes);
    timeline.say(
      `all ${vpsieNodes.length} VPSieNodes Ready; scale-down: deleting VPSieNode ${SCALED_DOWN}`,
    );
    await custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'vpsienodes',
      name: SCALED_DOWN,
    });
    await waitForScaleDown(custom, core, sim, vpsieNodes);
    timeline.say(`scale-down of ${SCALED_DOWN} done: VM deleted at VPSie, Node and VPSieNode gone`);
    timeline.say(`Prometheus: ${await waitForScrapes(prometheus.url)}`);
  } catch (err) {
    if (err instanceof Interrupted) throw err;
    await diagnose(err);
    if (once) throw err;
    console.error('The demo did not go as planned (above); the stack stays up for a look.');
  }

  printSummary({
    temporal,
    workflowsUrl,
    prometheusUrl: prometheus.url,
    cluster,
    sim,
    worker,
    controller,
    simLog,
  });
  if (once) {
    console.log('--once: all checks passed; tearing down');
    return;
  }
  console.log('Running until Ctrl-C; further changes to VPSieNodes and Nodes are narrated here.');
  const exited = new Set<string>();
  const watchdog = setInterval(() => {
    for (const proc of [worker, controller]) {
      if (!exited.has(proc.component) && !isRunning(proc.pid)) {
        exited.add(proc.component);
        timeline.say(
          `the ${proc.component} exited; end of ${proc.logFile}:\n${logTail(proc.logFile)}`,
        );
      }
    }
  }, 2_000);
  await stopSignal;
  clearInterval(watchdog);
}

interface VpsieNodeObject {
  status?: { phase?: string; lastError?: string };
}

async function readVpsieNode(custom: k8s.CustomObjectsApi, name: string) {
  try {
    return (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'vpsienodes',
      name,
    })) as VpsieNodeObject;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

async function readNode(core: k8s.CoreV1Api, name: string) {
  try {
    return await core.readNode({ name });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

const nodeReady = (node: k8s.V1Node | undefined) =>
  node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Polls `check` until it returns a value; `check` throws to fail at once. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    checkpoint();
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof DemoCheckFailed) throw err;
      last = err;
    }
    await sleep(250);
  }
  const detail = last
    ? ` (last error: ${last instanceof Error ? last.message : String(last)})`
    : '';
  throw new DemoCheckFailed(`${what}: not within ${timeoutMs / 1000} s${detail}`);
}

/** Every VPSieNode Ready, its Node Ready and its VM running at VPSie. */
async function waitForProvisioning(
  custom: k8s.CustomObjectsApi,
  core: k8s.CoreV1Api,
  sim: VpsieSimulator,
  names: string[],
): Promise<void> {
  for (const name of names) {
    await waitFor(`VPSieNode ${name} to become Ready`, PROVISION_TIMEOUT_MS, async () => {
      const status = (await readVpsieNode(custom, name))?.status;
      if (status?.phase === 'Failed') {
        throw new DemoCheckFailed(
          `VPSieNode ${name} failed to provision: ${status.lastError ?? 'no error recorded'}`,
        );
      }
      return status?.phase === 'Ready' ? true : undefined;
    });
    if (!nodeReady(await readNode(core, name))) {
      throw new DemoCheckFailed(`VPSieNode ${name} is Ready but Node ${name} is not Ready`);
    }
    const vms = sim.state.vmsByHostname(name);
    if (vms.length !== 1 || vms[0]!.phase !== 'running') {
      throw new DemoCheckFailed(
        `VPSieNode ${name} is Ready but the simulator has ${vms.length} VM(s) named ${name}` +
          (vms[0] ? ` (${vms[0].phase})` : ''),
      );
    }
  }
}

/** The scaled-down node's VPSieNode, Node and VM gone; the other nodes untouched. */
async function waitForScaleDown(
  custom: k8s.CustomObjectsApi,
  core: k8s.CoreV1Api,
  sim: VpsieSimulator,
  names: string[],
): Promise<void> {
  await waitFor(
    `scale-down of ${SCALED_DOWN} (VM deleted at VPSie, Node and VPSieNode removed)`,
    SCALE_DOWN_TIMEOUT_MS,
    async () => {
      const vmGone = sim.state.vmsByHostname(SCALED_DOWN).length === 0;
      const nodeGone = (await readNode(core, SCALED_DOWN)) === undefined;
      const vpsieNodeGone = (await readVpsieNode(custom, SCALED_DOWN)) === undefined;
      return vmGone && nodeGone && vpsieNodeGone ? true : undefined;
    },
  );
  if (!sim.state.deletedVms().some((vm) => vm.hostname === SCALED_DOWN)) {
    throw new DemoCheckFailed(`the simulator has no record of deleting VM ${SCALED_DOWN}`);
  }
  for (const name of names.filter((n) => n !== SCALED_DOWN)) {
    const phase = (await readVpsieNode(custom, name))?.status?.phase;
    if (phase !== 'Ready' || sim.state.vmsByHostname(name).length !== 1) {
      throw new DemoCheckFailed(`VPSieNode ${name} should be untouched, but is ${phase ?? 'gone'}`);
    }
  }
}

interface PromVector {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function promQuery(url: string, expr: string): Promise<PromVector['data']['result']> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as PromVector;
  if (body.status !== 'success') throw new Error(`query ${expr}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Waits until Prometheus has scraped the worker successfully (and, best effort, the
 * controller); returns what it has of both. */
async function waitForScrapes(url: string): Promise<string> {
  const up = async (component: string) =>
    (await promQuery(url, `up{job="vpsie-autoscaler",component="${component}"}`))[0]?.value[1];
  await waitFor(
    'Prometheus to scrape the worker (up{component="worker"} == 1)',
    60_000,
    async () => ((await up('worker')) === '1' ? true : undefined),
  );
  await waitFor('', 15_000, async () =>
    (await up('controller')) === '1' ? true : undefined,
  ).catch((err: unknown) => {
    if (!(err instanceof DemoCheckFailed)) throw err;
  });
  const provisioned = await promQuery(
    url,
    'sum by (result) (vpsie_autoscaler_node_provisioning_duration_seconds_count)',
  );
  return [
    `up{component="worker"}=${await up('worker')}`,
    `up{component="controller"}=${(await up('controller')) ?? 'not scraped yet'}`,
    ...provisioned.map(
      (r) => `node provisionings (result=${r.metric.result ?? '?'}): ${r.value[1]}`,
    ),
  ].join(', ');
}

/** On failure: each workflow's own account of where it stands (status query), and both logs. */
function diagnostics(
  client: Client,
  worker: AutoscalerProcess,
  controller: AutoscalerProcess,
  vpsieNodes: string[],
) {
  return async (err: unknown) => {
    if (once) running.narrator?.stop();
    console.error(`\nFAILED: ${err instanceof Error ? err.message : String(err)}`);
    const workflows: Array<[string, QueryDefinition<unknown>]> = [
      ...vpsieNodes.map((name): [string, QueryDefinition<unknown>] => [
        provisionWorkflowId({ namespace: NAMESPACE, name }),
        provisioningStatusQuery,
      ]),
      [scaleDownWorkflowId({ namespace: NAMESPACE, nodeName: SCALED_DOWN }), scaleDownStatusQuery],
    ];
    for (const [id, query] of workflows) {
      try {
        const handle = client.workflow.getHandle(id);
        const { status } = await handle.describe();
        const state = await handle.query(query).catch((e: unknown) => `(query failed: ${e})`);
        console.error(`workflow ${id}: ${status.name} ${JSON.stringify(state)}`);
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) console.error(`workflow ${id}: ${String(e)}`);
      }
    }
    for (const proc of [worker, controller]) {
      console.error(`--- end of the ${proc.component} log (${proc.logFile}) ---`);
      console.error(logTail(proc.logFile, 30));
    }
  };
}

function printSummary(s: {
  temporal: { address: string };
  workflowsUrl: string;
  prometheusUrl: string;
  cluster: { kubeconfig: string; dir: string };
  sim: VpsieSimulator;
  worker: AutoscalerProcess;
  controller: AutoscalerProcess;
  simLog: string;
}): void {
  const rel = (path: string) =>
    path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length + 1) : path;
  const kubectl = `kubectl --kubeconfig ${rel(s.cluster.kubeconfig)}`;
  const cli = `VPSIE_AUTOSCALER_TEMPORAL_ADDRESS=${s.temporal.address} npx tsx src/cli/main.ts`;
  const group = `${NAMESPACE}/${NODE_GROUP}`;
  console.log(
    [
      '',
      'Everything runs on 127.0.0.1:',
      `  Temporal Web UI     ${s.workflowsUrl}`,
      `  Prometheus          ${s.prometheusUrl}/graph?g0.expr=${encodeURIComponent('up{job="vpsie-autoscaler"}')}`,
      `  worker metrics      ${s.worker.metricsUrl}   log ${rel(s.worker.logFile)}`,
      `  controller metrics  ${s.controller.metricsUrl}   log ${rel(s.controller.logFile)}`,
      `  VPSie simulator     ${s.sim.url}   log ${rel(s.simLog)}`,
      `  Kubernetes          ${kubectl} get nodegroups,vpsienodes -n ${NAMESPACE}; get nodes`,
      `                      control-plane logs in ${rel(s.cluster.dir)}/logs`,
      'Pause scale-down (running scale-downs stop before their next destructive step), then resume:',
      `  ${cli} pause-scale-down --nodegroup ${group} --for 1h --reason "demo"`,
      `  ${cli} scale-down-status --nodegroup ${group}`,
      `  ${cli} resume-scale-down --nodegroup ${group}`,
      `Scale down by hand: ${kubectl} delete vpsienode -n ${NAMESPACE} demo-2`,
      '',
    ].join('\n'),
  );
}

let shuttingDown: Promise<void> | undefined;

function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    console.log('stopping: controller, worker, simulator, Prometheus, control plane, Temporal');
    running.narrator?.stop();
    const steps: Array<[boolean, () => Promise<void>]> = [
      [running.controller !== undefined, () => stopAutoscalerProcess(NAME, 'controller')],
      [running.worker !== undefined, () => stopAutoscalerProcess(NAME, 'worker')],
      [running.connection !== undefined, () => running.connection!.close()],
      [running.sim !== undefined, () => running.sim!.close()],
      [running.prometheus === true, () => stopPrometheus(NAME)],
      [running.cluster === true, () => stopCluster(NAME)],
      [running.temporal === true, () => stopTemporal(NAME)],
    ];
    for (const [started, stop] of steps) {
      if (started) {
        await stop().catch((err: unknown) => console.error(`while stopping: ${String(err)}`));
      }
    }
    console.log('stopped');
  })();
  return shuttingDown;
}

main().then(
  async () => {
    await shutdown();
    process.exit(0);
  },
  async (err: unknown) => {
    if (err instanceof Interrupted) {
      await shutdown();
      process.exit(130);
    }
    if (!(err instanceof DemoCheckFailed)) {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    }
    await shutdown();
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
