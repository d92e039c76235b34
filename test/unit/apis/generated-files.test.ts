// The committed crds/*.yaml and docs/api/crds.md are what the schemas generate; the generator's
// --check catches drift.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import type { JSONSchemaProps } from '../../../src/apis/kubernetes-schema';
import {
  CRD_HEADER,
  DOCS_PATH,
  REGENERATE_COMMAND,
  generatedFiles,
} from '../../../src/apis/generated-files';
import { buildCrds } from '../../../src/apis/crds';

const REPO_ROOT = resolve(__dirname, '../../..');
const GENERATOR = join(REPO_ROOT, 'scripts/build/generate-crds.ts');
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');

function committed(path: string): string {
  const file = join(REPO_ROOT, path);
  if (!existsSync(file)) throw new Error(`${path} is missing: run ${REGENERATE_COMMAND}`);
  return readFileSync(file, 'utf8');
}

function runGenerator(...args: string[]) {
  const result = spawnSync(TSX, [GENERATOR, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(generatedFiles().filter((file) => file.path.endsWith('.yaml')))('$path', (file) => {
  test('starts with the do-not-edit header naming the regenerate command', () => {
    expect(committed(file.path).startsWith(`${CRD_HEADER}\n`)).toBe(true);
    expect(CRD_HEADER).toContain(REGENERATE_COMMAND);
  });

  test('holds exactly the CRD the schemas generate', () => {
    const onDisk: unknown = YAML.parse(committed(file.path), { version: '1.1' });
    if (!isDeepStrictEqual(onDisk, file.data)) {
      throw new Error(`${file.path} is out of date with src/apis: run ${REGENERATE_COMMAND}`);
    }
  });
});

describe(DOCS_PATH, () => {
  const docs = () => committed(DOCS_PATH);

  function fields(node: JSONSchemaProps, path: string, out: Array<[string, JSONSchemaProps]> = []) {
    out.push([path, node]);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      fields(child, `${path}.${key}`, out);
    }
    const element = node.items ?? node.additionalProperties;
    if (element?.properties) {
      for (const [key, child] of Object.entries(element.properties)) {
        fields(child, `${path}${node.items ? '[]' : '.*'}.${key}`, out);
      }
    }
    return out;
  }

  test.each(buildCrds().map((crd) => [crd.spec.names.kind, crd] as const))(
    'documents every %s field with its default, and every rule message',
    (_kind, crd) => {
      const root = crd.spec.versions[0]!.schema.openAPIV3Schema;
      const missing: string[] = [];
      for (const top of ['spec', 'status'] as const) {
        for (const [path, node] of fields(root.properties![top]!, top)) {
          const row = docs()
            .split('\n')
            .find((line) => line.startsWith(`| \`${path}\``));
          if (!row) missing.push(path);
          else if (typeof node.default !== 'object' && node.default !== undefined) {
            if (!row.includes(`\`${JSON.stringify(node.default)}\``))
              missing.push(`${path} default`);
          }
        }
      }
      const rules = JSON.stringify(root).match(/"message":"[^"]*"/g) ?? [];
      for (const rule of rules) {
        const message = (JSON.parse(`{${rule}}`) as { message: string }).message;
        if (!docs().includes(message.replace(/\|/g, '\\|'))) missing.push(`rule: ${message}`);
      }
      if (missing.length > 0) {
        throw new Error(
          `${DOCS_PATH} is out of date (${missing.join(', ')}): run ${REGENERATE_COMMAND}`,
        );
      }
    },
  );
});

describe('scripts/build/generate-crds.ts', () => {
  jest.setTimeout(60_000);

  test('--check passes on the committed files', () => {
    const result = runGenerator('--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('writes every file, then --check fails on a hand edit and names the command', () => {
    const root = mkdtempSync(join(tmpdir(), 'generate-crds-'));
    try {
      const written = runGenerator('--root', root);
      expect(written.status).toBe(0);
      for (const file of generatedFiles()) {
        expect(readFileSync(join(root, file.path), 'utf8')).toBe(committed(file.path));
      }
      expect(runGenerator('--check', '--root', root).status).toBe(0);

      const edited = join(root, 'crds/autoscaler.vpsie.com_nodegroups.yaml');
      writeFileSync(edited, readFileSync(edited, 'utf8').replace('maximum: 1000', 'maximum: 2000'));
      const drift = runGenerator('--check', '--root', root);
      expect(drift.status).toBe(1);
      expect(drift.stderr).toContain('crds/autoscaler.vpsie.com_nodegroups.yaml');
      expect(drift.stderr).not.toContain('vpsienodes');
      expect(drift.stderr).toContain(REGENERATE_COMMAND);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('refuses unknown arguments', () => {
    const result = runGenerator('--chek');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown argument --chek/);
  });
});
