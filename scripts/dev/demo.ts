// `npm run demo`: the whole system locally on embedded defaults, all on 127.0.0.1, except for
// scale-down timings shortened to seconds (DEMO_SCALING_ENV below and the NodeGroup's
// scaleDownPolicy). It starts a Temporal dev server (with its Web UI), a real control plane (kwok
// for kubelets), the CRDs, the VPSie simulator (its VMs join the cluster as kwok nodes), the
// worker and the controller as separate processes, and Prometheus scraping both. Then it applies
// deploy/examples/demo/ (a NodeGroup with minNodes 1 and three VPSieNodes), narrates their
// provisioning, deletes VPSieNode demo-1 to show an operator's scale-down, then waits for the
// controller's own decision: one of the two idle nodes left is removed as underutilised (trigger
// `underutilized`) and minNodes keeps the other. It keeps everything up until Ctrl-C.
//
// `--once`: the same, then it checks the outcome (every node became Ready; demo-1's VM, Node and
// VPSieNode are gone; exactly one of demo-2 / demo-3 was removed by an `underutilized`
// scale-down workflow and the controller then declined the other for minNodes; Prometheus
// scrapes the worker), tears everything down and exits 0, or 1 with what failed.
import * as k8s from '@kubernetes/client-node';
import {
  Client,
  Connection,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
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
import {
  scaleDownStatusQuery,
  scaleDownWorkflowId,
  type scaleDownNode,
} from '../../src/workflows/scale-down-node';
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
import { ScaleDownWatch, scaleDownRunInput, searchAttributesOf } from './lib/scale-down-watch';
import { startTemporal, stopTemporal } from './lib/temporal-dev-server';
import { Narrator, Timeline } from './lib/timeline';

const NAME = 'demo';
const SAMPLE_DIR = join(REPO_ROOT, 'deploy/examples/demo');
const NAMESPACE = 'vpsie-demo';
const NODE_GROUP = 'demo-workers';
/** Deleted by the demo, as an operator would; the autoscaler then removes one more itself. */
const SCALED_DOWN = 'demo-1';
const TEMPORAL_NAMESPACE = 'default';
const TASK_QUEUE = 'vpsie-autoscaler';
const PROVISION_TIMEOUT_MS = 180_000;
const SCALE_DOWN_TIMEOUT_MS = 180_000;
const once = process.argv.includes('--once');

// DEMO TIMINGS for the autoscaler's own scale-down: seconds where the defaults are minutes, so
// it happens within the demo. Given to the controller, which samples and decides, and to the
// worker, whose safety re-check before a removal applies the same delay after a scale-up. The
// NodeGroup's scaleDownPolicy (deploy/examples/demo/10-nodegroup.yaml) sets its own threshold,
// unneeded time (20 s) and cooldown (10 s); these are the cluster-wide settings around them.
const DEMO_SCALING_ENV = {
  // Sample every node's utilisation every 2 s (default 60).
  VPSIE_AUTOSCALER_SCALING_UTILIZATION_SAMPLE_INTERVAL_SECONDS: '2',
  // Unneeded time of groups that set none (default 600); the demo's group sets 20 s itself.
  VPSIE_AUTOSCALER_SCALING_SCALE_DOWN_UNNEEDED_SECONDS: '20',
  // Sample history per node (default 3600). Validation: interval <= unneeded <= retention.
  VPSIE_AUTOSCALER_SCALING_UTILIZATION_SAMPLE_RETENTION_SECONDS: '60',
  // No scale-down this long after a scale-up (default 600). The group's cooldownSeconds (10)
  // says the same per group; the longer of the two wins, so here the group's 10 s.
  VPSIE_AUTOSCALER_SCALING_SCALE_DOWN_DELAY_AFTER_ADD_SECONDS: '5',
};

/** What is running, for shutdown (each part is stopped only if it was started). */
const running: {
  temporal?: boolean;
  cluster?: boolean;
  sim?: VpsieSimulator;
  worker?: AutoscalerProcess;
  controller?: AutoscalerProcess;
  prometheus?: boolean;
  narrator?: Narrator;
  scaleDownWatch?: ScaleDownWatch;
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
    env: DEMO_SCALING_ENV,
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
  const narrator = running.narrator;
  running.scaleDownWatch = new ScaleDownWatch({
    client,
    nodeGroup: `${NAMESPACE}/${NODE_GROUP}`,
    timeline,
    workflowUrl,
    controllerLog: controller.logFile,
    onStart: (run) =>
      narrator.scaleDownStarted(
        run.input.vpsieNode ?? run.input.nodeName,
        run.workflowId,
        run.startMs,
      ),
  });
  running.scaleDownWatch.start();

  checkpoint();
  const sample = readManifests(SAMPLE_DIR);
  await applyManifests(kc, sample);
  timeline.say(
    `applied ${SAMPLE_DIR.slice(REPO_ROOT.length + 1)}/: ${sample.map(describeObject).join(', ')}`,
  );
  const vpsieNodes = sample
    .filter((obj) => obj.kind === 'VPSieNode')
    .map((obj) => obj.metadata!.name!);
  const group = demoGroupPolicy(sample);
  let kept: string | undefined;

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

    const idle = vpsieNodes.filter((name) => name !== SCALED_DOWN);
    timeline.say(
      `the autoscaler's own scale-down: ${idle.join(' and ')} run no pods, so they are below ` +
        `${group.utilizationThreshold * 100} % requested. The controller samples every ` +
        `${DEMO_SCALING_ENV.VPSIE_AUTOSCALER_SCALING_UTILIZATION_SAMPLE_INTERVAL_SECONDS} s and ` +
        `removes such a node after ${group.unneededTimeSeconds} s (and not within ` +
        `${group.cooldownSeconds} s of the group's last scale-up), one at a time, keeping ` +
        `minNodes ${group.minNodes}: expect one to go about ${group.unneededTimeSeconds} s ` +
        'after they joined',
    );
    const auto = await waitForAutoscalerScaleDown(
      client,
      custom,
      core,
      sim,
      controller,
      idle,
      group,
    );
    kept = auto.kept;
    timeline.say(
      `automatic scale-down of ${auto.removed} done (${auto.workflowId}: REMOVED; ` +
        `${auto.searchAttributes}); minNodes ${group.minNodes} keeps ${auto.kept}: the controller ` +
        `declined it ${auto.minNodesDeclines} times since (scale_down_blocked_total{reason="min_nodes"})`,
    );
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
    lastNode: kept ?? vpsieNodes[vpsieNodes.length - 1]!,
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

interface DemoGroupPolicy {
  minNodes: number;
  utilizationThreshold: number;
  unneededTimeSeconds: number;
  cooldownSeconds: number;
}

/** The demo NodeGroup's scale-down settings, as written in deploy/examples/demo/. */
function demoGroupPolicy(sample: k8s.KubernetesObject[]): DemoGroupPolicy {
  const group = sample.find((o) => o.kind === 'NodeGroup' && o.metadata?.name === NODE_GROUP) as
    { spec?: { minNodes?: number; scaleDownPolicy?: Partial<DemoGroupPolicy> } } | undefined;
  const spec = group?.spec;
  const policy = spec?.scaleDownPolicy ?? {};
  const { utilizationThreshold, unneededTimeSeconds, cooldownSeconds } = policy;
  if (
    spec?.minNodes === undefined ||
    utilizationThreshold === undefined ||
    unneededTimeSeconds === undefined ||
    cooldownSeconds === undefined
  ) {
    throw new Error(
      `${SAMPLE_DIR}: NodeGroup ${NODE_GROUP} needs minNodes and scaleDownPolicy ` +
        'utilizationThreshold, unneededTimeSeconds and cooldownSeconds (the demo timings)',
    );
  }
  return { minNodes: spec.minNodes, utilizationThreshold, unneededTimeSeconds, cooldownSeconds };
}

type Description = WorkflowExecutionDescription;

/** The scale-down workflows (latest run) of these nodes that exist, by node. */
async function scaleDownsOf(client: Client, names: string[]) {
  const found: Array<{ name: string; workflowId: string; description: Description }> = [];
  for (const name of names) {
    const workflowId = scaleDownWorkflowId({ namespace: NAMESPACE, nodeName: name });
    try {
      found.push({
        name,
        workflowId,
        description: await client.workflow.getHandle(workflowId).describe(),
      });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return found;
}

/** The controller's scale_down_blocked_total for the demo group, by reason. */
async function blockedReasons(metricsUrl: string): Promise<Map<string, number>> {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${metricsUrl}: HTTP ${res.status}`);
  const byReason = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const reason = /\breason="([^"]*)"/.exec(line)?.[1];
    if (
      reason !== undefined &&
      line.startsWith('vpsie_autoscaler_scale_down_blocked_total{') &&
      line.includes(`nodegroup="${NODE_GROUP}"`) &&
      line.includes(`namespace="${NAMESPACE}"`)
    ) {
      byReason.set(
        reason,
        (byReason.get(reason) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)),
      );
    }
  }
  return byReason;
}

const minNodesDeclines = async (metricsUrl: string) =>
  (await blockedReasons(metricsUrl)).get('min_nodes') ?? 0;

/** What the controller counted as blocking the group so far, for a failure message. */
async function blockedSummary(metricsUrl: string): Promise<string> {
  const byReason = await blockedReasons(metricsUrl).catch(() => undefined);
  if (!byReason) return 'the controller metrics could not be read';
  if (byReason.size === 0) return 'the controller counted no blocked scale-down';
  const counts = [...byReason].map(([reason, n]) => `${reason}=${n}`).join(', ');
  return `the controller counted blocked scale-downs: ${counts}`;
}

/**
 * The autoscaler's own decision: the controller starts an `underutilized` scale-down of exactly
 * one of `candidates` (idle, minNodes allows one to go), the workflow removes it (VM, Node and
 * VPSieNode gone), and afterwards the controller declines the other for minNodes, pass after
 * pass, without starting anything for it.
 */
async function waitForAutoscalerScaleDown(
  client: Client,
  custom: k8s.CustomObjectsApi,
  core: k8s.CoreV1Api,
  sim: VpsieSimulator,
  controller: AutoscalerProcess,
  candidates: string[],
  group: DemoGroupPolicy,
) {
  const either = candidates.join(' or ');
  const expected =
    `expected exactly one of ${candidates.join(', ')} removed by a scale-down with trigger ` +
    `underutilized and the other kept by minNodes ${group.minNodes}`;
  const delayAfterAdd = Math.max(
    group.cooldownSeconds,
    Number(DEMO_SCALING_ENV.VPSIE_AUTOSCALER_SCALING_SCALE_DOWN_DELAY_AFTER_ADD_SECONDS),
  );
  const startTimeoutMs = (group.unneededTimeSeconds + delayAfterAdd + 30) * 1000;
  const started = await waitFor(
    `the controller to start a scale-down of ${either} (${expected}; unneeded ` +
      `${group.unneededTimeSeconds} s, delay after scale-up ${delayAfterAdd} s)`,
    startTimeoutMs,
    async () => {
      const found = await scaleDownsOf(client, candidates);
      return found.length > 0 ? found : undefined;
    },
  ).catch(async (err: unknown) => {
    if (!(err instanceof DemoCheckFailed)) throw err;
    throw new DemoCheckFailed(
      `${err.message}; saw no scale-down workflow for either, and ` +
        (await blockedSummary(controller.metricsUrl)),
    );
  });
  if (started.length !== 1) {
    throw new DemoCheckFailed(
      `${expected}; saw scale-down workflows for ${started.map((s) => s.name).join(' and ')}`,
    );
  }
  const { name: removed, workflowId, description } = started[0]!;
  const runId = description.runId;
  const input = await scaleDownRunInput(client, workflowId, runId);
  if (input.trigger !== 'underutilized' || input.nodeGroup !== NODE_GROUP) {
    throw new DemoCheckFailed(
      `${expected}; saw ${workflowId} started with trigger ${input.trigger} for NodeGroup ` +
        `${input.namespace}/${input.nodeGroup}`,
    );
  }
  const kept = candidates.find((name) => name !== removed);
  if (kept === undefined) throw new Error(`the demo needs two idle nodes, has ${either}`);

  const handle = client.workflow.getHandle<typeof scaleDownNode>(workflowId, runId);
  let final: Description | undefined;
  await waitFor(
    `the autoscaler's scale-down of ${removed} (${workflowId} REMOVED; VM deleted at VPSie, ` +
      'Node and VPSieNode removed)',
    SCALE_DOWN_TIMEOUT_MS,
    async () => {
      const now = await handle.describe();
      if (now.status.name !== 'RUNNING' && now.status.name !== 'COMPLETED') {
        throw new DemoCheckFailed(`${expected}; saw ${workflowId} end ${now.status.name}`);
      }
      if (now.status.name === 'RUNNING') return undefined;
      const result = await handle.result();
      if (result.result !== 'REMOVED') {
        const why = result.result === 'BLOCKED' ? result.reason : result.errorType;
        throw new DemoCheckFailed(
          `${expected}; saw ${workflowId} end ${result.result} (${why}: ${result.message})`,
        );
      }
      const vmGone = sim.state.vmsByHostname(removed).length === 0;
      const nodeGone = (await readNode(core, removed)) === undefined;
      const vpsieNodeGone = (await readVpsieNode(custom, removed)) === undefined;
      final = now;
      return vmGone && nodeGone && vpsieNodeGone ? true : undefined;
    },
  );
  if (!sim.state.deletedVms().some((vm) => vm.hostname === removed)) {
    throw new DemoCheckFailed(`the simulator has no record of deleting VM ${removed}`);
  }

  // minNodes: the controller keeps judging `kept` unneeded, and each pass declines it for
  // min_nodes. Two more declines after the removal: two passes saw the group at minNodes.
  const before = await minNodesDeclines(controller.metricsUrl);
  const declines = await waitFor(
    `the controller to keep ${kept} for minNodes ${group.minNodes} (${expected}; ` +
      'scale_down_blocked_total{reason="min_nodes"} to grow by 2 passes after the removal)',
    20_000,
    async () => {
      const now = await minNodesDeclines(controller.metricsUrl);
      return now >= before + 2 ? now - before : undefined;
    },
  ).catch(async (err: unknown) => {
    if (!(err instanceof DemoCheckFailed)) throw err;
    throw new DemoCheckFailed(
      `${err.message}; saw min_nodes at ${before} when ${removed} was gone, and ` +
        (await blockedSummary(controller.metricsUrl)),
    );
  });
  const [other] = await scaleDownsOf(client, [kept]);
  if (other) {
    throw new DemoCheckFailed(
      `${expected}; saw a scale-down of ${kept} as well: ${other.workflowId} ` +
        `${other.description.status.name}`,
    );
  }
  const phase = (await readVpsieNode(custom, kept))?.status?.phase;
  const vms = sim.state.vmsByHostname(kept);
  const nodeIsReady = nodeReady(await readNode(core, kept));
  if (phase !== 'Ready' || !nodeIsReady || vms.length !== 1 || vms[0]!.phase !== 'running') {
    throw new DemoCheckFailed(
      `${expected}; saw ${kept}: VPSieNode ${phase ?? 'gone'}, Node ${nodeIsReady ? 'Ready' : 'not Ready'}, ` +
        `${vms.length} VM(s)${vms[0] ? ` (${vms[0].phase})` : ''}`,
    );
  }
  return {
    removed,
    kept,
    workflowId,
    minNodesDeclines: declines,
    searchAttributes: final ? searchAttributesOf(final) : '',
  };
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
 * controller and its scale-down decision); returns what it has of both. */
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
  const decisions = () =>
    promQuery(
      url,
      'sum by (reason) (vpsie_autoscaler_scaling_decisions_total{decision="scale_down"})',
    );
  // Scraped every 5 s: the controller's decision a few seconds ago may not be in yet.
  await waitFor('', 10_000, async () => ((await decisions()).length > 0 ? true : undefined)).catch(
    (err: unknown) => {
      if (!(err instanceof DemoCheckFailed)) throw err;
    },
  );
  const provisioned = await promQuery(
    url,
    'sum by (result) (vpsie_autoscaler_node_provisioning_duration_seconds_count)',
  );
  const scaledDown = await decisions();
  return [
    `up{component="worker"}=${await up('worker')}`,
    `up{component="controller"}=${(await up('controller')) ?? 'not scraped yet'}`,
    ...provisioned.map(
      (r) => `node provisionings (result=${r.metric.result ?? '?'}): ${r.value[1]}`,
    ),
    ...(scaledDown.length > 0
      ? scaledDown.map(
          (r) => `scale-down decisions (reason=${r.metric.reason ?? '?'}): ${r.value[1]}`,
        )
      : ['scale-down decisions: not scraped yet']),
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
    if (once) {
      running.narrator?.stop();
      running.scaleDownWatch?.stop();
    }
    console.error(`\nFAILED: ${err instanceof Error ? err.message : String(err)}`);
    const workflows: Array<[string, QueryDefinition<unknown>]> = [
      ...vpsieNodes.map((name): [string, QueryDefinition<unknown>] => [
        provisionWorkflowId({ namespace: NAMESPACE, name }),
        provisioningStatusQuery,
      ]),
      ...vpsieNodes.map((name): [string, QueryDefinition<unknown>] => [
        scaleDownWorkflowId({ namespace: NAMESPACE, nodeName: name }),
        scaleDownStatusQuery,
      ]),
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
  /** A node still there, for the scale-down-by-hand example. */
  lastNode: string;
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
      `Scale down by hand: ${kubectl} delete vpsienode -n ${NAMESPACE} ${s.lastNode}`,
      '',
    ].join('\n'),
  );
}

let shuttingDown: Promise<void> | undefined;

function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    console.log('stopping: controller, worker, simulator, Prometheus, control plane, Temporal');
    running.narrator?.stop();
    running.scaleDownWatch?.stop();
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
