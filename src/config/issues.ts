// Turns the schema's validation issues into problem lines that name the field, the value, the
// source it came from and what would be allowed.
import type { z } from 'zod';
import { fieldByPath, type ConfigField } from './fields';
import { describeSource, notAllowed, type Source } from './provenance';

type Issue = z.core.$ZodIssue;

/** `scaling.expanders[1]` for ['scaling', 'expanders', 1]. */
function displayPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

/** The field an issue is about: its path without list indexes. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.filter((key) => typeof key === 'string').join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function numberExpected(field: ConfigField): string {
  const noun = field.kind === 'integer' ? 'an integer' : 'a number';
  if (!field.range) return noun;
  return `${noun} ${field.range.includes(' to ') ? `from ${field.range}` : field.range}`;
}

const TYPE_PHRASES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
};

/** What is allowed, in words: "one of debug, info", "an integer from 1 to 100". */
function expected(issue: Issue, field: ConfigField | undefined): string {
  const numeric = field && (field.kind === 'integer' || field.kind === 'number');
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      if (numeric && field.path === fieldPath(issue.path)) return numberExpected(field);
      return TYPE_PHRASES[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
    case 'too_big': {
      if (numeric) return numberExpected(field);
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const side = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string')
        return bound === 1 && side === 'at least'
          ? 'a non-empty string'
          : `${side} ${bound} characters`;
      return `${side} ${bound} ${issue.origin === 'array' ? 'item(s)' : ''}`.trim();
    }
    default:
      // Our own checks (formats.ts, duration.ts) phrase their message as what is allowed.
      return issue.message;
  }
}

/**
 * One problem line per issue. `input` is what was validated and `sources` where each field's
 * value came from (fields absent from it are defaults).
 */
export function describeIssue(
  issue: Issue,
  input: unknown,
  sources: ReadonlyMap<string, Source>,
): string {
  const path = fieldPath(issue.path);
  const source = sources.get(path) ?? { kind: 'default' };
  if (issue.code === 'custom' && issue.params?.rule) {
    // Rules between fields read as sentences; they name the fields themselves.
    return source.kind === 'default'
      ? issue.message
      : `${issue.message} (${path} from ${describeSource(source)})`;
  }
  const value = valueAt(input, issue.path);
  return notAllowed(displayPath(issue.path), value, source, expected(issue, fieldByPath(path)));
}
