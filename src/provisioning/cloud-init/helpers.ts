// The helpers a template may call, and the Handlebars environment they live in. Each render gets
// its own environment (Handlebars.create), so the output encoder bound to it never leaks into
// another render or into any other Handlebars user in the process.
import Handlebars from 'handlebars';
import { CloudInitTemplateError, type TemplatePosition } from './errors';

/** Block helpers: Handlebars' own; they print nothing themselves. */
export const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);

/** Helpers that compute a value; printing it goes through the encoder like any variable. */
export const VALUE_HELPERS: ReadonlySet<string> = new Set([
  'concat',
  'join',
  'joinLabels',
  'lookup',
]);

/**
 * The helper every {{output}} is rewritten to call (see template-check.ts). Templates cannot name
 * it: the checker only lets them call BLOCK_HELPERS and VALUE_HELPERS.
 */
export const EMIT_HELPER = 'cloudInitEmit';
/** Hash argument of EMIT_HELPER: the index of the output site in the template. */
export const EMIT_SITE_ARGUMENT = 'site';

/** Turns the value of output site `site` into document text. */
export type Emitter = (value: unknown, site: number) => string;

interface RuntimeOptions {
  hash?: Record<string, unknown>;
  loc?: { start: { line: number; column: number } };
}

function positionOf(options: RuntimeOptions): TemplatePosition | undefined {
  const start = options.loc?.start;
  return start && { line: start.line, column: start.column + 1 };
}

function helperError(helper: string, detail: string, options: RuntimeOptions) {
  return new CloudInitTemplateError('invalid_variable', `${helper}: ${detail}`, {
    reference: helper,
    position: positionOf(options),
  });
}

function asText(helper: string, value: unknown, what: string, options: RuntimeOptions): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const found = value === undefined ? 'nothing (a missing map key?)' : 'a list or map';
  throw helperError(helper, `${what} must be text, and is ${found}`, options);
}

// Handlebars calls helpers with the positional arguments followed by its options object.
function splitArguments(args: unknown[]): { values: unknown[]; options: RuntimeOptions } {
  return { values: args.slice(0, -1), options: (args.at(-1) ?? {}) as RuntimeOptions };
}

/** {{concat "prefix-" NodeName}}: the arguments as one string. */
function concat(...args: unknown[]): string {
  const { values, options } = splitArguments(args);
  return values.map((value, i) => asText('concat', value, `argument ${i + 1}`, options)).join('');
}

/** {{join SSHAuthorizedKeys ","}}: the items of a list as one string. */
function join(...args: unknown[]): string {
  const { values, options } = splitArguments(args);
  const [list, separator] = values;
  if (!Array.isArray(list)) throw helperError('join', 'the first argument must be a list', options);
  const glue = separator === undefined ? ',' : asText('join', separator, 'the separator', options);
  return list.map((item, i) => asText('join', item, `item ${i + 1}`, options)).join(glue);
}

/** {{joinLabels NodeLabels}}: "k1=v1,k2=v2", the form of kubelet's --node-labels. */
function joinLabels(...args: unknown[]): string {
  const { values, options } = splitArguments(args);
  const [labels] = values;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw helperError('joinLabels', 'the argument must be a map of labels', options);
  }
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${asText('joinLabels', value, `label ${key}`, options)}`)
    .join(',');
}

/** A Handlebars environment with our helpers and the given output encoder. */
export function createTemplateEnvironment(emit: Emitter): typeof Handlebars {
  const environment = Handlebars.create();
  environment.registerHelper('concat', concat);
  environment.registerHelper('join', join);
  environment.registerHelper('joinLabels', joinLabels);
  environment.registerHelper(EMIT_HELPER, (value: unknown, options: RuntimeOptions) => {
    const site = options.hash?.[EMIT_SITE_ARGUMENT];
    if (typeof site !== 'number') throw new Error(`${EMIT_HELPER} called without a site`);
    return new environment.SafeString(emit(value, site));
  });
  // Built-ins we do not offer: `log` writes to the controller's console, the *Missing helpers are
  // unreachable with knownHelpersOnly. Removing them makes a slip in the checker fail loudly.
  environment.unregisterHelper('log');
  return environment;
}

/** What Handlebars' compiler must accept as known helpers (everything else is refused). */
export function knownHelpers(): Record<string, boolean> {
  const known: Record<string, boolean> = { [EMIT_HELPER]: true };
  for (const name of [...BLOCK_HELPERS, ...VALUE_HELPERS]) known[name] = true;
  return known;
}
