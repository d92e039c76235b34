// zod schema -> Kubernetes structural openAPIV3Schema (apiextensions.k8s.io/v1). Pure: no I/O.
//
// Why not z.toJSONSchema: a structural schema is a strict subset of OpenAPI (no $ref, a type on
// every node, never `properties` together with `additionalProperties`, no propertyNames, nullable
// as `nullable: true`) plus Kubernetes extensions. Walking zod's definitions ourselves lets us
// refuse anything outside that subset with the path of the offending field, instead of emitting a
// schema the API server rejects at install time.
//
// What maps to what:
//   string (+min/max/length/regex, formats datetime/date/ipv4/ipv6/uuid) -> type string ...
//   number (int -> integer, min/max/gt/lt/multipleOf), boolean, enum / literal -> enum
//   object -> properties + required (fields that are neither optional nor defaulted);
//     looseObject -> x-kubernetes-preserve-unknown-fields
//   record -> additionalProperties (key rules must come as CEL: see schema-extensions.ts mapOf)
//   array -> items, minItems/maxItems
//   optional / default / prefault / nullable / readonly -> not required / default / nullable
//     (a prefault is emitted parsed, i.e. with the defaults of the fields inside it)
//   .describe() / .meta({description}) -> description; .meta() keys maxProperties, minProperties
//     and x-kubernetes-* are copied as they are.
// Refinements (`.refine`) are invisible here: a rule the API server must enforce is attached
// with withRule() so it also carries its CEL form.
import { z } from 'zod';
import type { JSONSchemaProps, ValidationRule } from './kubernetes-schema';
import { VALIDATIONS_KEY } from './schema-extensions';

export class UnsupportedSchemaError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'UnsupportedSchemaError';
  }
}

type Schema = z.core.$ZodType;
interface CheckDef {
  check: string;
  [key: string]: unknown;
}

/** Convert `schema` (usually a resource's spec or status) to a structural schema node. */
export function toOpenAPIV3Schema(schema: Schema): JSONSchemaProps {
  return convert(schema, '.').props;
}

interface Converted {
  props: JSONSchemaProps;
  /** False when the field must be listed in its parent's `required`. */
  optional: boolean;
}

// Metadata keys copied verbatim; any other `x-` key is a typo we would rather hear about.
const COPIED_META_KEYS = new Set([
  'maxProperties',
  'minProperties',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
]);

function convert(schema: Schema, path: string): Converted {
  const layers: Schema[] = [];
  let optional = false;
  let nullable = false;
  let defaulted: { value: unknown } | undefined;
  let current = schema;
  // Peel the wrappers; the outermost default wins, as it does when zod parses.
  for (;;) {
    layers.push(current);
    const def = current._zod.def as z.core.$ZodTypeDef & { innerType?: Schema };
    if (def.type === 'optional') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else if (def.type === 'default' || def.type === 'prefault') {
      optional = true;
      defaulted ??= { value: defaultOf(def as unknown as DefaultDef) };
    } else if (def.type !== 'readonly') break;
    current = def.innerType!;
  }

  const props = convertCore(current, path);
  applyMetadata(props, layers, path);
  if (nullable) props.nullable = true;
  if (defaulted) props.default = jsonValue(defaulted.value, path);
  return { props: inCanonicalOrder(props), optional };
}

interface DefaultDef {
  type: 'default' | 'prefault';
  innerType: Schema;
  defaultValue: unknown;
}

// `.default(v)` gives v as it is; `.prefault(v)` parses v, so `.prefault({})` on an object gives
// the object with its fields' defaults. We emit that expanded value: the API server validates a
// default against the schema (CEL rules included) without defaulting inside it first.
function defaultOf(def: DefaultDef): unknown {
  return def.type === 'prefault' ? z.parse(def.innerType, def.defaultValue) : def.defaultValue;
}

function convertCore(schema: Schema, path: string): JSONSchemaProps {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  switch (def.type) {
    case 'string':
      return stringProps(schema, path);
    case 'number':
      return numberProps(schema, path);
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return enumProps(Object.values(def.entries as Record<string, unknown>), path);
    case 'literal':
      return enumProps(def.values as unknown[], path);
    case 'array':
      return arrayProps(schema, def.element as Schema, path);
    case 'object':
      return objectProps(def as unknown as z.core.$ZodObjectDef, path);
    case 'record':
      return recordProps(schema, def as unknown as z.core.$ZodRecordDef, path);
    default:
      throw new UnsupportedSchemaError(path, `zod type "${def.type}" has no structural form`);
  }
}

/** The schema's checks, including the schema itself when it is one (z.int(), z.iso.datetime()). */
function checksOf(schema: Schema): CheckDef[] {
  const own = schema._zod.traits.has('$ZodCheck') ? [schema._zod.def as unknown as CheckDef] : [];
  const added = (schema._zod.def.checks ?? []).map((c) => c._zod.def as unknown as CheckDef);
  return [...own, ...added];
}

function unsupportedCheck(path: string, check: CheckDef): never {
  const detail = check.format ? ` (${String(check.format)})` : '';
  throw new UnsupportedSchemaError(path, `check "${check.check}"${detail} cannot be expressed`);
}

// zod string formats that have an OpenAPI `format` the API server validates.
const STRING_FORMATS: Record<string, string> = {
  datetime: 'date-time',
  date: 'date',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  uuid: 'uuid',
};
// zod string checks that are a plain regular expression.
const PATTERN_FORMATS = new Set(['regex', 'starts_with', 'ends_with', 'includes']);

function stringProps(schema: Schema, path: string): JSONSchemaProps {
  const props: JSONSchemaProps = { type: 'string' };
  const patterns: RegExp[] = [];
  for (const check of checksOf(schema)) {
    switch (check.check) {
      case 'min_length':
        props.minLength = Math.max(props.minLength ?? 0, check.minimum as number);
        break;
      case 'max_length':
        props.maxLength = Math.min(props.maxLength ?? Infinity, check.maximum as number);
        break;
      case 'length_equals':
        props.minLength = props.maxLength = check.length as number;
        break;
      case 'string_format': {
        const format = check.format as string;
        if (PATTERN_FORMATS.has(format)) patterns.push(check.pattern as RegExp);
        else if (STRING_FORMATS[format]) props.format = STRING_FORMATS[format];
        else unsupportedCheck(path, check);
        break;
      }
      case 'custom':
        break;
      default:
        unsupportedCheck(path, check);
    }
  }
  if (patterns.length > 1) {
    throw new UnsupportedSchemaError(path, 'a string can carry only one pattern: combine them');
  }
  const [pattern] = patterns;
  if (pattern) {
    if (pattern.flags !== '') {
      throw new UnsupportedSchemaError(path, `pattern ${pattern} has flags; OpenAPI has none`);
    }
    props.pattern = pattern.source;
  }
  return props;
}

function numberProps(schema: Schema, path: string): JSONSchemaProps {
  const props: JSONSchemaProps = { type: 'number' };
  for (const check of checksOf(schema)) {
    switch (check.check) {
      case 'number_format':
        // safeint's ±2^53 range is zod's business; int32 is a format the API server checks.
        if (check.format === 'safeint') props.type = 'integer';
        else if (check.format === 'int32')
          Object.assign(props, { type: 'integer', format: 'int32' });
        else unsupportedCheck(path, check);
        break;
      case 'greater_than':
        props.minimum = check.value as number;
        if (!check.inclusive) props.exclusiveMinimum = true;
        break;
      case 'less_than':
        props.maximum = check.value as number;
        if (!check.inclusive) props.exclusiveMaximum = true;
        break;
      case 'multiple_of':
        props.multipleOf = check.value as number;
        break;
      case 'custom':
        break;
      default:
        unsupportedCheck(path, check);
    }
  }
  return props;
}

function enumProps(values: unknown[], path: string): JSONSchemaProps {
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    return { type: 'string', enum: values as string[] };
  }
  if (values.length > 0 && values.every((v) => Number.isInteger(v))) {
    return { type: 'integer', enum: values as number[] };
  }
  throw new UnsupportedSchemaError(path, 'an enum needs values of one type: strings or integers');
}

function lengthBounds(schema: Schema, path: string): { min?: number; max?: number } {
  const bounds: { min?: number; max?: number } = {};
  for (const check of checksOf(schema)) {
    if (check.check === 'min_length') bounds.min = check.minimum as number;
    else if (check.check === 'max_length') bounds.max = check.maximum as number;
    else if (check.check === 'length_equals') bounds.min = bounds.max = check.length as number;
    else if (check.check !== 'custom') unsupportedCheck(path, check);
  }
  return bounds;
}

function arrayProps(schema: Schema, element: Schema, path: string): JSONSchemaProps {
  const props: JSONSchemaProps = { type: 'array', items: convert(element, `${path}[]`).props };
  const { min, max } = lengthBounds(schema, path);
  if (min !== undefined && min > 0) props.minItems = min;
  if (max !== undefined) props.maxItems = max;
  return props;
}

function childPath(path: string, key: string): string {
  return path === '.' ? `.${key}` : `${path}.${key}`;
}

function objectProps(def: z.core.$ZodObjectDef, path: string): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const converted = convert(field, childPath(path, key));
    properties[key] = converted.props;
    if (!converted.optional) required.push(key);
  }
  const props: JSONSchemaProps = { type: 'object', properties };
  if (required.length > 0) props.required = required;
  const catchall = def.catchall?._zod.def.type;
  if (catchall === 'unknown' || catchall === 'any') {
    props['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (catchall !== undefined && catchall !== 'never') {
    throw new UnsupportedSchemaError(
      path,
      'an object with typed extra keys has no structural form',
    );
  }
  return props;
}

function recordProps(schema: Schema, def: z.core.$ZodRecordDef, path: string): JSONSchemaProps {
  const key = def.keyType;
  if (key._zod.def.type !== 'string') {
    throw new UnsupportedSchemaError(path, 'map keys must be strings');
  }
  // Constraints on keys are lost in OpenAPI; insist that a CEL rule carries them.
  const keyIsConstrained = checksOf(key).length > 0;
  const rules = z.globalRegistry.get(schema)?.[VALIDATIONS_KEY];
  if (keyIsConstrained && !Array.isArray(rules)) {
    throw new UnsupportedSchemaError(
      path,
      'map keys have constraints that OpenAPI cannot express: build the map with mapOf()',
    );
  }
  return { type: 'object', additionalProperties: convert(def.valueType, `${path}.*`).props };
}

function applyMetadata(props: JSONSchemaProps, layers: Schema[], path: string): void {
  const rules: ValidationRule[] = [];
  // Innermost first so that an outer layer's description replaces an inner one.
  for (const layer of [...layers].reverse()) {
    const meta = z.globalRegistry.get(layer);
    if (!meta) continue;
    for (const [key, value] of Object.entries(meta)) {
      if (value === undefined) continue;
      if (key === 'description') props.description = value as string;
      else if (key === VALIDATIONS_KEY) rules.push(...(value as ValidationRule[]));
      else if (COPIED_META_KEYS.has(key)) Object.assign(props, { [key]: value });
      else if (key.startsWith('x-')) {
        throw new UnsupportedSchemaError(path, `unknown schema extension "${key}" in .meta()`);
      }
    }
  }
  const unique = rules.filter((r, i) => rules.findIndex((o) => o.rule === r.rule) === i);
  if (unique.length > 0) props[VALIDATIONS_KEY] = unique;
}

function jsonValue(value: unknown, path: string): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new UnsupportedSchemaError(path, 'default is not JSON');
  return JSON.parse(text) as unknown;
}

// Keys in the order a reader wants them, so generated YAML is stable and easy to review.
const KEY_ORDER: Array<keyof JSONSchemaProps> = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'nullable',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
];

function inCanonicalOrder(props: JSONSchemaProps): JSONSchemaProps {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (props[key] !== undefined) ordered[key] = props[key];
  return ordered as JSONSchemaProps;
}
