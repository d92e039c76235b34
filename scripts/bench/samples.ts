// Benchmark: per-node utilisation sample storage, naive arrays of objects (the earlier Go
// controller's approach) against the ring buffer of src/state/utilization.
//
//   npx tsx --expose-gc scripts/bench/samples.ts [--nodes 1000,10000] [--runs 5] [--reads 200000]
//
// Each measured run is a separate child process running one implementation, so neither JIT
// feedback nor leftover garbage of one implementation affects the other. A run simulates a day
// of sampling (one sample per node per interval, default 60 s, retention 1 h) and then scans every
// node with the scale-down query; the parent prints the median of all runs. See
// docs/performance/sample-storage-optimization.md for the method and results.

import { fork } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  NodeSampleStore,
  isUnneeded,
  unneededRule,
  windowAveragesInto,
} from '../../src/state/utilization';
import {
  type AllocationReport,
  type RetainedMemory,
  countAllocations,
  memoryGrowth,
  requireGc,
  retainedMemory,
} from './heap-measure';
import {
  type NaiveSample,
  NaiveSampleStore,
  inPlaceScaleDownQuery,
  naiveScaleDownQuery,
} from './naive-sample-store';

type Implementation = 'baseline' | 'ring';

interface Scenario {
  nodes: number;
  intervalMs: number;
  retentionMs: number;
  /** Samples per node over the whole run (a day at the interval). */
  ticks: number;
  /** Total scale-down queries per read measurement (spread over repeated scans of all nodes). */
  reads: number;
}

const WINDOW_MS = 10 * 60_000;
const RULE = unneededRule({ threshold: 0.5, unneededSeconds: 600, sampleIntervalSeconds: 60 });
const T0 = Date.UTC(2025, 0, 1);

/**
 * What the benchmark asks of an implementation, through that implementation's own API. Queries
 * write the averages into `averages` and return a small integer (samples averaged + 1000 when
 * unneeded): V8 boxes a fractional number returned from a call it does not inline, and that
 * harness cost would otherwise be charged to whichever implementation is measured.
 */
interface Subject {
  /**
   * Drops every sample and starts an empty store. The JIT warm-up and the measured run use the
   * same Subject (the same closures), so the measured run starts with code already optimised for
   * exactly these call targets instead of deoptimising on the first call.
   */
  reset(): void;
  add(nodeName: string, timestampMs: number, cpu: number, memory: number): void;
  /** Average cpu and memory over the window plus the unneeded test. */
  query(nodeName: string, nowMs: number): number;
  /** The same query without the API's defensive copy (baseline only). */
  queryInPlace?(nodeName: string, nowMs: number): number;
  /** Copies the node's samples out for another component; returns how many. */
  copy(nodeName: string): number;
}

const averages = new Float64Array(3);

function ringSubject(scenario: Scenario): Subject {
  const newStore = () =>
    NodeSampleStore.forRetention(scenario.retentionMs / 1000, scenario.intervalMs / 1000);
  let store = newStore();
  const buffer = new Float64Array(store.capacity * 3);
  return {
    reset: () => (store = newStore()),
    add: (nodeName, timestampMs, cpu, memory) => store.add(nodeName, timestampMs, cpu, memory),
    query(nodeName, nowMs) {
      const series = store.series(nodeName)!;
      const count = windowAveragesInto(series, nowMs, WINDOW_MS, averages);
      return count + (isUnneeded(series, nowMs, RULE) ? 1000 : 0);
    },
    copy: (nodeName) => store.readInto(nodeName, buffer),
  };
}

function baselineSubject(scenario: Scenario): Subject {
  let store = new NaiveSampleStore(scenario.retentionMs);
  const query = (samples: readonly NaiveSample[], nowMs: number) =>
    naiveScaleDownQuery(
      samples,
      nowMs,
      WINDOW_MS,
      RULE.threshold,
      RULE.unneededMs,
      RULE.maxGapMs,
      averages,
    );
  return {
    reset: () => (store = new NaiveSampleStore(scenario.retentionMs)),
    add: (nodeName, timestampMs, cpu, memory) => store.add(nodeName, timestampMs, cpu, memory),
    query: (nodeName, nowMs) => query(store.getSamples(nodeName), nowMs),
    queryInPlace: (nodeName, nowMs) =>
      inPlaceScaleDownQuery(
        store.peek(nodeName),
        nowMs,
        WINDOW_MS,
        RULE.threshold,
        RULE.unneededMs,
        RULE.maxGapMs,
        averages,
      ),
    copy: (nodeName) => store.getSamples(nodeName).length,
  };
}

interface PhaseResult {
  ops: number;
  nsPerOp: number;
  allocatedBytesPerOp: number;
  gcMs: number;
}

interface RunResult {
  implementation: Implementation;
  nodes: number;
  afterHour: RetainedMemory;
  afterDay: RetainedMemory;
  warmupAdds: PhaseResult;
  steadyAdds: PhaseResult;
  query: PhaseResult;
  queryInPlace?: PhaseResult;
  copy: PhaseResult;
  checksum: number;
}

/**
 * Numbers stored as tagged heap values. An array whose first element is not a number keeps V8's
 * generic element kind, so each number is boxed once here; passing it on later passes the
 * existing box. Feeding the stores from this, rather than computing values in the loop, keeps the
 * harness from allocating a box per argument, so the allocation measured is the store's own.
 */
function preBoxed(count: number, value: (i: number) => number): readonly number[] {
  const boxed: unknown[] = [null];
  for (let i = 0; i < count; i++) boxed.push(value(i));
  return boxed as number[]; // element 0 is the null; values start at index 1
}

const VALUE_POOL = 1 << 16;

/** Inputs of a run: timestamps per tick and a pool of utilisation values. */
interface Inputs {
  timestamps: readonly number[];
  /** Half the nodes mostly idle (0.05..0.45), half busy (0.4..0.8); deterministic. */
  values: readonly number[];
}

function makeInputs(scenario: Scenario): Inputs {
  let state = 42;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return {
    timestamps: preBoxed(scenario.ticks, (tick) => T0 + tick * scenario.intervalMs),
    values: preBoxed(VALUE_POOL, (i) => ((i >> 1) % 2 === 0 ? 0.05 : 0.4) + random() * 0.4),
  };
}

function addTicks(
  subject: Subject,
  names: readonly string[],
  inputs: Inputs,
  fromTick: number,
  toTick: number,
): void {
  const { timestamps, values } = inputs;
  let v = (fromTick * names.length * 2) & (VALUE_POOL - 1);
  for (let tick = fromTick; tick < toTick; tick++) {
    const timestampMs = timestamps[tick + 1]!;
    for (let n = 0; n < names.length; n++) {
      subject.add(names[n]!, timestampMs, values[v + 1]!, values[v + 2]!);
      v = (v + 2) & (VALUE_POOL - 1);
    }
  }
}

function measure(ops: number, work: () => void): PhaseResult {
  const stop = countAllocations();
  const started = process.hrtime.bigint();
  work();
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const allocation: AllocationReport = stop();
  return {
    ops,
    nsPerOp: elapsedNs / ops,
    allocatedBytesPerOp: allocation.allocatedBytes / ops,
    gcMs: allocation.gcMs,
  };
}

type ReadOperation = 'query' | 'queryInPlace' | 'copy';

/**
 * Runs one read operation over every node, `scans` times. The operation is chosen by name at each
 * call site rather than passed as a function: a shared loop calling different functions would
 * deoptimise whenever the target changed, and that cost would land on whichever phase came next.
 */
function scan(
  subject: Subject,
  operation: ReadOperation,
  names: readonly string[],
  scans: number,
  nowMs: number,
): number {
  let checksum = 0;
  for (let s = 0; s < scans; s++) {
    for (let n = 0; n < names.length; n++) {
      const name = names[n]!;
      if (operation === 'query') checksum += subject.query(name, nowMs);
      else if (operation === 'queryInPlace') checksum += subject.queryInPlace!(name, nowMs);
      else checksum += subject.copy(name);
    }
  }
  return checksum;
}

function runOnce(implementation: Implementation, scenario: Scenario): RunResult {
  requireGc();
  const make = implementation === 'ring' ? ringSubject : baselineSubject;
  const names = Array.from({ length: scenario.nodes }, (_, i) => `node-${i}`);
  const hourTicks = Math.round(scenario.retentionMs / scenario.intervalMs);

  const inputs = makeInputs(scenario);
  const warmTicks = Math.min(scenario.ticks, hourTicks * 3);
  const nowMs = inputs.timestamps[scenario.ticks]!;

  // JIT warm-up on a throwaway store, so the measured run sees optimised code.
  const subject = make(scenario);
  const few = names.slice(0, 200);
  addTicks(subject, few, inputs, 0, warmTicks);
  const warmNow = inputs.timestamps[warmTicks]!;
  scan(subject, 'query', few, 100, warmNow);
  if (subject.queryInPlace) scan(subject, 'queryInPlace', few, 100, warmNow);
  scan(subject, 'copy', few, 100, warmNow);
  subject.reset();

  const before = retainedMemory();
  const warmupAdds = measure(scenario.nodes * hourTicks, () =>
    addTicks(subject, names, inputs, 0, hourTicks),
  );
  const afterHour = memoryGrowth(before, retainedMemory());
  const steadyAdds = measure(scenario.nodes * (scenario.ticks - hourTicks), () =>
    addTicks(subject, names, inputs, hourTicks, scenario.ticks),
  );
  const afterDay = memoryGrowth(before, retainedMemory());

  const scans = Math.max(1, Math.round(scenario.reads / scenario.nodes));
  const reads = scans * scenario.nodes;
  let checksum = 0;
  const read = (operation: ReadOperation) => {
    // One unmeasured pass over the full store first: the few-node warm-up above does not see a
    // day-old, wrapped ring for every node, and a late (re)compilation would otherwise be counted.
    checksum += scan(subject, operation, names, Math.ceil(scans / 4), nowMs);
    return measure(reads, () => (checksum += scan(subject, operation, names, scans, nowMs)));
  };
  const query = read('query');
  const queryInPlace = subject.queryInPlace ? read('queryInPlace') : undefined;
  const copy = read('copy');

  return {
    implementation,
    nodes: scenario.nodes,
    afterHour,
    afterDay,
    warmupAdds,
    steadyAdds,
    query,
    ...(queryInPlace ? { queryInPlace } : {}),
    copy,
    checksum,
  };
}

function runInChild(implementation: Implementation, scenario: Scenario): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, ['--child', implementation, JSON.stringify(scenario)], {
      execArgv: process.execArgv,
    });
    let result: RunResult | undefined;
    child.on('message', (message) => (result = message as RunResult));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`benchmark child (${implementation}) exited with code ${code}`));
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const fixed = (n: number, digits = 0) => n.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** Median of a phase's numbers over runs, with the min–max spread of ns/op. */
function phaseCells(results: PhaseResult[]): string[] {
  const ns = results.map((r) => r.nsPerOp);
  return [
    `${fixed(median(ns))} (${fixed(Math.min(...ns))}–${fixed(Math.max(...ns))})`,
    fixed(median(results.map((r) => r.allocatedBytesPerOp)), 1),
  ];
}

function report(scenario: Omit<Scenario, 'nodes'>, byNodes: Map<number, RunResult[]>): void {
  const memoryRows: string[][] = [];
  const addRows: string[][] = [];
  const readRows: string[][] = [];
  const summary: string[] = [];
  for (const [nodes, results] of byNodes) {
    const medianRetained = (impl: Implementation, pick: (r: RunResult) => RetainedMemory) => {
      const runs = results.filter((r) => r.implementation === impl).map(pick);
      return {
        heapUsed: median(runs.map((m) => m.heapUsed)),
        arrayBuffers: median(runs.map((m) => m.arrayBuffers)),
      };
    };
    const totals: Record<Implementation, number> = { baseline: 0, ring: 0 };
    const addNs: Record<Implementation, number> = { baseline: 0, ring: 0 };
    const queryNs: Record<Implementation, number> = { baseline: 0, ring: 0 };
    for (const impl of ['baseline', 'ring'] as const) {
      const runs = results.filter((r) => r.implementation === impl);
      const hour = medianRetained(impl, (r) => r.afterHour);
      const day = medianRetained(impl, (r) => r.afterDay);
      const total = day.heapUsed + day.arrayBuffers;
      totals[impl] = total;
      addNs[impl] = median(runs.map((r) => r.steadyAdds.nsPerOp));
      queryNs[impl] = median(runs.map((r) => r.query.nsPerOp));
      memoryRows.push([
        String(nodes),
        impl,
        String(runs.length),
        mib(hour.heapUsed + hour.arrayBuffers),
        mib(day.heapUsed),
        mib(day.arrayBuffers),
        mib(total),
        fixed(total / nodes),
      ]);
      addRows.push([
        String(nodes),
        impl,
        ...phaseCells(runs.map((r) => r.steadyAdds)),
        fixed(median(runs.map((r) => r.warmupAdds.allocatedBytesPerOp)), 1),
        fixed(median(runs.map((r) => r.steadyAdds.gcMs)), 1),
      ]);
      readRows.push([
        String(nodes),
        impl,
        'scale-down query (public API)',
        ...phaseCells(runs.map((r) => r.query)),
      ]);
      const inPlace = runs.flatMap((r) => (r.queryInPlace ? [r.queryInPlace] : []));
      if (inPlace.length > 0) {
        readRows.push([
          String(nodes),
          impl,
          'scale-down query, in place (no copy)',
          ...phaseCells(inPlace),
        ]);
      }
      readRows.push([
        String(nodes),
        impl,
        'copy samples out',
        ...phaseCells(runs.map((r) => r.copy)),
      ]);
    }
    const saved = 1 - totals.ring / totals.baseline;
    summary.push(
      `${nodes} nodes: retained memory −${(saved * 100).toFixed(1)} % ` +
        `(${mib(totals.baseline)} → ${mib(totals.ring)} MiB); ` +
        `add ${fixed(addNs.baseline)} → ${fixed(addNs.ring)} ns; ` +
        `scale-down query ${fixed(queryNs.baseline)} → ${fixed(queryNs.ring)} ns`,
    );
  }
  const capacity = Math.ceil(scenario.retentionMs / scenario.intervalMs);
  console.log(
    `\nScenario: one sample per node every ${scenario.intervalMs / 1000} s for ${scenario.ticks} samples ` +
      `(${((scenario.ticks * scenario.intervalMs) / 3_600_000).toFixed(1)} h), retention ` +
      `${scenario.retentionMs / 1000} s (ring capacity ${capacity}); query window ${WINDOW_MS / 60_000} min, ` +
      `unneeded ${RULE.unneededMs / 60_000} min, threshold ${RULE.threshold}.\n`,
  );
  console.log('Retained memory (growth over the empty process, after full GC; medians):\n');
  console.log(
    table(
      [
        'nodes',
        'impl',
        'runs',
        'after 1 h MiB',
        'day: heap MiB',
        'day: ArrayBuffers MiB',
        'day: total MiB',
        'bytes/node',
      ],
      memoryRows,
    ),
  );
  console.log('\nAdd, steady state (hours 2..end; ns/op median (min–max); allocated bytes/op):\n');
  console.log(
    table(
      ['nodes', 'impl', 'ns/add', 'B alloc/add', 'B alloc/add in hour 1', 'GC ms (steady)'],
      addRows,
    ),
  );
  console.log('\nReads over full histories (ns/op median (min–max); allocated bytes/op):\n');
  console.log(table(['nodes', 'impl', 'operation', 'ns/op', 'B alloc/op'], readRows));
  console.log(`\nSummary:\n${summary.map((s) => `- ${s}`).join('\n')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      nodes: { type: 'string', default: '1000,10000' },
      runs: { type: 'string', default: '5' },
      reads: { type: 'string', default: '200000' },
      'interval-seconds': { type: 'string', default: '60' },
      'retention-seconds': { type: 'string', default: '3600' },
      hours: { type: 'string', default: '24' },
    },
    allowPositionals: true,
  });
  if (values.child) {
    const scenario = JSON.parse(process.argv[process.argv.length - 1]!) as Scenario;
    const result = runOnce(values.child as Implementation, scenario);
    // Forked by the parent: report over IPC; run by hand (for profiling): print.
    if (process.send) process.send(result);
    else console.log(JSON.stringify(result, null, 2));
    return;
  }
  requireGc();
  const intervalMs = Number(values['interval-seconds']) * 1000;
  const base = {
    intervalMs,
    retentionMs: Number(values['retention-seconds']) * 1000,
    ticks: Math.round((Number(values.hours) * 3_600_000) / intervalMs),
    reads: Number(values.reads),
  };
  const runs = Number(values.runs);
  const nodeCounts = values.nodes.split(',').map(Number);
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const byNodes = new Map<number, RunResult[]>();
  const started = Date.now();
  for (const nodes of nodeCounts) {
    const results: RunResult[] = [];
    for (let run = 0; run < runs; run++) {
      // Alternate the order so drift in machine load does not favour one implementation.
      const order: Implementation[] = run % 2 === 0 ? ['baseline', 'ring'] : ['ring', 'baseline'];
      for (const implementation of order) {
        results.push(await runInChild(implementation, { ...base, nodes }));
        process.stderr.write(`  ${nodes} nodes, run ${run + 1}/${runs}, ${implementation} done\n`);
      }
    }
    byNodes.set(nodes, results);
  }
  report(base, byNodes);
  console.log(
    `\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
