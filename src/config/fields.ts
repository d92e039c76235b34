// The schema seen as a flat list of fields: path, kind, default, description, and the env var
// and flag names derived from the path. Sources, error messages, the help text and the reference
// doc all read this list, so none of them can disagree with the schema.
import { z } from 'zod';
import { CONFIG_FILE_FLAG, LEGACY_FLAG_ALIASES } from './legacy-flags';
import { ConfigSchema } from './schema';

export const ENV_PREFIX = 'VPSIE_AUTOSCALER_';
export const CONFIG_FILE_ENV = `${ENV_PREFIX}CONFIG_FILE`;

export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'list' | 'duration';

export interface ConfigField {
  /** Dotted schema path, e.g. `logging.level`; also the YAML location. */
  path: string;
  segments: readonly string[];
  kind: FieldKind;
  /** Allowed values of an enum, or of each item of a list of enums. */
  choices?: readonly string[];
  /** Allowed numbers, e.g. `>= 1` or `0 to 100`. */
  range?: string;
  description: string;
  /** Unset unless a source sets it (no default). */
  optional: boolean;
  /** The default as an operator writes it (durations as text, e.g. "30m"). */
  defaultValue: unknown;
  env: string;
  /** The derived flag first, then legacy aliases. */
  flags: readonly string[];
}

export interface ConfigSection {
  path: string;
  description: string;
}

function words(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
}

/** `logging.level` → `VPSIE_AUTOSCALER_LOGGING_LEVEL` */
export function envNameFor(segments: readonly string[]): string {
  return ENV_PREFIX + segments.flatMap(words).join('_').toUpperCase();
}

/** `vpsie.circuitBreaker.openSeconds` → `--vpsie.circuit-breaker.open-seconds` */
export function flagNameFor(segments: readonly string[]): string {
  return '--' + segments.map((segment) => words(segment).join('-')).join('.');
}

interface Layers {
  inner: z.ZodType;
  optional: boolean;
  defaultValue: unknown;
  description: string;
  meta: Record<string, unknown>;
}

// Peels default/prefault/optional wrappers, collecting what each layer says.
function unwrap(schema: z.ZodType): Layers {
  const layers: Layers = {
    inner: schema,
    optional: false,
    defaultValue: undefined,
    description: '',
    meta: {},
  };
  for (;;) {
    const current = layers.inner;
    layers.description ||= current.description ?? '';
    layers.meta = { ...current.meta(), ...layers.meta };
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      layers.defaultValue = current.def.defaultValue;
      layers.inner = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodOptional) {
      layers.optional = true;
      layers.inner = current.def.innerType as z.ZodType;
    } else {
      return layers;
    }
  }
}

interface BoundCheck {
  check?: string;
  value?: number;
  inclusive?: boolean;
}

// Reads the min/max checks zod keeps on a number schema, for docs and help.
function numberRange(schema: z.ZodNumber): string | undefined {
  const checks = (schema.def.checks ?? []).map((c) => c._zod.def as BoundCheck);
  const low = checks.find((c) => c.check === 'greater_than');
  const high = checks.find((c) => c.check === 'less_than');
  if (low && high && low.inclusive && high.inclusive) return `${low.value} to ${high.value}`;
  const parts = [
    low && `${low.inclusive ? '>=' : '>'} ${low.value}`,
    high && `${high.inclusive ? '<=' : '<'} ${high.value}`,
  ];
  return parts.filter(Boolean).join(', ') || undefined;
}

function describeValue(
  inner: z.ZodType,
  meta: Record<string, unknown>,
): Pick<ConfigField, 'kind' | 'choices' | 'range'> {
  if (meta.kind === 'duration') return { kind: 'duration' };
  if (inner instanceof z.ZodString) return { kind: 'string' };
  if (inner instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (inner instanceof z.ZodEnum) return { kind: 'enum', choices: inner.options.map(String) };
  if (inner instanceof z.ZodNumber) {
    const range = numberRange(inner);
    return { kind: inner.isInt ? 'integer' : 'number', ...(range ? { range } : {}) };
  }
  if (inner instanceof z.ZodArray) {
    const item = unwrap(inner.element as z.ZodType).inner;
    return item instanceof z.ZodEnum
      ? { kind: 'list', choices: item.options.map(String) }
      : { kind: 'list' };
  }
  throw new Error(`config schema: no field kind for ${inner.constructor.name}`);
}

function walk(
  shape: z.ZodRawShape,
  prefix: string[],
  fields: ConfigField[],
  sections: ConfigSection[],
): void {
  for (const [key, schema] of Object.entries(shape)) {
    const segments = [...prefix, key];
    const path = segments.join('.');
    const layers = unwrap(schema as z.ZodType);
    if (!layers.description) throw new Error(`config schema: ${path} has no description`);
    if (layers.inner instanceof z.ZodObject) {
      sections.push({ path, description: layers.description });
      walk(layers.inner.shape, segments, fields, sections);
      continue;
    }
    const aliases = Object.keys(LEGACY_FLAG_ALIASES).filter(
      (flag) => LEGACY_FLAG_ALIASES[flag] === path,
    );
    fields.push({
      path,
      segments,
      ...describeValue(layers.inner, layers.meta),
      description: layers.description,
      optional: layers.optional,
      defaultValue: layers.defaultValue,
      env: envNameFor(segments),
      flags: [flagNameFor(segments), ...aliases],
    });
  }
}

function build(): { fields: ConfigField[]; sections: ConfigSection[] } {
  const fields: ConfigField[] = [];
  const sections: ConfigSection[] = [];
  walk(ConfigSchema.shape, [], fields, sections);
  // Derived names must stay unambiguous; a clash is a schema bug, caught at startup and in tests.
  const seen = new Set<string>([CONFIG_FILE_FLAG, CONFIG_FILE_ENV]);
  for (const name of fields.flatMap((field) => [field.env, ...field.flags])) {
    if (seen.has(name)) throw new Error(`config schema: ${name} names two settings`);
    seen.add(name);
  }
  const paths = new Set(fields.map((field) => field.path));
  for (const [flag, path] of Object.entries(LEGACY_FLAG_ALIASES)) {
    if (!paths.has(path)) throw new Error(`config schema: alias ${flag} points at unknown ${path}`);
  }
  return { fields, sections };
}

const built = build();
export const CONFIG_FIELDS: readonly ConfigField[] = built.fields;
export const CONFIG_SECTIONS: readonly ConfigSection[] = built.sections;

const byPath = new Map(CONFIG_FIELDS.map((field) => [field.path, field]));
const byEnv = new Map(CONFIG_FIELDS.map((field) => [field.env, field]));
const byFlag = new Map(
  CONFIG_FIELDS.flatMap((field) => field.flags.map((f) => [f, field] as const)),
);
const sectionPaths = new Set(CONFIG_SECTIONS.map((section) => section.path));

export const fieldByPath = (path: string): ConfigField | undefined => byPath.get(path);
export const fieldByEnv = (name: string): ConfigField | undefined => byEnv.get(name);
export const fieldByFlag = (name: string): ConfigField | undefined => byFlag.get(name);
export const isSectionPath = (path: string): boolean => sectionPaths.has(path);
