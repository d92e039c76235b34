// The scale-down pause switch on a real Temporal dev server: the control workflow from the
// production bundle, its updates, signals, query, expiry and continue-as-new, and the operator CLI
// functions talking to it. The workflow's one activity, publishPauseState, is a recording stand-in
// here (its Kubernetes implementation is tested against a cluster elsewhere).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ControlActivities, PauseScope } from '../../src/activities/scale-down/control-types';
import type { PauseState } from '../../src/activities/scale-down/types';
import { runCli } from '../../src/cli/main';
import {
  pauseScaleDown,
  resumeScaleDown,
  scaleDownPauseStatus,
} from '../../src/cli/scale-down-pause';
import { loadConfig, type Config } from '../../src/config';
import {
  controlWorkflowId,
  pauseScaleDownSignal,
  pauseScaleDownUpdate,
  pauseStateQuery,
  resumeScaleDownSignal,
  resumeScaleDownUpdate,
  scaleDownControl,
} from '../../src/workflows/scale-down-control';
import { createTemporalEnv, startWorkflowWorker } from '../support/temporal';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface Publication {
  workflowId: string;
  runId: string;
  scope: PauseScope;
  state: PauseState;
}

let env: TestWorkflowEnvironment;
let worker: Awaited<ReturnType<typeof startWorkflowWorker>> | undefined;
const taskQueue = `scale-down-control-${randomUUID()}`;

/** Every publishPauseState call, in the order the worker ran them. */
const publications: Publication[] = [];
/** Publications of these workflows block until the promise settles. */
const gates = new Map<string, Promise<void>>();

const activities: ControlActivities = {
  async publishPauseState(scope, state) {
    const { workflowId, runId } = Context.current().info.workflowExecution!;
    publications.push({ workflowId, runId, scope, state });
    await gates.get(workflowId);
  },
};

beforeAll(async () => {
  env = await createTemporalEnv();
  worker = await startWorkflowWorker(env, taskQueue, activities);
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

// --- helpers ----------------------------------------------------------------------------------

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function groupScope(): PauseScope & { kind: 'nodegroup' } {
  return { kind: 'nodegroup', namespace: 'team-a', nodeGroup: `ng-${randomUUID().slice(0, 8)}` };
}

function startControl(scope: PauseScope) {
  return env.client.workflow.start(scaleDownControl, {
    workflowId: controlWorkflowId(scope),
    taskQueue,
    args: [scope],
  });
}

/** A started control workflow that has published its initial "not paused" state. */
async function startedControl(scope: PauseScope) {
  const handle = await startControl(scope);
  await waitForPublished(handle.workflowId, { paused: false });
  return handle;
}

/** The states published for one control workflow (all its runs), oldest first. */
function publishedStates(workflowId: string): PauseState[] {
  return publications.filter((p) => p.workflowId === workflowId).map((p) => p.state);
}

/** Polls `probe` until it returns something other than undefined; generous by default. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the latest published state of the workflow matches `expected`. */
function waitForPublished(workflowId: string, expected: PauseState): Promise<PauseState[]> {
  return waitFor(`publication of ${JSON.stringify(expected)} by ${workflowId}`, () => {
    const states = publishedStates(workflowId);
    return states.length > 0 && equalStates(states.at(-1)!, expected) ? states : undefined;
  });
}

// States cross the wire as JSON: an undefined property and a missing one are the same.
const normalise = (state: PauseState) => JSON.parse(JSON.stringify(state)) as PauseState;
const equalStates = (a: PauseState, b: PauseState) => isDeepStrictEqual(normalise(a), normalise(b));

async function historyOf(handle: WorkflowHandle, runId?: string): Promise<HistoryEvent[]> {
  const target = runId ? env.client.workflow.getHandle(handle.workflowId, runId) : handle;
  return (await target.fetchHistory()).events ?? [];
}

function decodeArgs(payloads: temporal.api.common.v1.IPayload[] | null | undefined): unknown[] {
  return (payloads ?? []).map((p) => JSON.parse(Buffer.from(p.data!).toString('utf8')));
}

/** The arguments of every update the workflow accepted (and so wrote to its history). */
function acceptedUpdates(events: HistoryEvent[]): Array<{ name: string; args: unknown[] }> {
  return events.flatMap((e) => {
    const input = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    return input ? [{ name: input.name!, args: decodeArgs(input.args?.payloads) }] : [];
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<WorkflowUpdateFailedError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the update to be rejected, but it was accepted');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return error as WorkflowUpdateFailedError;
}

// --- the workflow -----------------------------------------------------------------------------

test('a pause update returns the new state, the query shows it, and it is published', async () => {
  const scope = groupScope();
  const handle = await startControl(scope);
  expect(handle.workflowId).toBe(`scale-down-control/team-a/${scope.nodeGroup}`);

  // A fresh control workflow publishes "not paused" once, so status is never stale.
  await waitForPublished(handle.workflowId, { paused: false });
  expect(await handle.query(pauseStateQuery)).toEqual({ paused: false });

  const before = Date.now();
  const state = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'kernel upgrade', by: 'alice' }],
  });
  expect(state).toEqual({
    paused: true,
    reason: 'kernel upgrade',
    pausedBy: 'alice',
    since: expect.stringMatching(RFC3339_SECONDS),
  });
  expect(state.expiresAt).toBeUndefined();
  // `since` is workflow time, truncated to whole seconds.
  const since = Date.parse(state.since!);
  expect(since).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 60_000);
  expect(since).toBeLessThanOrEqual(Date.now() + 60_000);

  expect(await handle.query(pauseStateQuery)).toEqual(state);
  const states = await waitForPublished(handle.workflowId, state);
  expect(states).toEqual([{ paused: false }, state]);
  expect(
    publications.filter((p) => p.workflowId === handle.workflowId).map((p) => p.scope),
  ).toEqual([scope, scope]);
});

test('invalid pause updates are rejected by the validator and never enter history', async () => {
  const scope = groupScope();
  const handle = await startedControl(scope);
  const paused = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'maintenance', by: 'alice' }],
  });

  const invalid = [
    { request: { reason: '' }, message: /needs a reason/ },
    { request: { reason: '   ', by: 'bob' }, message: /needs a reason/ },
    { request: { reason: 'x'.repeat(1025) }, message: /^reason: at most 1024 characters$/ },
    {
      request: { reason: 'later', expiresAt: 'next tuesday' },
      message: /^expiresAt "next tuesday" is not an RFC 3339 time$/,
    },
    {
      request: { reason: 'too late', expiresAt: '2020-01-01T00:00:00Z' },
      message: /^expiresAt 2020-01-01T00:00:00Z is in the past$/,
    },
  ];
  for (const { request, message } of invalid) {
    const error = await rejectionOf(
      handle.executeUpdate(pauseScaleDownUpdate, { args: [request] }),
    );
    expect(error.cause).toBeInstanceOf(ApplicationFailure);
    expect(error.cause!.message).toMatch(message);
  }

  // The state is untouched and the workflow still runs.
  expect(await handle.query(pauseStateQuery)).toEqual(paused);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // Only the valid update was accepted; rejected ones leave no update events at all.
  const events = await historyOf(handle);
  expect(acceptedUpdates(events)).toEqual([
    { name: 'pauseScaleDown', args: [{ reason: 'maintenance', by: 'alice' }] },
  ]);
  expect(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(1);
  // Nothing but the initial state and the one pause was published.
  await waitForPublished(handle.workflowId, paused);
  expect(publishedStates(handle.workflowId)).toEqual([{ paused: false }, paused]);
});

test('a resume update ends the pause and is published', async () => {
  const scope = groupScope();
  const handle = await startControl(scope);
  const paused = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'incident 42', by: 'alice' }],
  });
  expect(paused.paused).toBe(true);

  const resumed = await handle.executeUpdate(resumeScaleDownUpdate, { args: [{ by: 'bob' }] });
  expect(resumed).toEqual({ paused: false, pausedBy: 'bob' });
  expect(await handle.query(pauseStateQuery)).toEqual(resumed);
  await waitForPublished(handle.workflowId, resumed);

  // Resuming what is not paused is harmless and answers the same way.
  expect(await handle.executeUpdate(resumeScaleDownUpdate, { args: [{}] })).toEqual({
    paused: false,
  });
  expect(await handle.query(pauseStateQuery)).toEqual({ paused: false });
});

test('a pause with expiresAt resumes by itself at that time, and the resume is published', async () => {
  const scope = groupScope();
  const handle = await startedControl(scope);
  const expiresAt = rfc3339(Date.now() + 4_000);
  const paused = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'short window', by: 'alice', expiresAt }],
  });
  expect(paused).toEqual({
    paused: true,
    reason: 'short window',
    pausedBy: 'alice',
    since: expect.stringMatching(RFC3339_SECONDS),
    expiresAt,
  });
  expect((await handle.query(pauseStateQuery)).paused).toBe(true);

  const expired = await waitFor('the pause to expire', async () => {
    const state = await handle.query(pauseStateQuery);
    return state.paused ? undefined : state;
  });
  expect(expired).toEqual({ paused: false, pausedBy: 'expiry' });
  // Not before its time (a second of slack for the whole-second truncation of workflow time).
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt) - 1_000);

  const states = await waitForPublished(handle.workflowId, expired);
  expect(states).toEqual([{ paused: false }, paused, expired]);
  const events = await historyOf(handle);
  expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
});

test('a new pause without expiry replaces an expiring one: the old expiry no longer applies', async () => {
  const scope = groupScope();
  const handle = await startControl(scope);
  const firstExpiry = Date.now() + 3_000;
  await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'short window', expiresAt: rfc3339(firstExpiry) }],
  });
  // The expiry timer runs (it starts once the pause has been published).
  await waitFor('the expiry timer to start', async () =>
    (await historyOf(handle)).some((e) => e.timerStartedEventAttributes) ? true : undefined,
  );
  const extended = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'extended until further notice', by: 'carol' }],
  });
  expect(extended.expiresAt).toBeUndefined();
  await waitForPublished(handle.workflowId, extended);

  // Well past the first expiry: still paused, with the second reason.
  await waitFor('the first expiry to pass', () =>
    Date.now() > firstExpiry + 3_000 ? true : undefined,
  );
  expect(await handle.query(pauseStateQuery)).toEqual(extended);
  const events = await historyOf(handle);
  expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
  expect(events.filter((e) => e.timerCanceledEventAttributes)).toHaveLength(1);
  expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(0);
});

test('signals pause and resume too; an invalid pause signal is ignored', async () => {
  const scope = groupScope();
  const handle = await startedControl(scope);

  await handle.signal(pauseScaleDownSignal, { reason: 'from a script', by: 'cron' });
  const paused = await waitFor('the pause signal', async () => {
    const state = await handle.query(pauseStateQuery);
    return state.paused ? state : undefined;
  });
  expect(paused).toEqual({
    paused: true,
    reason: 'from a script',
    pausedBy: 'cron',
    since: expect.stringMatching(RFC3339_SECONDS),
  });

  // Signals are handled in order: once the resume that follows the invalid pause shows, the
  // invalid one has been handled, and it changed nothing (nor failed the workflow).
  await handle.signal(pauseScaleDownSignal, { reason: ' ' });
  await handle.signal(pauseScaleDownSignal, { reason: 'late', expiresAt: '2000-01-01T00:00:00Z' });
  await handle.signal(resumeScaleDownSignal, { by: 'cron' });
  const resumed = await waitFor('the resume signal', async () => {
    const state = await handle.query(pauseStateQuery);
    return state.paused ? undefined : state;
  });
  expect(resumed).toEqual({ paused: false, pausedBy: 'cron' });
  expect((await handle.describe()).status.name).toBe('RUNNING');

  const states = await waitForPublished(handle.workflowId, resumed);
  expect(states.every((s) => s.reason !== ' ' && s.reason !== 'late')).toBe(true);
  expect(states[0]).toEqual({ paused: false });
  expect(states.at(-1)).toEqual(resumed);
});

test('published states arrive in the order the changes were made', async () => {
  const scope = groupScope();
  const handle = await startedControl(scope);
  const made: PauseState[] = [{ paused: false }];
  // Back to back, without waiting for publications: some may be coalesced (only the latest state
  // matters for status), but none may be published out of order, and the last one must be.
  for (let i = 0; i < 12; i++) {
    made.push(
      i % 2 === 0
        ? await handle.executeUpdate(pauseScaleDownUpdate, { args: [{ reason: `change ${i}` }] })
        : await handle.executeUpdate(resumeScaleDownUpdate, { args: [{ by: `change ${i}` }] }),
    );
  }
  const states = await waitForPublished(handle.workflowId, made.at(-1)!);
  const positions = states.map((s) => made.findIndex((m) => equalStates(m, s)));
  expect(positions).not.toContain(-1);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect(new Set(positions).size).toBe(positions.length);
  expect(positions[0]).toBe(0);
  expect(positions.at(-1)).toBe(made.length - 1);
});

test('a change made while a publication is in flight is published after it', async () => {
  const scope = groupScope();
  const workflowId = controlWorkflowId(scope);
  let release!: () => void;
  gates.set(
    workflowId,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  try {
    const handle = await startControl(scope);
    // The initial "not paused" publication is now blocked in the activity.
    await waitFor('the initial publication to start', () =>
      publishedStates(workflowId).length === 1 ? true : undefined,
    );
    const paused = await handle.executeUpdate(pauseScaleDownUpdate, {
      args: [{ reason: 'paused during publication', by: 'alice' }],
    });
    gates.delete(workflowId);
    release();

    const states = await waitForPublished(workflowId, paused);
    expect(states).toEqual([{ paused: false }, paused]);
  } finally {
    gates.delete(workflowId);
    release();
  }
});

test('the state survives continue-as-new after 200 changes, and the CLI still reaches it', async () => {
  const scope = groupScope();
  const handle = await startControl(scope);
  const firstRunId = handle.firstExecutionRunId;

  // 199 changes by signal (fast), the 200th by update so its answer shows the carried state.
  for (let i = 0; i < 199; i++) {
    if (i % 2 === 0) await handle.signal(pauseScaleDownSignal, { reason: `flip ${i}` });
    else await handle.signal(resumeScaleDownSignal, { by: `flop ${i}` });
  }
  const last = await handle.executeUpdate(pauseScaleDownUpdate, {
    args: [{ reason: 'carried over', by: 'alice' }],
  });
  expect(last).toMatchObject({ paused: true, reason: 'carried over', pausedBy: 'alice' });

  const secondRunId = await waitFor('continue-as-new', async () => {
    const { runId } = await env.client.workflow.getHandle(handle.workflowId).describe();
    return runId !== firstRunId ? runId : undefined;
  });

  // The first run ended by continuing as new, after exactly 200 changes.
  const firstRun = await historyOf(handle, firstRunId);
  expect(firstRun.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId).toBe(
    secondRunId,
  );
  expect(firstRun.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(199);
  expect(acceptedUpdates(firstRun)).toHaveLength(1);

  // The new run answers with the very same state (same `since`) and publishes it again.
  expect(await handle.query(pauseStateQuery)).toEqual(last);
  await waitFor('the new run to publish', () =>
    publications.some((p) => p.runId === secondRunId && equalStates(p.state, last))
      ? true
      : undefined,
  );

  // Updates and the CLI reach the new run through the same workflow id.
  const config = cliConfig();
  const target = { nodeGroup: `${scope.namespace}/${scope.nodeGroup}` };
  expect(await scaleDownPauseStatus(config, target)).toEqual(last);
  expect(await resumeScaleDown(config, target, 'bob')).toEqual({ paused: false, pausedBy: 'bob' });
  expect(await handle.executeUpdate(resumeScaleDownUpdate, { args: [{ by: 'carol' }] })).toEqual({
    paused: false,
    pausedBy: 'carol',
  });
  const describe = await env.client.workflow.getHandle(handle.workflowId).describe();
  expect(describe.runId).toBe(secondRunId);
  expect(describe.status.name).toBe('RUNNING');
});

// --- the CLI ----------------------------------------------------------------------------------

function cliConfig(): Readonly<Config> {
  return loadConfig({
    argv: [],
    env: {
      VPSIE_AUTOSCALER_TEMPORAL_ADDRESS: env.address,
      VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE: taskQueue,
    },
  }).config;
}

test('the CLI pauses, reports and resumes cluster-wide scale-down', async () => {
  const config = cliConfig();
  expect(config.temporal.address).toBe(env.address);
  expect(config.temporal.taskQueue).toBe(taskQueue);
  const workflowId = controlWorkflowId({ kind: 'cluster' });

  // Status starts the control workflow when it does not run yet: not paused.
  expect(await scaleDownPauseStatus(config, {})).toEqual({ paused: false });
  const { runId: firstRunId } = await env.client.workflow.getHandle(workflowId).describe();

  const before = Date.now();
  const paused = await pauseScaleDown(
    config,
    {},
    { reason: 'cluster upgrade', for: '2h', by: 'alice' },
  );
  expect(paused).toEqual({
    paused: true,
    reason: 'cluster upgrade',
    pausedBy: 'alice',
    since: expect.stringMatching(RFC3339_SECONDS),
    expiresAt: expect.stringMatching(RFC3339_SECONDS),
  });
  const expiresIn = Date.parse(paused.expiresAt!) - before;
  expect(expiresIn).toBeGreaterThan(2 * 3600_000 - 60_000);
  expect(expiresIn).toBeLessThanOrEqual(2 * 3600_000 + 60_000);
  expect(await scaleDownPauseStatus(config, {})).toEqual(paused);

  // The same workflow answers a client that addresses it by id.
  const handle = env.client.workflow.getHandle(workflowId);
  expect(await handle.query(pauseStateQuery)).toEqual(paused);
  await waitForPublished(workflowId, paused);

  // A reason the workflow refuses is reported with the workflow's own explanation (what the CLI
  // prints), not the SDK's generic "Workflow Update failed".
  await expect(pauseScaleDown(config, {}, { reason: '  ' })).rejects.toThrow(
    'a pause needs a reason (what operators will see in NodeGroup status)',
  );
  await expect(pauseScaleDown(config, {}, { reason: 'x'.repeat(2000) })).rejects.toThrow(
    /^reason: at most 1024 characters$/,
  );
  expect(await scaleDownPauseStatus(config, {})).toEqual(paused);

  const resumed = await resumeScaleDown(config, {}, 'bob');
  expect(resumed).toEqual({ paused: false, pausedBy: 'bob' });
  expect(await scaleDownPauseStatus(config, {})).toEqual(resumed);
  await waitForPublished(workflowId, resumed);

  // Every call above used the one cluster-wide workflow run, and it published for the cluster.
  expect((await handle.describe()).runId).toBe(firstRunId);
  const scopes = publications.filter((p) => p.workflowId === workflowId).map((p) => p.scope);
  expect(scopes).toEqual(scopes.map(() => ({ kind: 'cluster' })));
});

test('the CLI addresses one NodeGroup by namespace/name, separately from the others', async () => {
  const config = cliConfig();
  const a = groupScope();
  const b = groupScope();
  const targetA = { nodeGroup: `${a.namespace}/${a.nodeGroup}` };
  const targetB = { nodeGroup: `${b.namespace}/${b.nodeGroup}` };

  const paused = await pauseScaleDown(config, targetA, { reason: 'noisy neighbour' });
  expect(paused).toMatchObject({ paused: true, reason: 'noisy neighbour' });
  expect(paused.pausedBy).toBeUndefined();
  expect(paused.expiresAt).toBeUndefined();

  expect(await scaleDownPauseStatus(config, targetA)).toEqual(paused);
  expect(await scaleDownPauseStatus(config, targetB)).toEqual({ paused: false });
  const published = await waitForPublished(controlWorkflowId(a), paused);
  expect(published.at(-1)).toEqual(paused);
  expect(
    publications.filter((p) => p.workflowId === controlWorkflowId(a)).map((p) => p.scope),
  ).toEqual(published.map(() => a));

  expect(await resumeScaleDown(config, targetA)).toEqual({ paused: false });
});

test('vpsie-autoscaler pause-scale-down / scale-down-status / resume-scale-down end to end', async () => {
  const scope = groupScope();
  const nodegroup = `${scope.namespace}/${scope.nodeGroup}`;
  // The CLI reads the Temporal connection from the environment, like the worker.
  const saved = {
    address: process.env.VPSIE_AUTOSCALER_TEMPORAL_ADDRESS,
    taskQueue: process.env.VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE,
  };
  process.env.VPSIE_AUTOSCALER_TEMPORAL_ADDRESS = env.address;
  process.env.VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE = taskQueue;
  try {
    const before = Date.now();
    const paused = JSON.parse(
      await runCli([
        'pause-scale-down',
        '--nodegroup',
        nodegroup,
        '--for=30m',
        '--reason',
        'draining a rack',
        '--by',
        'dave',
      ]),
    ) as PauseState;
    expect(paused).toEqual({
      paused: true,
      reason: 'draining a rack',
      pausedBy: 'dave',
      since: expect.stringMatching(RFC3339_SECONDS),
      expiresAt: expect.stringMatching(RFC3339_SECONDS),
    });
    const expiresIn = Date.parse(paused.expiresAt!) - before;
    expect(expiresIn).toBeGreaterThan(30 * 60_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000 + 60_000);

    expect(JSON.parse(await runCli(['scale-down-status', '--nodegroup', nodegroup]))).toEqual(
      paused,
    );
    await expect(
      runCli(['pause-scale-down', '--nodegroup', nodegroup, '--reason', ' ']),
    ).rejects.toThrow('a pause needs a reason');

    expect(
      JSON.parse(await runCli(['resume-scale-down', '--nodegroup', nodegroup, '--by=erin'])),
    ).toEqual({ paused: false, pausedBy: 'erin' });
    expect(JSON.parse(await runCli(['scale-down-status', `--nodegroup=${nodegroup}`]))).toEqual({
      paused: false,
      pausedBy: 'erin',
    });
    await waitForPublished(controlWorkflowId(scope), { paused: false, pausedBy: 'erin' });
  } finally {
    for (const [name, value] of [
      ['VPSIE_AUTOSCALER_TEMPORAL_ADDRESS', saved.address],
      ['VPSIE_AUTOSCALER_TEMPORAL_TASK_QUEUE', saved.taskQueue],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});
