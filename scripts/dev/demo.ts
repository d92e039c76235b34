// `npm run demo`: the whole system locally on embedded defaults, all on 127.0.0.1, except for
// scale-down timings shortened to seconds (DEMO_SCALING_ENV below and the NodeGroup's
// scaleDownPolicy). It starts a Temporal dev server (with its Web UI), a real control plane (kwok
// for kubelets, the real kube-scheduler), the CRDs, the VPSie simulator (its VMs join the cluster
// as kwok nodes), the worker and the controller as separate processes, and Prometheus scraping
// both. Then the autoscaler's whole loop, narrated with times:
//
// 1. It applies deploy/examples/demo/ without the workload: the namespace and NodeGroup
//    demo-workers (minNodes 1, plans small and medium), no VPSieNodes. The controller tops the
//    group up to minNodes: one VPSieNode (createdFor.trigger BelowMinNodes, the cheapest plan),
//    provisioned by its workflow until its Node is Ready.
// 2. It applies the workload, deploy/examples/demo/30-workload.yaml: Deployment web, 6 pods of
//    1200m CPU / 512Mi selecting the group's nodes. One fits on the first node, five stay pending;
//    the controller batches them and creates the nodes the cheapest plan needs for them (the demo
//    works the expectation out itself from the manifests and the simulator's plans: 2 medium
//    nodes). Narrated from applying the workload: pods pending → VPSieNodes created (with
//    createdFor.summary) → VM create requests at VPSie → Nodes Ready → pods Running (bound by the
//    kube-scheduler), with the provisioning workflows' Web UI links.
// 3. It scales web to 1 replica. The nodes left idle become underutilised and the controller
//    removes them one at a time (scale-down workflows with trigger `underutilized`: cordon,
//    drain, delete the VM, delete the Node); minNodes keeps the last one.
// Then it prints the URLs and handy commands and keeps everything up until Ctrl-C.
//
// `--once`: the same, checking each step strictly (exactly the expected VPSieNodes with the
// expected trigger and plan, their VMs at the simulator and Nodes Ready, all 6 pods Running and
// none Pending; at the end exactly max(minNodes, 1) node left in the group, every other one
// removed by an `underutilized` scale-down workflow with its VM deleted at VPSie and its Node
// gone, the remaining pod Running; Prometheus scrapes the worker), then tears everything down and
// exits 0, or 1 saying what was expected and what was seen.
import * as k8s from '@kubernetes/client-node';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, NodeGroup, VERSION } from '../../src/apis/v1alpha1';
import { createLogger } from '../../src/logging/logger';
import { parseQuantity } from '../../src/state/quantity';
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
import { PodWatch } from './lib/pod-watch';
import { isRunning, logTail, sleep } from './lib/processes';
import { startPrometheus, stopPrometheus } from './lib/prometheus-server';
import {
  ScaleDownWatch,
  scaleDownRunInput,
  searchAttributesOf,
  type ScaleDownRun,
} from './lib/scale-down-watch';
import {
  cheapestPlan,
  describeOption,
  expectScaleUp,
  podRequest,
} from './lib/scale-up-expectation';
import { startTemporal, stopTemporal } from './lib/temporal-dev-server';
import { Narrator, Timeline } from './lib/timeline';

const NAME = 'demo';
const SAMPLE_DIR = join(REPO_ROOT, 'deploy/examples/demo');
const NAMESPACE = 'vpsie-demo';
const NODE_GROUP = 'demo-workers';
/** Applied in the second step, once the group's first node is Ready. */
const WORKLOAD = 'web';
const TEMPORAL_NAMESPACE = 'default';
const TASK_QUEUE = 'vpsie-autoscaler';
/** A node from decision to Ready takes a few seconds in the simulator; generous bounds. */
const TOP_UP_TIMEOUT_MS = 120_000;
const SCALE_UP_TIMEOUT_MS = 180_000;
const once = process.argv.includes('--once');
const rel = (path: string) =>
  path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length + 1) : path;

// DEMO TIMINGS for the autoscaler's own scale-down: seconds where the defaults are minutes, so
// it happens within the demo. Given to the controller, which samples and decides, and to the
// worker, whose safety re-check before a removal applies the same delay after a scale-up. The
// NodeGroup's scaleDownPolicy (deploy/examples/demo/10-nodegroup.yaml) sets its own threshold,
// unneeded time (20 s) and cooldown (10 s); these are the cluster-wide settings around them.
// Scale-up runs on its defaults (batches of pending pods close 1 s after the last new one).
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
  podWatch?: PodWatch;
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

/** What the demo's steps share. */
interface Demo {
  kc: k8s.KubeConfig;
  custom: k8s.CustomObjectsApi;
  core: k8s.CoreV1Api;
  client: Client;
  sim: VpsieSimulator;
  controller: AutoscalerProcess;
  narrator: Narrator;
  pods: PodWatch;
  /** Every scale-down run of the group, as the ScaleDownWatch saw it start. */
  scaleDowns: ScaleDownRun[];
  group: NodeGroup;
  workflowUrl: (workflowId: string) => string;
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
  timeline.say(
    `controller ready: watching pending pods, NodeGroups, VPSieNodes and Nodes (pid ${controller.pid})`,
  );

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
  running.podWatch = new PodWatch({ kc, namespace: NAMESPACE, timeline });
  await running.podWatch.start();
  const scaleDowns: ScaleDownRun[] = [];
  running.scaleDownWatch = new ScaleDownWatch({
    client,
    nodeGroup: `${NAMESPACE}/${NODE_GROUP}`,
    timeline,
    workflowUrl,
    controllerLog: controller.logFile,
    onStart: (run) => {
      scaleDowns.push(run);
      narrator.scaleDownStarted(
        run.input.vpsieNode ?? run.input.nodeName,
        run.workflowId,
        run.startMs,
      );
    },
  });
  running.scaleDownWatch.start();

  checkpoint();
  const sample = readManifests(SAMPLE_DIR);
  const workload = sample.filter((obj) => obj.kind === 'Deployment');
  const base = sample.filter((obj) => obj.kind !== 'Deployment');
  if (workload.length !== 1 || workload[0]!.metadata?.name !== WORKLOAD) {
    throw new Error(`${rel(SAMPLE_DIR)}/ must hold one Deployment, ${WORKLOAD}`);
  }
  const deployment = workload[0] as k8s.V1Deployment;
  await applyManifests(kc, base);
  const groupApplied = Date.now();
  timeline.say(
    `applied ${rel(SAMPLE_DIR)}/ without the workload: ${base.map(describeObject).join(', ')} ` +
      '(no VPSieNodes: the controller creates them)',
  );
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const group = NodeGroup.parse(
    await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'nodegroups',
      name: NODE_GROUP,
    }),
  );
  const demo: Demo = {
    kc,
    custom,
    core,
    client,
    sim,
    controller,
    narrator,
    pods: running.podWatch,
    scaleDowns,
    group,
    workflowUrl,
  };

  let kept: string | undefined;
  try {
    const topUp = await stepTopUp(demo, groupApplied);
    checkpoint();
    const added = await stepScaleUp(demo, deployment, topUp);
    checkpoint();
    kept = await stepScaleDown(demo, deployment, [...topUp, ...added]);
    timeline.say(`Prometheus: ${await waitForScrapes(prometheus.url)}`);
  } catch (err) {
    if (err instanceof Interrupted) throw err;
    await diagnostics(client, worker, controller, [...narrator.vpsieNodesSeen().keys()])(err);
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
    lastNode: kept,
    minNodes: group.spec.minNodes,
  });
  if (once) {
    console.log('--once: all checks passed; tearing down');
    return;
  }
  console.log(
    'Running until Ctrl-C; further changes to pods, VPSieNodes and Nodes are narrated here.',
  );
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

// ---------------------------------------------------------------------------------------------
// Step 1: the controller tops the group up to minNodes.

async function stepTopUp(demo: Demo, groupApplied: number): Promise<string[]> {
  const { group, sim } = demo;
  const min = group.spec.minNodes;
  const plan = cheapestPlan(group, sim.state.catalogue.plans);
  timeline.say(
    `step 1: NodeGroup ${NODE_GROUP} has 0 of minNodes ${min}; expect the controller to add ` +
      `${nodes(min)} of its cheapest plan, ${plan.name} ($${plan.priceMonthly}/month), with ` +
      'createdFor.trigger BelowMinNodes',
  );
  const expected =
    `expected exactly ${nodes(min)} in NodeGroup ${NODE_GROUP}, trigger BelowMinNodes, ` +
    `instanceType ${plan.name}, Ready with its Node and VM`;
  let seen = 'no VPSieNode';
  const names = await waitFor(
    `the top-up to minNodes (${expected})`,
    TOP_UP_TIMEOUT_MS,
    async () => {
      const all = await groupVpsieNodes(demo);
      seen = describeVpsieNodes(demo, all);
      const wrong = all.filter(
        (n) =>
          n.spec?.createdFor?.trigger !== 'BelowMinNodes' ||
          n.spec.instanceType !== plan.identifier,
      );
      if (all.length > min || wrong.length > 0) {
        throw new DemoCheckFailed(`${expected}; saw ${seen}`);
      }
      if (all.length < min) return undefined;
      for (const n of all) if (!(await nodeUp(demo, n.metadata!.name!))) return undefined;
      return all.map((n) => n.metadata!.name!);
    },
    () => `saw ${seen}`,
  );
  const [first] = await groupVpsieNodes(demo);
  timeline.say(
    `step 1 done: ${names.join(', ')} Ready ${since(groupApplied, Date.now())} after the ` +
      `NodeGroup was applied; createdFor.summary: "${first?.spec?.createdFor?.summary ?? ''}"`,
  );
  return names;
}

// ---------------------------------------------------------------------------------------------
// Step 2: a workload that does not fit; the controller scales up.

async function stepScaleUp(
  demo: Demo,
  deployment: k8s.V1Deployment,
  existing: string[],
): Promise<string[]> {
  const { kc, core, group, sim, narrator, pods } = demo;
  const nodesNow = await Promise.all(existing.map((name) => core.readNode({ name })));
  const podsNow = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
  const expect = expectScaleUp({
    deployment,
    group,
    plans: sim.state.catalogue.plans,
    nodes: nodesNow,
    boundPods: podsNow,
  });
  const { chosen, replicas } = expect;
  const fitting = [...expect.onExisting].map(([node, n]) => `${node} runs ${n}`).join(', ');
  timeline.say(
    `step 2: applying Deployment ${WORKLOAD} (${rel(SAMPLE_DIR)}/30-workload.yaml): ` +
      `${replicas} pods of ${expect.request.cpuMilli}m CPU / ` +
      `${expect.request.memoryBytes / 1024 ** 2}Mi on ${NODE_GROUP} nodes. ${fitting}; ` +
      `${expect.pending} stay pending. New nodes for them: ` +
      `${expect.options.map(describeOption).join('; ')}. Expect ${nodes(chosen.nodes)} ` +
      `${chosen.plan.name}, trigger UnschedulablePods`,
  );
  const applied = Date.now();
  await applyManifests(kc, [deployment]);
  timeline.say(`applied Deployment ${NAMESPACE}/${WORKLOAD} (${replicas} replicas)`);

  const expected =
    `expected exactly ${nodes(chosen.nodes)} added to ${existing.join(', ')}, trigger ` +
    `UnschedulablePods, instanceType ${chosen.plan.name}, each Ready with its Node and VM, and ` +
    `all ${replicas} pods of ${WORKLOAD} Running on the group's nodes, none Pending`;
  let seen = 'nothing yet';
  const added = await waitFor(
    `the scale-up (${expected})`,
    SCALE_UP_TIMEOUT_MS,
    async () => {
      const all = await groupVpsieNodes(demo);
      const fresh = all.filter((n) => !existing.includes(n.metadata!.name!));
      const workloadPods = pods.current().filter((p) => p.name.startsWith(`${WORKLOAD}-`));
      seen = `${describeVpsieNodes(demo, all)}; pods: ${describePods(workloadPods)}`;
      const gone = existing.filter((name) => !all.some((n) => n.metadata!.name === name));
      const wrong = fresh.filter(
        (n) =>
          n.spec?.createdFor?.trigger !== 'UnschedulablePods' ||
          n.spec.instanceType !== chosen.plan.identifier,
      );
      if (fresh.length > chosen.nodes || wrong.length > 0 || gone.length > 0) {
        throw new DemoCheckFailed(`${expected}; saw ${seen}`);
      }
      if (fresh.length < chosen.nodes) return undefined;
      for (const n of fresh) if (!(await nodeUp(demo, n.metadata!.name!))) return undefined;
      const groupNodes = all.map((n) => n.metadata!.name!);
      const runningPods = workloadPods.filter(
        (p) => p.phase === 'Running' && !p.deleting && groupNodes.includes(p.nodeName ?? ''),
      );
      if (workloadPods.length !== replicas || runningPods.length !== replicas) return undefined;
      return fresh.map((n) => n.metadata!.name!);
    },
    () => `saw ${seen}`,
  );
  // The pods first had to be seen pending: otherwise the nodes were not added for them.
  const pendingAt = pods.firstUnschedulableAt();
  if (pendingAt === undefined || pendingAt < applied) {
    throw new DemoCheckFailed(
      `expected pods of ${WORKLOAD} pending (PodScheduled=False, Unschedulable) before the ` +
        'scale-up; saw none',
    );
  }
  const stillPending = (await core.listNamespacedPod({ namespace: NAMESPACE })).items.filter(
    (p) => p.status?.phase !== 'Running',
  );
  if (stillPending.length > 0) {
    throw new DemoCheckFailed(
      `expected all pods of ${NAMESPACE} Running; saw ` +
        stillPending.map((p) => `${p.metadata?.name} ${p.status?.phase}`).join(', '),
    );
  }

  const seenAt = added.map((name) => narrator.vpsieNodesSeen().get(name) ?? Date.now());
  const vmAt = added.map((name) => sim.state.vmsByHostname(name)[0]?.createdAt ?? Date.now());
  const readyAt = added.map((name) => narrator.firstReadyAt(name) ?? Date.now());
  const runningAt = pods.current().map((p) => p.runningAt ?? Date.now());
  const list = (times: number[]) => times.map((t) => since(applied, t)).join(', ');
  const summaries = await groupVpsieNodes(demo);
  timeline.say(
    `step 2 done, times from applying the workload: ${expect.pending} pods pending ` +
      `${since(applied, pendingAt)} → decision: ${nodes(added.length)} created ${list(seenAt)} ` +
      `(${added.join(', ')}) → VM create requests at VPSie ${list(vmAt)} → Nodes Ready ` +
      `${list(readyAt)} → all ${replicas} pods Running ${since(applied, Math.max(...runningAt))}`,
  );
  for (const name of added) {
    const summary = summaries.find((n) => n.metadata?.name === name)?.spec?.createdFor?.summary;
    timeline.say(`  ${name} createdFor.summary: "${summary ?? ''}"`);
    timeline.say(
      `  ${name} provisioning workflow: ${demo.workflowUrl(provisionWorkflowId({ namespace: NAMESPACE, name }))}`,
    );
  }
  return added;
}

// ---------------------------------------------------------------------------------------------
// Step 3: the workload shrinks; the controller removes the nodes no longer needed.

async function stepScaleDown(
  demo: Demo,
  deployment: k8s.V1Deployment,
  before: string[],
): Promise<string> {
  const { kc, core, group, sim, client, controller, pods, scaleDowns } = demo;
  const policy = group.spec.scaleDownPolicy;
  const replicas = 1;
  // One pod of the workload fits on any node of the group: the group needs one node, and
  // minNodes may ask for more.
  const keep = Math.max(group.spec.minNodes, 1);
  const removals = before.length - keep;
  timeline.say(
    `step 3: scaling Deployment ${WORKLOAD} to ${replicas} replica. The nodes it leaves below ` +
      `${policy.utilizationThreshold * 100} % requested are underutilised; the controller ` +
      `samples every ${DEMO_SCALING_ENV.VPSIE_AUTOSCALER_SCALING_UTILIZATION_SAMPLE_INTERVAL_SECONDS} s ` +
      `and removes such a node after ${policy.unneededTimeSeconds} s (and not within ` +
      `${policy.cooldownSeconds} s of the last scale-up), ${policy.maxConcurrentScaleDowns} at a ` +
      `time. Expect ${removals} of the ${before.length} nodes removed and ${keep} kept ` +
      `(minNodes ${group.spec.minNodes})`,
  );
  const shrunk = Date.now();
  await applyManifests(kc, [
    { ...deployment, spec: { ...deployment.spec!, replicas } } as k8s.KubernetesObject,
  ]);
  timeline.say(`applied Deployment ${NAMESPACE}/${WORKLOAD} with replicas: ${replicas}`);

  const expected =
    `expected the group to end with exactly ${nodes(keep)} of ${before.join(', ')}, the others ` +
    `removed by scale-down workflows with trigger underutilized, and ${replicas} pod of ` +
    `${WORKLOAD} Running on it`;
  const timeoutMs =
    (removals * (policy.unneededTimeSeconds + policy.cooldownSeconds + 60) + 60) * 1000;
  let seen = 'nothing yet';
  const kept = await waitFor(
    `the scale-down (${expected})`,
    timeoutMs,
    async () => {
      const all = await groupVpsieNodes(demo);
      const names = all.map((n) => n.metadata!.name!);
      const workloadPods = pods.current().filter((p) => p.name.startsWith(`${WORKLOAD}-`));
      seen =
        `${describeVpsieNodes(demo, all)}; scale-downs: ` +
        `${scaleDowns.map((r) => `${r.input.nodeName} (${r.input.trigger})`).join(', ') || 'none'}` +
        `; pods: ${describePods(workloadPods)}`;
      const fresh = names.filter((name) => !before.includes(name));
      const notAutoscaler = scaleDowns.filter(
        (r) => r.input.trigger !== 'underutilized' || r.input.nodeGroup !== NODE_GROUP,
      );
      if (fresh.length > 0 || notAutoscaler.length > 0 || names.length < keep) {
        throw new DemoCheckFailed(`${expected}; saw ${seen}`);
      }
      if (names.length > keep) return undefined;
      for (const run of scaleDowns) {
        const { status } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
        if (status.name === 'RUNNING') return undefined;
      }
      const left = workloadPods.filter((p) => !p.deleting);
      if (workloadPods.length !== replicas || left.length !== replicas) return undefined;
      if (left[0]!.phase !== 'Running' || !names.includes(left[0]!.nodeName ?? '')) {
        return undefined;
      }
      for (const name of names) if (!(await nodeUp(demo, name))) return undefined;
      return names;
    },
    async () => `saw ${seen}; ${await blockedSummary(controller.metricsUrl)}`,
  );

  // Every node that went: its VM deleted at VPSie, its Node and VPSieNode gone, and the
  // removal was the autoscaler's own (an `underutilized` scale-down that ended REMOVED).
  const removed = before.filter((name) => !kept.includes(name));
  for (const name of removed) {
    const what = `${expected}; for removed node ${name} saw`;
    if (sim.state.vmsByHostname(name).length > 0) {
      throw new DemoCheckFailed(`${what} its VM still at VPSie`);
    }
    const vm = sim.state.deletedVms().find((v) => v.hostname === name);
    if (!vm) throw new DemoCheckFailed(`${what} no record of deleting its VM at VPSie`);
    if ((await readNode(core, name)) !== undefined) throw new DemoCheckFailed(`${what} its Node`);
    const workflowId = scaleDownWorkflowId({ namespace: NAMESPACE, nodeName: name });
    const handle = client.workflow.getHandle<typeof scaleDownNode>(workflowId);
    const description = await handle.describe().catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) {
        throw new DemoCheckFailed(`${what} no scale-down workflow ${workflowId}`);
      }
      throw err;
    });
    const input = await scaleDownRunInput(client, workflowId, description.runId);
    const result = await handle.result();
    if (input.trigger !== 'underutilized' || result.result !== 'REMOVED') {
      throw new DemoCheckFailed(
        `${what} ${workflowId} with trigger ${input.trigger} end ${result.result}`,
      );
    }
    const run = scaleDowns.find((r) => r.runId === description.runId);
    timeline.say(
      `  ${name} removed by ${workflowId} (REMOVED; ${searchAttributesOf(description)}): ` +
        `started ${run ? since(shrunk, run.startMs) : '?'}, VM deleted at VPSie ` +
        `${since(shrunk, vm.deletedAt ?? Date.now())} after the workload shrank  ` +
        demo.workflowUrl(workflowId),
    );
  }
  const [last] = kept;
  const pod = pods.current().find((p) => p.name.startsWith(`${WORKLOAD}-`));
  const allocatable = (await core.readNode({ name: last! })).status?.allocatable ?? {};
  const request = podRequest(deployment);
  const requested = Math.max(
    request.cpuMilli / (parseQuantity(allocatable['cpu'] ?? '0') * 1000),
    request.memoryBytes / parseQuantity(allocatable['memory'] ?? '0'),
  );
  const why =
    requested >= policy.utilizationThreshold
      ? `not underutilised: its pod requests ${Math.round(requested * 100)} % of it`
      : `underutilised (${Math.round(requested * 100)} % requested), but the group's last node`;
  timeline.say(
    `step 3 done: ${removals} of ${before.length} nodes removed, one at a time; ${last} kept ` +
      `(${why}; minNodes ${group.spec.minNodes}), pod ${pod?.name} Running on it; ` +
      (await blockedSummary(controller.metricsUrl)),
  );
  return last!;
}

// ---------------------------------------------------------------------------------------------
// Reading the cluster.

interface VpsieNodeObject extends k8s.KubernetesObject {
  spec?: {
    nodeGroupName?: string;
    instanceType?: string;
    createdFor?: { trigger?: string; summary?: string; pods?: string[] };
  };
  status?: { phase?: string; lastError?: string };
}

/** The group's VPSieNodes (also ones being deleted), by name. */
async function groupVpsieNodes(demo: Demo): Promise<VpsieNodeObject[]> {
  const list = (await demo.custom.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: 'vpsienodes',
  })) as { items: VpsieNodeObject[] };
  return list.items
    .filter((n) => n.spec?.nodeGroupName === NODE_GROUP)
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

function describeVpsieNodes(demo: Demo, all: VpsieNodeObject[]): string {
  if (all.length === 0) return 'no VPSieNode';
  const planName = (id?: string) =>
    demo.sim.state.catalogue.plans.find((p) => p.identifier === id)?.name ?? id ?? '-';
  return all
    .map(
      (n) =>
        `${n.metadata?.name} (${n.spec?.createdFor?.trigger ?? 'by hand'}, ` +
        `${planName(n.spec?.instanceType)}, ${n.status?.phase ?? 'no phase'}` +
        `${n.metadata?.deletionTimestamp ? ', deleting' : ''})`,
    )
    .join(', ');
}

function describePods(pods: ReturnType<PodWatch['current']>): string {
  if (pods.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const p of pods) {
    const state = p.deleting ? 'Terminating' : (p.phase ?? 'unknown');
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
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

/**
 * The VPSieNode Ready, its Node Ready and exactly one VM of its name running at VPSie: true, or
 * undefined while not yet. A VPSieNode that failed to provision fails the demo.
 */
async function nodeUp(demo: Demo, name: string): Promise<true | undefined> {
  const status = (await readVpsieNode(demo.custom, name))?.status;
  if (status?.phase === 'Failed') {
    throw new DemoCheckFailed(
      `VPSieNode ${name} failed to provision: ${status.lastError ?? 'no error recorded'}`,
    );
  }
  if (status?.phase !== 'Ready') return undefined;
  if (!nodeReady(await readNode(demo.core, name))) return undefined;
  const vms = demo.sim.state.vmsByHostname(name);
  return vms.length === 1 && vms[0]!.phase === 'running' ? true : undefined;
}

const nodes = (n: number) => `${n} VPSieNode${n === 1 ? '' : 's'}`;
const since = (from: number, at: number) => `+${((at - from) / 1000).toFixed(1)} s`;

/**
 * Polls `check` until it returns a value; `check` throws DemoCheckFailed to fail at once. On
 * timeout the message says what was awaited and, from `seen`, what was there instead.
 */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  seen?: () => string | Promise<string>,
) {
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
  const instead = seen ? `; ${await seen()}` : '';
  throw new DemoCheckFailed(`${what}: not within ${timeoutMs / 1000} s${instead}${detail}`);
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

/** What the controller counted as blocking the group's scale-down so far. */
async function blockedSummary(metricsUrl: string): Promise<string> {
  const byReason = await blockedReasons(metricsUrl).catch(() => undefined);
  if (!byReason) return 'the controller metrics could not be read';
  if (byReason.size === 0) return 'the controller counted no blocked scale-down';
  const counts = [...byReason].map(([reason, n]) => `${reason}=${n}`).join(', ');
  return `the controller counted blocked scale-downs: ${counts}`;
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
 * controller and its scaling decisions); returns what it has of both. */
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
      'sum by (decision, reason) (vpsie_autoscaler_scaling_decisions_total{decision!="no_change"})',
    );
  // Scraped every 5 s: the controller's last decision a few seconds ago may not be in yet.
  await waitFor('', 10_000, async () =>
    (await decisions()).some((r) => r.metric.decision === 'scale_down') ? true : undefined,
  ).catch((err: unknown) => {
    if (!(err instanceof DemoCheckFailed)) throw err;
  });
  const provisioned = await promQuery(
    url,
    'sum by (result) (vpsie_autoscaler_node_provisioning_duration_seconds_count)',
  );
  const decided = await decisions();
  return [
    `up{component="worker"}=${await up('worker')}`,
    `up{component="controller"}=${(await up('controller')) ?? 'not scraped yet'}`,
    ...provisioned.map(
      (r) => `node provisionings (result=${r.metric.result ?? '?'}): ${r.value[1]}`,
    ),
    ...(decided.length > 0
      ? decided.map(
          (r) =>
            `${r.metric.decision ?? '?'} decisions (reason=${r.metric.reason ?? '?'}): ${r.value[1]}`,
        )
      : ['scaling decisions: not scraped yet']),
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
      running.podWatch?.stop();
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
  /** The group's node still there, for the scale-down-by-hand example. */
  lastNode?: string;
  minNodes: number;
}): void {
  const kubectl = `kubectl --kubeconfig ${rel(s.cluster.kubeconfig)}`;
  const cli = `VPSIE_AUTOSCALER_TEMPORAL_ADDRESS=${s.temporal.address} npx tsx src/cli/main.ts`;
  const group = `${NAMESPACE}/${NODE_GROUP}`;
  const decisions = 'sum by (decision, reason) (vpsie_autoscaler_scaling_decisions_total)';
  console.log(
    [
      '',
      'Everything runs on 127.0.0.1:',
      `  Temporal Web UI     ${s.workflowsUrl}`,
      `  Prometheus          ${s.prometheusUrl}/graph?g0.expr=${encodeURIComponent(decisions)}`,
      `  worker metrics      ${s.worker.metricsUrl}   log ${rel(s.worker.logFile)}`,
      `  controller metrics  ${s.controller.metricsUrl}   log ${rel(s.controller.logFile)}`,
      `  VPSie simulator     ${s.sim.url}   log ${rel(s.simLog)}`,
      `  Kubernetes          control-plane logs in ${rel(s.cluster.dir)}/logs`,
      'Look around:',
      `  ${kubectl} get nodegroups,vpsienodes -n ${NAMESPACE}`,
      `  ${kubectl} get vpsienodes -n ${NAMESPACE} -o yaml     # spec.createdFor: why each node exists`,
      `  ${kubectl} get nodes; ${kubectl} get pods,events -n ${NAMESPACE}`,
      'Scale the workload and watch the autoscaler follow:',
      `  ${kubectl} scale deployment ${WORKLOAD} -n ${NAMESPACE} --replicas 6`,
      'Pause scale-down (running scale-downs stop before their next destructive step), then resume:',
      `  ${cli} pause-scale-down --nodegroup ${group} --for 1h --reason "demo"`,
      `  ${cli} scale-down-status --nodegroup ${group}`,
      `  ${cli} resume-scale-down --nodegroup ${group}`,
      ...(s.lastNode
        ? [
            `Scale down by hand (minNodes ${s.minNodes} then makes the controller add a new node): ` +
              `${kubectl} delete vpsienode -n ${NAMESPACE} ${s.lastNode}`,
          ]
        : []),
      '',
    ].join('\n'),
  );
}

let shuttingDown: Promise<void> | undefined;

function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    console.log('stopping: controller, worker, simulator, Prometheus, control plane, Temporal');
    running.narrator?.stop();
    running.podWatch?.stop();
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
