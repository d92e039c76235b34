// The three sources of settings, each parsed into values with their provenance: command-line
// flags, VPSIE_AUTOSCALER_* env vars and the YAML file. No I/O here (the file arrives as text),
// and no precedence either: load.ts merges. Unknown names are problems, never silently ignored.
import { LineCounter, parseDocument } from 'yaml';
import { coerceText } from './coerce';
import { CREDENTIAL_ENV, CREDENTIAL_SOURCES_HINT, looksLikeCredential } from './credential-names';
import {
  CONFIG_FIELDS,
  CONFIG_FILE_ENV,
  CONFIG_SECTIONS,
  ENV_PREFIX,
  fieldByEnv,
  fieldByFlag,
  fieldByPath,
  isSectionPath,
  type ConfigField,
} from './fields';
import { CONFIG_FILE_FLAG, HELP_FLAGS } from './legacy-flags';
import { notAllowed, type Source, type SourcedValue } from './provenance';
import { closest, didYouMean } from './suggest';

export interface SourceResult {
  values: SourcedValue[];
  problems: string[];
}

export interface FlagResult extends SourceResult {
  configFile?: string;
  help: boolean;
}

export interface EnvResult extends SourceResult {
  configFile?: string;
}

const KNOWN_FLAGS = [...CONFIG_FIELDS.flatMap((field) => field.flags), CONFIG_FILE_FLAG];
const KNOWN_ENV = [
  ...CONFIG_FIELDS.map((field) => field.env),
  CONFIG_FILE_ENV,
  ...Object.values(CREDENTIAL_ENV),
];

function sourced(field: ConfigField, text: string, source: Source, result: SourceResult): void {
  const coerced = coerceText(field, text);
  if (!coerced.ok) {
    result.problems.push(notAllowed(field.path, text, source, coerced.expected));
    return;
  }
  result.values.push({ path: field.path, value: coerced.value, source });
}

/**
 * `--name=value`, `--name value`, and for booleans a bare `--name` (true) or `--name=false`,
 * like Go's flag package. List flags may repeat (values add up) or take a comma list.
 */
export function parseFlags(argv: readonly string[]): FlagResult {
  const result: FlagResult = { values: [], problems: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((HELP_FLAGS as readonly string[]).includes(arg)) {
      result.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) {
        // Go's flag package accepted `-kubeconfig x`; say how to write it now, and skip its value.
        if (!arg.includes('=') && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++;
        const name = `-${arg.split('=')[0]}`;
        result.problems.push(`unknown flag ${arg.split('=')[0]}${didYouMean(name, KNOWN_FLAGS)}`);
      } else {
        result.problems.push(
          `unexpected argument ${JSON.stringify(arg)}; settings are flags (--name=value)`,
        );
      }
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    // The value of a flag we reject is skipped, not reported: it may be the very token we refuse.
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    const field = fieldByFlag(name);
    if (name === CONFIG_FILE_FLAG) {
      const value = takeValue();
      if (value) result.configFile = value;
      else result.problems.push(`flag ${name} needs a value (the path of the YAML config file)`);
    } else if (!field) {
      takeValue();
      result.problems.push(
        looksLikeCredential(name.slice(2).split('.').pop() ?? '')
          ? `flag ${name} is not accepted: credentials never go on the command line. ${CREDENTIAL_SOURCES_HINT}`
          : `unknown flag ${name}${didYouMean(name, KNOWN_FLAGS)}`,
      );
    } else {
      const text = field.kind === 'boolean' && inline === undefined ? 'true' : takeValue();
      if (text === undefined) result.problems.push(`flag ${name} needs a value`);
      else sourced(field, text, { kind: 'flag', name }, result);
    }
  }
  result.values = joinRepeatedLists(result.values);
  return result;
}

// `--default-offering-ids a --default-offering-ids b` means [a, b], as with Go's StringSlice.
function joinRepeatedLists(values: SourcedValue[]): SourcedValue[] {
  const joined: SourcedValue[] = [];
  for (const value of values) {
    const earlier = joined.find((v) => v.path === value.path);
    if (earlier && Array.isArray(earlier.value) && Array.isArray(value.value)) {
      earlier.value = [...earlier.value, ...value.value];
      earlier.source = value.source;
    } else {
      if (earlier) joined.splice(joined.indexOf(earlier), 1);
      joined.push({ ...value });
    }
  }
  return joined;
}

// Kubernetes injects `<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT_8080_TCP`, ... for every Service
// in the namespace; a Service named vpsie-autoscaler(-metrics) lands under our prefix. Those are
// not settings, and crashing on them would break every in-cluster start.
const SERVICE_LINK =
  /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)$/;

// The project's own scripts read these (cache and runtime folders, scripts/README.md); they share
// the prefix but are not settings, and an operator who set one must still be able to run the CLI.
const SCRIPT_ENV = new Set(['VPSIE_AUTOSCALER_CACHE', 'VPSIE_AUTOSCALER_LOCAL']);

/** `VPSIE_AUTOSCALER_*` vars. Empty values count as unset (templated manifests often emit them). */
export function readEnv(env: Readonly<Record<string, string | undefined>>): EnvResult {
  const result: EnvResult = { values: [], problems: [] };
  const credentialEnv = new Set<string>(Object.values(CREDENTIAL_ENV));
  for (const name of Object.keys(env).sort()) {
    if (
      !name.startsWith(ENV_PREFIX) ||
      credentialEnv.has(name) ||
      SCRIPT_ENV.has(name) ||
      SERVICE_LINK.test(name)
    )
      continue;
    const field = fieldByEnv(name);
    if (!field && name !== CONFIG_FILE_ENV) {
      result.problems.push(
        looksLikeCredential(name.slice(ENV_PREFIX.length))
          ? `env ${name} is not accepted. ${CREDENTIAL_SOURCES_HINT}`
          : `unknown environment variable ${name}${didYouMean(name, KNOWN_ENV)}`,
      );
      continue;
    }
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (field) sourced(field, text, { kind: 'env', name }, result);
    else result.configFile = text;
  }
  return result;
}

/** Keys directly under `prefix` (fields and sections), for did-you-mean among siblings. */
function childKeys(prefix: string[]): string[] {
  const depth = prefix.length;
  const under = (path: string) => {
    const segments = path.split('.');
    return segments.length === depth + 1 && segments.slice(0, depth).join('.') === prefix.join('.');
  };
  return [...CONFIG_FIELDS.map((f) => f.path), ...CONFIG_SECTIONS.map((s) => s.path)]
    .filter(under)
    .map((path) => path.split('.')[depth]!);
}

function unknownKeyHint(key: string, prefix: string[]): string {
  const sibling = closest(key, childKeys(prefix));
  if (sibling) return `; did you mean ${[...prefix, sibling].join('.')}?`;
  // Right name, wrong place: `level:` at the top instead of under `logging:`.
  const leaf = (field: ConfigField) => field.segments.at(-1)!;
  const match = closest(key, CONFIG_FIELDS.map(leaf));
  const paths = CONFIG_FIELDS.filter((field) => leaf(field) === match).map((field) => field.path);
  return paths.length > 0 ? `; did you mean ${paths.join(' or ')}?` : '';
}

// YAML numbers in text fields are almost always ids written without quotes (`[123, 456]`).
function fromFile(field: ConfigField, value: unknown): unknown {
  const text = (v: unknown) => (typeof v === 'number' ? String(v) : v);
  if (field.kind === 'string') return text(value);
  if (field.kind === 'list' && Array.isArray(value)) return value.map(text);
  return value;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function walkFile(
  file: string,
  mapping: Record<string, unknown>,
  prefix: string[],
  result: SourceResult,
): void {
  for (const [key, value] of Object.entries(mapping)) {
    const segments = [...prefix, key];
    const path = segments.join('.');
    const source: Source = { kind: 'file', file, key: path };
    const field = fieldByPath(path);
    // An empty value (`key:`) means "not set here", so the example file can list every field.
    if ((field || isSectionPath(path)) && value === null) continue;
    if (field) {
      result.values.push({ path, value: fromFile(field, value), source });
    } else if (isSectionPath(path)) {
      if (isMapping(value)) walkFile(file, value, segments, result);
      else result.problems.push(notAllowed(path, value, source, 'a mapping of its settings'));
    } else if (looksLikeCredential(key)) {
      result.problems.push(
        `file ${file}:${path} is not accepted: credentials never go in the config file. ${CREDENTIAL_SOURCES_HINT}`,
      );
    } else {
      result.problems.push(`file ${file}: unknown key ${path}${unknownKeyHint(key, prefix)}`);
    }
  }
}

/** The YAML config file, given as text so this stays free of I/O. */
export function parseConfigFile(file: string, text: string): SourceResult {
  const result: SourceResult = { values: [], problems: [] };
  // prettyErrors off: the pretty form quotes source lines, and a misplaced token could be on one.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line } = lineCounter.linePos(error.pos[0]);
      result.problems.push(`file ${file} line ${line}: ${error.message}`);
    }
    return result;
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return result;
  if (!isMapping(data)) {
    result.problems.push(`file ${file}: expected a mapping of sections (controller:, vpsie:, ...)`);
    return result;
  }
  walkFile(file, data, [], result);
  return result;
}
