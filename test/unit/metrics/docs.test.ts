// docs/operations/metrics.md is generated from definitions.ts; these tests fail on drift.
// The generator runs as a real process (it formats with prettier, which jest cannot load).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ALL_METRIC_FAMILIES } from '../../../src/metrics/definitions';

const ROOT = resolve(__dirname, '../../..');
const DOC = join(ROOT, 'docs/operations/metrics.md');
const SCRIPT = join(ROOT, 'scripts/build/generate-metrics-docs.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function generator(...args: string[]) {
  return spawnSync(TSX, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

test('the committed doc lists every family with its type and labels', () => {
  const doc = readFileSync(DOC, 'utf8');
  for (const family of ALL_METRIC_FAMILIES) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${family.name}\` `));
    expect(row).toBeDefined();
    expect(row).toContain(` ${family.type} `);
    for (const label of family.labelNames) expect(row).toContain(`\`${label}\``);
  }
});

test('the committed doc is exactly what the generator produces (--check)', () => {
  const result = generator('--check');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 60_000);

test('--check fails on a stale file and names the command that fixes it; writing fixes it', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'metrics-doc-')), 'metrics.md');
  writeFileSync(file, readFileSync(DOC, 'utf8').replace('counter', 'gauge'));

  const stale = generator('--check', '--file', file);
  expect(stale.status).toBe(1);
  expect(stale.stderr).toMatch(
    /is out of date .*run: npx tsx scripts\/build\/generate-metrics-docs\.ts/,
  );

  expect(generator('--file', file).status).toBe(0);
  expect(readFileSync(file, 'utf8')).toBe(readFileSync(DOC, 'utf8'));
}, 60_000);
