// The reference doc and the example file must cover every field; the doc must be exactly what
// the generator writes, and both must already be prettier-clean so `npm run lint` agrees.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { REFERENCE_PATH, renderConfigReference } from '../../../scripts/build/generate-config-docs';
import { CONFIG_FIELDS } from '../../../src/config/fields';
import { loadConfig, resolveConfig } from '../../../src/config/load';

const ROOT = join(__dirname, '../../..');
const EXAMPLE_PATH = join(ROOT, 'config/config.example.yaml');
const reference = readFileSync(REFERENCE_PATH, 'utf8');
const example = readFileSync(EXAMPLE_PATH, 'utf8');

test('the committed reference is what the generator writes (run scripts/build/generate-config-docs.ts)', () => {
  expect(reference).toBe(renderConfigReference());
});

test.each(CONFIG_FIELDS.map((field) => [field.path, field] as const))(
  'the reference documents %s with its env var and flags',
  (path, field) => {
    const entry = reference.split(`### \`${path}\`\n`)[1]?.split('\n### ')[0];
    expect(entry).toBeDefined();
    expect(entry).toContain(field.description);
    expect(entry).toContain(`\`${field.env}\``);
    for (const flag of field.flags) expect(entry).toContain(`\`${flag}\``);
  },
);

// Leaf paths of a YAML mapping, including keys left empty.
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) =>
    leafPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

test('the example file has every field, and nothing else', () => {
  const paths = leafPaths(parseDocument(example).toJS()).sort();
  expect(paths).toEqual(CONFIG_FIELDS.map((field) => field.path).sort());
});

test('every field in the example file has a comment right above it', () => {
  const lines = example.split('\n');
  const sections = new Set(CONFIG_FIELDS.flatMap((f) => f.segments.slice(0, -1)));
  const uncommented = lines.filter((line, i) => {
    const key = /^\s*([A-Za-z]+):/.exec(line)?.[1];
    if (!key || (sections.has(key) && /:\s*$/.test(line))) return false;
    return !/^\s*#/.test(lines[i - 1] ?? '');
  });
  expect(uncommented).toEqual([]);
});

test('the example file loads, and every value in it is the default', () => {
  const loaded = loadConfig({ argv: ['--config-file', EXAMPLE_PATH], env: {} });
  expect(loaded.config).toEqual(resolveConfig({}).config);
  expect(loaded.configFile).toBe(EXAMPLE_PATH);
});

test('the reference and the example are prettier-clean', () => {
  const prettier = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');
  // Throws (failing the test) with prettier's report when a file would be reformatted.
  execFileSync(process.execPath, [prettier, '--check', REFERENCE_PATH, EXAMPLE_PATH], {
    cwd: ROOT,
    stdio: 'pipe',
  });
});
