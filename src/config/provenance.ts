// Where a value came from, so every error and the startup summary can say so.

export type Source =
  | { kind: 'default' }
  | { kind: 'file'; file: string; key: string }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string };

/** One value a source supplies for one field, e.g. logging.level = "debug" from env X. */
export interface SourcedValue {
  path: string;
  value: unknown;
  source: Source;
}

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `file ${source.file}:${source.key}`;
    case 'env':
      return `env ${source.name}`;
    case 'flag':
      return `flag ${source.name}`;
  }
}

/** A value as an error message quotes it; long values are cut so a message stays one line. */
export function quoteValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The standard problem line: `path: value from source is not allowed; expected ...`. */
export function notAllowed(path: string, value: unknown, source: Source, expected: string): string {
  return `${path}: ${quoteValue(value)} from ${describeSource(source)} is not allowed; expected ${expected}`;
}
