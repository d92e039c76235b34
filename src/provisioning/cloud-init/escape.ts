// How a value becomes text in the user-data. Handlebars' default HTML escaping protects HTML, not
// YAML or shell, so every {{value}} is encoded here instead, by the kind of document:
//
// cloud-config (YAML): a string becomes a double-quoted YAML scalar holding only printable ASCII.
// `"`, `\` and every other character (line breaks, tabs, NUL, U+0085/U+2028/U+2029, which YAML 1.1
// parsers such as cloud-init's PyYAML treat as line breaks, the BOM, any non-ASCII) is written as an
// escape. The quoted scalar therefore never spans a line, never ends early, and a YAML parser reads
// back exactly the original string, so no value can add a key, a list item, a command or a user.
// Lists and maps become flow collections (`["a", "b"]`, `{"k": "v"}`) of such scalars. Plain JSON
// escaping would not do: JSON.stringify leaves U+2028/U+2029 raw and writes astral characters as
// surrogate pairs, which PyYAML decodes into two lone surrogates.
//
// shell script: a string becomes one single-quoted word ('it'\''s'), inside which the shell expands
// nothing. Lists and maps become one word of newline-separated items / key=value lines.
//
// Either way the template must not add its own quotes: the value is already a complete scalar or
// word. The placement checks (yaml-placement.ts, shell-placement.ts) enforce where values may go.

/** A value that has no representation in the target document; the message says why. */
export class UnencodableValueError extends Error {
  override readonly name = 'UnencodableValueError';
}

const LONE_SURROGATE = /\p{Cs}/u;

function assertWellFormed(value: string): void {
  // Kubernetes stores UTF-8, so a lone UTF-16 surrogate cannot come from a manifest; it would
  // only be written back as U+FFFD or break the YAML reader on the node.
  if (LONE_SURROGATE.test(value)) {
    throw new UnencodableValueError('contains a lone UTF-16 surrogate (not valid Unicode text)');
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
};

/** A YAML double-quoted scalar of printable ASCII that parses back to exactly `value`. */
export function yamlQuote(value: string): string {
  assertWellFormed(value);
  let quoted = '"';
  for (const char of value) {
    const codePoint = char.codePointAt(0)!;
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) quoted += short;
    else if (codePoint >= 0x20 && codePoint <= 0x7e) quoted += char;
    else if (codePoint <= 0xffff) quoted += `\\u${codePoint.toString(16).padStart(4, '0')}`;
    // \U is YAML's escape for a whole code point; JSON's surrogate pair would not survive PyYAML.
    else quoted += `\\U${codePoint.toString(16).padStart(8, '0')}`;
  }
  return `${quoted}"`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A single-line YAML flow value: quoted scalars, numbers, booleans, [lists] and {maps}. */
export function toYamlFlow(value: unknown): string {
  if (typeof value === 'string') return yamlQuote(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toYamlFlow).join(', ')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${yamlQuote(key)}: ${toYamlFlow(item)}`).join(', ')}}`;
  }
  throw new UnencodableValueError(`is ${describe(value)}, which has no YAML form`);
}

/** One single-quoted POSIX shell word that the shell reads back as exactly `value`. */
export function shellQuote(value: string): string {
  assertWellFormed(value);
  // A shell variable cannot hold NUL: bash drops it with a warning, dash truncates the script.
  if (value.includes('\0'))
    throw new UnencodableValueError('contains NUL, which a shell cannot hold');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function shellScalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new UnencodableValueError(`holds ${describe(value)}, which a shell word cannot express`);
}

/** A single-quoted shell word: a scalar, a list as lines, or a map as key=value lines. */
export function toShellWord(value: unknown): string {
  if (Array.isArray(value)) return shellQuote(value.map(shellScalar).join('\n'));
  if (isPlainObject(value)) {
    const lines = Object.entries(value).map(([key, item]) => `${key}=${shellScalar(item)}`);
    return shellQuote(lines.join('\n'));
  }
  return shellQuote(shellScalar(value));
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
