// Env vars and flags are text; this turns text into the value a field holds. Only the shape is
// checked here (is it a number at all?); ranges and choices are the schema's job.
import type { ConfigField } from './fields';

export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

const TRUE = new Set(['true', 't', '1', 'yes']);
const FALSE = new Set(['false', 'f', '0', 'no']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Comma-separated lists, as the Go controller took `--default-offering-ids a,b`. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function coerceText(field: ConfigField, text: string): Coerced {
  switch (field.kind) {
    case 'integer':
    case 'number':
      return NUMBER.test(text.trim())
        ? { ok: true, value: Number(text.trim()) }
        : { ok: false, expected: field.kind === 'integer' ? 'an integer' : 'a number' };
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    }
    case 'list':
      return { ok: true, value: splitList(text) };
    case 'string':
      // An empty optional string means "unset", so `--kubeconfig=` can undo a file's value.
      return { ok: true, value: text === '' && field.optional ? undefined : text };
    case 'enum':
    case 'duration':
      return { ok: true, value: text.trim() };
  }
}
