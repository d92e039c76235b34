// Merges the sources (flags > env > file > defaults), validates once, and either returns the
// frozen Config with the source of every field or throws one ConfigError listing every problem.
// `resolveConfig` is pure; `loadConfig` adds the one piece of I/O, reading the YAML file.
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';
import { CONFIG_FIELDS } from './fields';
import { describeIssue } from './issues';
import { describeSource, type Source, type SourcedValue } from './provenance';
import { ConfigSchema, type Config } from './schema';
import { parseConfigFile, parseFlags, readEnv, type SourceResult } from './sources';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ConfigInputs {
  /** Command-line arguments without node and script (process.argv.slice(2)). */
  argv?: readonly string[];
  env?: Environment;
  /** The YAML file named by --config-file or VPSIE_AUTOSCALER_CONFIG_FILE, already read. */
  file?: { path: string; text: string } | { path: string; error: string };
}

export interface LoadedConfig {
  config: Readonly<Config>;
  /** Where each field's value came from, for every field of the schema. */
  sources: ReadonlyMap<string, Source>;
  configFile?: string;
}

/** The YAML file to read: `--config-file` beats VPSIE_AUTOSCALER_CONFIG_FILE. */
export function configFilePath(argv: readonly string[], env: Environment): string | undefined {
  return parseFlags(argv).configFile ?? readEnv(env).configFile;
}

// Dotted paths back into the nested object the schema validates. Unset values are left out so
// the schema's defaults apply to them.
function nest(values: Iterable<SourcedValue>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of values) {
    if (value === undefined) continue;
    const segments = path.split('.');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
    node[segments.at(-1)!] = value;
  }
  return root;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function readFileSource(file: ConfigInputs['file']): SourceResult {
  if (!file) return { values: [], problems: [] };
  if ('error' in file) return { values: [], problems: [`file ${file.path}: ${file.error}`] };
  return parseConfigFile(file.path, file.text);
}

export function resolveConfig(inputs: ConfigInputs = {}): LoadedConfig {
  const flags = parseFlags(inputs.argv ?? []);
  const env = readEnv(inputs.env ?? {});
  const file = readFileSource(inputs.file);
  const problems = [...flags.problems, ...env.problems, ...file.problems];

  // Later sources win: file, then env, then flags.
  const merged = new Map<string, SourcedValue>();
  for (const value of [...file.values, ...env.values, ...flags.values])
    merged.set(value.path, value);
  const sources = new Map<string, Source>(
    CONFIG_FIELDS.map((field) => [
      field.path,
      merged.get(field.path)?.source ?? { kind: 'default' },
    ]),
  );

  const input = nest(merged.values());
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, input, sources)));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return {
    config: deepFreeze(parsed.data),
    sources,
    ...(inputs.file ? { configFile: inputs.file.path } : {}),
  };
}

export interface LoadOptions {
  argv?: readonly string[];
  env?: Environment;
  readFile?: (path: string) => string;
}

/** The configuration of this process: its argv and env, and the YAML file they name. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const path = configFilePath(argv, env);
  let file: ConfigInputs['file'];
  if (path !== undefined) {
    try {
      file = { path, text: readFile(path) };
    } catch (error) {
      file = { path, error: `cannot be read: ${(error as Error).message}` };
    }
  }
  return resolveConfig({ argv, env, file });
}

/** Fields not at their default and where they were set, for the startup log line. */
export function configOrigins(loaded: LoadedConfig): Record<string, string> {
  const origins: Record<string, string> = {};
  for (const [path, source] of loaded.sources) {
    if (source.kind !== 'default') origins[path] = describeSource(source);
  }
  return origins;
}
