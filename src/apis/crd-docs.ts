// docs/api/crds.md, rendered from the generated CRDs, so every field, default and rule in the
// reference is the one the API server enforces. Pure; the generator script formats and writes it.
import YAML from 'yaml';
import type { CustomResourceDefinition, JSONSchemaProps } from './kubernetes-schema';
import {
  CONDITION_REASON,
  CONDITION_TYPE,
  CONFIG_MAP_KEY,
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  IDENTIFIER,
  KUBERNETES_VERSION,
  LABEL_VALUE,
  QUALIFIED_NAME,
  SSH_PUBLIC_KEY,
  TIME_ZONE_NAME,
  VPSIE_ID,
  WELL_KNOWN_KEYS,
  CLOCK_TIME,
  END_CLOCK_TIME,
  MAX_CLOUD_INIT_TEMPLATE_LENGTH,
  exampleVPSieNode,
  minimalNodeGroup,
  productionNodeGroup,
} from './v1alpha1';

export const REGENERATE_COMMAND = 'npx tsx scripts/build/generate-crds.ts';

// Patterns shown by name in the field tables and spelt out once in the Formats section.
const NAMED_PATTERNS: Array<[string, RegExp]> = [
  ['DNS-1123 label', DNS1123_LABEL],
  ['DNS-1123 subdomain', DNS1123_SUBDOMAIN],
  ['ConfigMap key', CONFIG_MAP_KEY],
  ['qualified name', QUALIFIED_NAME],
  ['label value', LABEL_VALUE],
  ['identifier', IDENTIFIER],
  ['VPSie id', VPSIE_ID],
  ['v + semver', KUBERNETES_VERSION],
  ['condition type', CONDITION_TYPE],
  ['condition reason', CONDITION_REASON],
  ['OpenSSH public key', SSH_PUBLIC_KEY],
  ['IANA zone name', TIME_ZONE_NAME],
  ['HH:MM', CLOCK_TIME],
  ['HH:MM or 24:00', END_CLOCK_TIME],
];
const PATTERN_NAMES = new Map(NAMED_PATTERNS.map(([name, re]) => [re.source, name]));

const INTRODUCTION = [
  'The zod schemas in `src/apis/v1alpha1/` are the single source of truth: the TypeScript ' +
    'types, the validation our controller runs, the CRDs in `crds/` and this page are all ' +
    `generated from them. Regenerate after changing a schema with \`${REGENERATE_COMMAND}\`; ` +
    `\`${REGENERATE_COMMAND} --check\` and the unit tests fail when a generated file is stale.`,
  '',
  'Decisions worth knowing:',
  '',
  '- **Defaults** are applied by the API server (from `default:` in the CRD) and by our zod ' +
    'parsing (from the same definition), so a NodeGroup read back from the API server already ' +
    'carries them. They are those of the earlier Go autoscaler for the fields it had and those ' +
    'of Cluster Autoscaler for the ones it lacked.',
  '- **One spelling, `sshKeyIds`.** The earlier autoscaler had `sshKeyIDs` and never sent the ' +
    'keys to VPSie. Keeping both spellings would need a rule to pick one; instead the old one is ' +
    'an unknown field, which `kubectl apply` (strict field validation) reports as an error ' +
    'rather than silently dropping it.',
  `- **cloud-init size.** \`cloudInitTemplate\` is capped at ${MAX_CLOUD_INIT_TEMPLATE_LENGTH} ` +
    'characters. VPSie documents no user-data limit, so we keep to the tightest of comparable ' +
    'clouds (Hetzner 32 KiB; DigitalOcean 64 KiB; OpenStack Nova 65535 bytes of base64, about ' +
    '48 KiB). The renderer adds variables and SSH keys and still checks the rendered size.',
  '- **Maintenance windows** restrict when a scale-down may start, never scale-up. A window ' +
    'opens on each listed day at `start` and closes at `end` in `timeZone`; an `end` before ' +
    '`start` runs past midnight. The API server checks the zone name against its time zone ' +
    'database.',
  '- **Cross-field rules** are CEL (`x-kubernetes-validations`), so the API server rejects an ' +
    'invalid object with HTTP 422 naming the field. Rules that use `oldSelf` (immutability) ' +
    'are checked on update only.',
];

/** Escape what would end a table cell or a line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

function typeOf(props: JSONSchemaProps): string {
  if (props.type === 'array') return `[]${props.items ? typeOf(props.items) : 'unknown'}`;
  if (props.type === 'object' && props.additionalProperties) {
    return `map[string]${typeOf(props.additionalProperties)}`;
  }
  const base = props.type ?? 'any';
  return props.format ? `${base} (${props.format})` : base;
}

function range(low: number | undefined, high: number | undefined, unit = ''): string | undefined {
  if (low !== undefined && high !== undefined) return `${low}-${high}${unit}`;
  if (low !== undefined) return `at least ${low}${unit}`;
  if (high !== undefined) return `at most ${high}${unit}`;
  return undefined;
}

/** Validation of one node, not counting its children or CEL rules. */
function constraints(props: JSONSchemaProps): string[] {
  const out: string[] = [];
  if (props.enum) out.push(`one of ${props.enum.map((v) => code(String(v))).join(', ')}`);
  if (props.pattern) {
    const name = PATTERN_NAMES.get(props.pattern);
    out.push(name ? `pattern: ${name}` : `pattern ${code(props.pattern)}`);
  }
  const length = range(props.minLength, props.maxLength, ' characters');
  if (length) out.push(length);
  const value = range(props.minimum, props.maximum);
  if (value)
    out.push(props.exclusiveMinimum || props.exclusiveMaximum ? `${value} (exclusive)` : value);
  const items = range(props.minItems, props.maxItems, ' items');
  if (items) out.push(items);
  if (props['x-kubernetes-list-type'] === 'set') out.push('unique items');
  if (props['x-kubernetes-list-type'] === 'map') {
    out.push(`one item per ${(props['x-kubernetes-list-map-keys'] ?? []).map(code).join(', ')}`);
  }
  const entries = range(props.minProperties, props.maxProperties, ' entries');
  if (entries) out.push(entries);
  // Scalar items and map values have no row of their own: show their validation here.
  const scalarChild = props.items ?? props.additionalProperties;
  if (scalarChild && !scalarChild.properties) {
    const inner = constraints(scalarChild);
    if (inner.length > 0) out.push(`${props.items ? 'each' : 'values'}: ${inner.join(', ')}`);
  }
  return out;
}

function defaultText(props: JSONSchemaProps): string {
  if (props.default === undefined) return '';
  if (typeof props.default === 'object' && props.default !== null)
    return 'the defaults of its fields';
  return code(json(props.default));
}

interface Row {
  path: string;
  props: JSONSchemaProps;
  required: boolean;
}

function flatten(props: JSONSchemaProps, path: string, required: boolean, rows: Row[]): void {
  rows.push({ path, props, required });
  for (const [key, child] of Object.entries(props.properties ?? {})) {
    flatten(child, `${path}.${key}`, props.required?.includes(key) ?? false, rows);
  }
  if (props.items?.properties) flatten(props.items, `${path}[]`, true, rows);
  if (props.additionalProperties?.properties)
    flatten(props.additionalProperties, `${path}.*`, true, rows);
}

function fieldRows(root: JSONSchemaProps, top: 'spec' | 'status'): Row[] {
  const rows: Row[] = [];
  const props = root.properties?.[top];
  if (props) flatten(props, top, root.required?.includes(top) ?? false, rows);
  // Items of arrays of objects get a row for the array itself; the `[]` row adds nothing.
  return rows.filter((row) => !row.path.endsWith('[]') && !row.path.endsWith('.*'));
}

function fieldTable(rows: Row[]): string[] {
  return table(
    ['Field', 'Type', 'Required', 'Default', 'Validation', 'Description'],
    rows.map(({ path, props, required }) => [
      code(path),
      code(typeOf(props)),
      required ? 'yes' : '',
      defaultText(props),
      constraints(props).join('; '),
      props.description ?? '',
    ]),
  );
}

function ruleRows(props: JSONSchemaProps, path: string, out: string[][]): string[][] {
  for (const rule of props['x-kubernetes-validations'] ?? []) {
    out.push([
      code(rule.fieldPath ? `${path}${rule.fieldPath}` : path),
      code(rule.rule),
      rule.message,
    ]);
  }
  for (const [key, child] of Object.entries(props.properties ?? {})) {
    ruleRows(child, `${path}.${key}`, out);
  }
  if (props.items) ruleRows(props.items, `${path}[]`, out);
  if (props.additionalProperties) ruleRows(props.additionalProperties, `${path}.*`, out);
  return out;
}

function resourceSection(crd: CustomResourceDefinition): string[] {
  const version = crd.spec.versions[0]!;
  const schema = version.schema.openAPIV3Schema;
  const { names } = crd.spec;
  const rules = ruleRows(schema.properties?.spec ?? {}, 'spec', []);
  return [
    `## ${names.kind}`,
    '',
    schema.description ?? '',
    '',
    `- API version: ${code(`${crd.spec.group}/${version.name}`)}, kind ${code(names.kind)}, ` +
      `${crd.spec.scope.toLowerCase()}, status subresource.`,
    `- Resource ${code(names.plural)}, short names ${names.shortNames.map(code).join(', ')}, ` +
      `categories ${names.categories.map(code).join(', ')} (\`kubectl get vpsie\`).`,
    '',
    '### Printer columns',
    '',
    ...table(
      ['Column', 'Type', 'JSON path', 'Shown'],
      version.additionalPrinterColumns.map((c) => [
        c.name,
        c.type,
        code(c.jsonPath),
        c.priority ? '`-o wide`' : 'always',
      ]),
    ),
    '',
    '### Spec',
    '',
    ...fieldTable(fieldRows(schema, 'spec')),
    '',
    '### Validation rules (CEL)',
    '',
    ...table(['Field', 'Rule (CEL)', 'Message'], rules),
    '',
    '### Status',
    '',
    'Written by the controller through the status subresource.',
    '',
    ...fieldTable(fieldRows(schema, 'status')),
    '',
  ];
}

const EXAMPLES: Array<[string, unknown]> = [
  [
    'A minimal NodeGroup; the API server fills in every policy with its defaults.',
    minimalNodeGroup,
  ],
  [
    'A NodeGroup that scales down only at night and at weekends, with its own drain limits and ' +
      'bootstrap settings.',
    productionNodeGroup,
  ],
  ['A VPSieNode as the controller creates it, before the VM exists.', exampleVPSieNode],
];

function examplesSection(): string[] {
  return [
    '## Examples',
    '',
    ...EXAMPLES.flatMap(([text, manifest]) => [
      text,
      '',
      '```yaml',
      // YAML 1.1 quoting, as kubectl reads YAML 1.1: start: 22:00 unquoted is a number there.
      YAML.stringify(manifest, { lineWidth: 0, version: '1.1' }).trimEnd(),
      '```',
      '',
    ]),
  ];
}

export function renderCrdDocs(crds: CustomResourceDefinition[]): string {
  const group = crds[0]?.spec.group ?? '';
  const lines = [
    `<!-- Generated by scripts/build/generate-crds.ts from src/apis/v1alpha1. Do not edit: run ${REGENERATE_COMMAND}. -->`,
    '',
    `# Custom resources of ${group}`,
    '',
    ...INTRODUCTION,
    '',
    ...examplesSection(),
    ...crds.flatMap(resourceSection),
    '## Labels, annotations and finalizers',
    '',
    ...table(
      ['Key', 'Kind', 'Meaning'],
      WELL_KNOWN_KEYS.map((k) => [code(k.key), k.kind, k.meaning]),
    ),
    '',
    '## Formats',
    '',
    'Named patterns used in the tables above (Go RE2 syntax, as the API server evaluates them).',
    '',
    ...table(
      ['Format', 'Pattern'],
      NAMED_PATTERNS.map(([name, re]) => [name, code(re.source)]),
    ),
    '',
  ];
  return lines.join('\n');
}
