// Writes the CRD manifests (crds/*.yaml) and their reference (docs/api/crds.md) from the zod
// schemas in src/apis/v1alpha1, formatted with the repository's prettier settings.
//
//   npx tsx scripts/build/generate-crds.ts            regenerate the files
//   npx tsx scripts/build/generate-crds.ts --check    exit 1 if a committed file is stale
//   ... --root <dir>                                  read/write under <dir> instead of the repo
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as prettier from 'prettier';
import {
  REGENERATE_COMMAND,
  generatedFiles,
  type GeneratedFile,
} from '../../src/apis/generated-files';

const REPO_ROOT = resolve(__dirname, '../..');

interface Options {
  check: boolean;
  root: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { check: false, root: REPO_ROOT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--root' && argv[i + 1]) options.root = resolve(argv[++i]!);
    else {
      process.stderr.write(`unknown argument ${arg}\nusage: ${REGENERATE_COMMAND} [--check]\n`);
      process.exit(2);
    }
  }
  return options;
}

/** The file as committed: prettier-formatted with the settings of the repository. */
async function formatted(file: GeneratedFile): Promise<string> {
  // Resolve settings from the repository even with --root, so the output never depends on it.
  const settingsPath = join(REPO_ROOT, file.path);
  const settings = (await prettier.resolveConfig(settingsPath)) ?? {};
  return prettier.format(file.content, { ...settings, filepath: settingsPath });
}

async function main(): Promise<void> {
  const { check, root } = parseArgs(process.argv.slice(2));
  const stale: string[] = [];
  for (const file of generatedFiles()) {
    const target = join(root, file.path);
    const content = await formatted(file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === content) continue;
    if (check) {
      stale.push(file.path);
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      process.stdout.write(`wrote ${file.path}\n`);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `generated files are out of date with the schemas in src/apis/v1alpha1:\n` +
        stale.map((path) => `  ${path}\n`).join('') +
        `regenerate them with: ${REGENERATE_COMMAND}\n`,
    );
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
