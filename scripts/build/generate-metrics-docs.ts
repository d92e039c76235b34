// Generates docs/operations/metrics.md from src/metrics/definitions.ts, so the table operators
// read cannot drift from what the processes export.
//   npx tsx scripts/build/generate-metrics-docs.ts            write the file
//   npx tsx scripts/build/generate-metrics-docs.ts --check    exit 1 if the file is out of date
//   --file <path>                                             another target (tests use it)
// The output goes through prettier so `prettier --check .` agrees with the generated file.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import * as prettier from 'prettier';
import {
  ALL_METRIC_FAMILIES,
  METRIC_PREFIX,
  type MetricFamily,
} from '../../src/metrics/definitions';
import { EMPTY_LABEL_VALUE, MAX_LABEL_VALUE_LENGTH } from '../../src/metrics/sanitize-label';

const REPO_ROOT = resolve(__dirname, '../..');
const DEFAULT_FILE = resolve(REPO_ROOT, 'docs/operations/metrics.md');
const COMMAND = 'npx tsx scripts/build/generate-metrics-docs.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => `\`${text}\``;

function familyRow(family: MetricFamily): string {
  const labels = family.labelNames.length ? family.labelNames.map(code).join(', ') : '—';
  return `| ${[
    code(family.name),
    family.type,
    labels,
    family.help,
    family.process,
    family.updatedBy,
  ]
    .map(cell)
    .join(' | ')} |`;
}

function familyTables(): string[] {
  const lines: string[] = [];
  const areas = [...new Set(ALL_METRIC_FAMILIES.map((f) => f.area))];
  for (const area of areas) {
    lines.push(`### ${area}`, '');
    lines.push('| Metric | Type | Labels | Meaning | Updated in | Updated by |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    lines.push(...ALL_METRIC_FAMILIES.filter((f) => f.area === area).map(familyRow), '');
  }
  return lines;
}

function closedLabelValues(): string[] {
  const lines = ['| Metric | Label | Allowed values |', '| --- | --- | --- |'];
  for (const family of ALL_METRIC_FAMILIES) {
    for (const [label, values] of Object.entries(family.labelValues)) {
      if (!values) continue;
      lines.push(`| ${code(family.name)} | ${code(label)} | ${values.map(code).join(', ')} |`);
    }
  }
  return [...lines, ''];
}

function histogramBuckets(): string[] {
  const lines = ['| Metric | Buckets (`le`) |', '| --- | --- |'];
  for (const family of ALL_METRIC_FAMILIES) {
    if (family.type === 'histogram') {
      lines.push(`| ${code(family.name)} | ${family.buckets.join(', ')} |`);
    }
  }
  return [...lines, ''];
}

export function renderMetricsMarkdown(): string {
  return [
    '# Metrics',
    '',
    `<!-- Generated from src/metrics/definitions.ts by \`${COMMAND}\`. Do not edit by hand. -->`,
    '',
    'The controller and the worker each serve Prometheus text on `/metrics` through',
    '`startMetricsServer` (src/metrics/http.ts; a bind address of `:8080` listens on every',
    'interface). The worker can append the Temporal SDK runtime metrics to its own through the',
    '`extraText` option. Both register every family; a labelled series appears in the',
    '`/metrics` of the process named under "Updated in" once it records it.',
    '',
    `Every autoscaler family carries the prefix ${code(METRIC_PREFIX)}; dashboards and alert`,
    'rules must use the full names below.',
    '',
    `Free-form label values (node group, namespace, controller, API method, workflow, activity) are`,
    `sanitised: every character outside \`[A-Za-z0-9_.-]\` becomes \`_\`, values are cut to`,
    `${MAX_LABEL_VALUE_LENGTH} characters, and an empty value becomes ${code(EMPTY_LABEL_VALUE)}.`,
    'Labels with a closed set of values (listed below) reject anything else: the recorder throws',
    '`MetricInputError` and records nothing.',
    '',
    '## Families',
    '',
    ...familyTables(),
    '## Closed label values',
    '',
    ...closedLabelValues(),
    '## Histogram buckets',
    '',
    ...histogramBuckets(),
    '## Process metrics',
    '',
    'Both processes also export the standard Node.js metrics of prom-client',
    '(`process_resident_memory_bytes`, `process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`,',
    '`nodejs_eventloop_lag_seconds`, ...) **without** the autoscaler prefix: they describe the',
    'process rather than the autoscaler, and operators, stock dashboards and alert rules (the',
    'HighMemoryUsage alert included) expect these exact names. The Prometheus `job` label tells',
    'the controller from the worker.',
    '',
  ].join('\n');
}

// Always the repository's prettier config, whatever --file points at, so a copy elsewhere is
// formatted exactly like the committed doc.
export async function formattedMetricsMarkdown(): Promise<string> {
  const config = (await prettier.resolveConfig(DEFAULT_FILE)) ?? {};
  return prettier.format(renderMetricsMarkdown(), { ...config, filepath: DEFAULT_FILE });
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const fileIndex = argv.indexOf('--file');
  const file = fileIndex >= 0 && argv[fileIndex + 1] ? resolve(argv[fileIndex + 1]!) : DEFAULT_FILE;
  const expected = await formattedMetricsMarkdown();
  const shown = relative(process.cwd(), file) || file;

  if (check) {
    const actual = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (actual === expected) return 0;
    const problem = actual === undefined ? 'is missing' : 'is out of date';
    process.stderr.write(`${shown} ${problem} with src/metrics/definitions.ts; run: ${COMMAND}\n`);
    return 1;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, expected);
  process.stdout.write(`wrote ${shown}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}
