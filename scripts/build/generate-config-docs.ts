// Writes docs/configuration/config-reference.md from the config schema, so the reference can
// never describe a field that does not exist or miss one that does.
//   npx tsx scripts/build/generate-config-docs.ts           rewrite the file
//   npx tsx scripts/build/generate-config-docs.ts --check   exit 1 when the file is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_ENV } from '../../src/config/credential-names';
import { defaultText, typeText } from '../../src/config/field-text';
import {
  CONFIG_FIELDS,
  CONFIG_FILE_ENV,
  CONFIG_SECTIONS,
  ENV_PREFIX,
  type ConfigField,
} from '../../src/config/fields';
import { CONFIG_FILE_FLAG, LEGACY_FLAG_ALIASES } from '../../src/config/legacy-flags';

export const REFERENCE_PATH = join(__dirname, '../../docs/configuration/config-reference.md');

const code = (text: string) => `\`${text}\``;

const INTRO = [
  '<!-- Generated from src/config/schema.ts by scripts/build/generate-config-docs.ts; do not edit by hand. -->',
  '',
  '# Configuration reference',
  '',
  'Every setting of the controller and the worker, generated from the one schema in',
  '`src/config/schema.ts`. An annotated example with every field is `config/config.example.yaml`.',
  '',
  '## Where settings come from',
  '',
  'Each field is taken from the first of these that sets it:',
  '',
  '1. a command-line flag (`--logging.level=debug`; booleans also as a bare `--flag` or `--flag=false`);',
  `2. an environment variable (${code(`${ENV_PREFIX}LOGGING_LEVEL=debug`)}); an empty value counts as unset;`,
  `3. the YAML file named by ${code(`${CONFIG_FILE_FLAG} PATH`)} or ${code(CONFIG_FILE_ENV)}; an empty value (${code('key:')}) counts as unset;`,
  '4. the default below.',
  '',
  'Names are derived from the field path: the flag is the path in kebab case',
  `(${code('vpsie.circuitBreaker.openSeconds')} → ${code('--vpsie.circuit-breaker.open-seconds')}), the env var is`,
  `${code(ENV_PREFIX)} and the path in upper snake case (${code(`${ENV_PREFIX}VPSIE_CIRCUIT_BREAKER_OPEN_SECONDS`)}).`,
  'Lists are comma-separated in flags and env vars (`--default-ssh-key-ids=a,b`); a list flag may',
  'also be repeated. Durations use Go syntax (`90s`, `30m`, `1h30m`) or a number of seconds, and',
  'resolve to seconds.',
  '',
  'The flags of the earlier Go controller still work, as aliases:',
  '',
  ...Object.entries(LEGACY_FLAG_ALIASES).map(([flag, path]) => `- ${code(flag)} → ${code(path)}`),
  '',
  'Unknown flags, unknown `VPSIE_AUTOSCALER_*` variables and unknown keys in the file stop the',
  'process with one error that lists every problem, where each value came from and what is',
  'allowed. (Variables Kubernetes injects for a Service, such as `VPSIE_AUTOSCALER_SERVICE_HOST`,',
  'are ignored.)',
  '',
  '## Credentials',
  '',
  'VPSie credentials are never part of this configuration: the config file and flags reject them.',
  'They are read from the first of:',
  '',
  `1. env ${code(CREDENTIAL_ENV.token)}, or ${code(CREDENTIAL_ENV.clientId)} and ${code(CREDENTIAL_ENV.clientSecret)};`,
  '2. the path in `vpsie.credentialsFile`: a mounted Secret directory (files `token`, `clientId`,',
  '   `clientSecret`, `url`) or a YAML/JSON file with those keys;',
  '3. the Kubernetes Secret `vpsie.secretNamespace`/`vpsie.secretName` with the same keys.',
  '',
  'Give either `token` or `clientId` and `clientSecret`. An optional `url` replaces `vpsie.baseUrl`.',
];

// "unset" and "empty" are words, not values an operator would type.
const isEmptyDefault = (field: ConfigField) =>
  field.defaultValue === undefined ||
  (Array.isArray(field.defaultValue) && field.defaultValue.length === 0);

function fieldEntry(field: ConfigField): string[] {
  return [
    `### ${code(field.path)}`,
    '',
    field.description,
    '',
    `- Type: ${typeText(field)}`,
    `- Default: ${isEmptyDefault(field) ? defaultText(field) : code(defaultText(field))}`,
    `- Env: ${code(field.env)}`,
    `- Flags: ${field.flags.map(code).join(', ')}`,
    '',
  ];
}

export function renderConfigReference(): string {
  const lines = [...INTRO, ''];
  const parentOf = (field: ConfigField) => field.segments.slice(0, -1).join('.');
  for (const section of CONFIG_SECTIONS) {
    lines.push(`## ${code(section.path)}`, '', section.description, '');
    for (const field of CONFIG_FIELDS.filter((f) => parentOf(f) === section.path)) {
      lines.push(...fieldEntry(field));
    }
  }
  lines.push('## Top-level settings', '');
  for (const field of CONFIG_FIELDS.filter((f) => f.segments.length === 1)) {
    lines.push(...fieldEntry(field));
  }
  return lines.join('\n').trimEnd() + '\n';
}

function main(): void {
  const expected = renderConfigReference();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(REFERENCE_PATH, 'utf8');
    } catch {
      // A missing file is drift too.
    }
    if (current !== expected) {
      console.error(
        `${REFERENCE_PATH} is out of date; run: npx tsx scripts/build/generate-config-docs.ts`,
      );
      process.exit(1);
    }
    console.log('config reference is up to date');
    return;
  }
  writeFileSync(REFERENCE_PATH, expected);
  console.log(`wrote ${REFERENCE_PATH}`);
}

if (require.main === module) main();
