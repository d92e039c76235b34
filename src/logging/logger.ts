// The one logger of the project: structured JSON lines (or plain text for humans), levels,
// child loggers that carry component/operation fields, and redaction of secrets so no token,
// password or key can reach a log line even when a caller passes a whole object.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `bindings` (e.g. {component: 'vpsie-client'}). */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stderr by default so stdout stays free for command output. */
  write?: (line: string) => void;
  /** Clock injection for tests. */
  now?: () => Date;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

export const REDACTED = '[REDACTED]';
// Field names whose values are secrets wherever they appear in a logged object.
const SECRET_KEY =
  /(token|secret|password|passwd|authorization|vpsie-auth|api[-_]?key|private[-_]?key|credential|cookie)/i;
// Secret-shaped values inside free text: bearer tokens and PEM private keys.
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(vpsie-auth["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
];

export function redactText(text: string): string {
  return SECRET_TEXT.reduce(
    (acc, [pattern, replacement]) => acc.replace(pattern, replacement),
    text,
  );
}

/** Deep copy of `value` with secret fields replaced; errors become {name, message, stack}. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth limit]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return redact({ name: value.name, message: value.message, stack: value.stack }, depth + 1);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: LogFields = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        SECRET_KEY.test(key) && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

class StructuredLogger implements Logger {
  constructor(
    private readonly options: Required<LoggerOptions>,
    private readonly bindings: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields) {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields) {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields) {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields) {
    this.log('error', msg, fields);
  }

  child(bindings: LogFields): Logger {
    return new StructuredLogger(this.options, { ...this.bindings, ...bindings });
  }

  private log(level: LogLevel, msg: string, fields?: LogFields) {
    if (LEVELS[level] < LEVELS[this.options.level]) return;
    const entry = redact({ ...this.bindings, ...fields }) as LogFields;
    const time = this.options.now().toISOString();
    const message = redactText(msg);
    if (this.options.format === 'json') {
      this.options.write(JSON.stringify({ time, level, msg: message, ...entry }));
    } else {
      const rest = Object.entries(entry)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      this.options.write(`${time} ${level.toUpperCase()} ${message}${rest ? ` ${rest}` : ''}`);
    }
  }
}

export function createLogger(options: LoggerOptions = {}, bindings: LogFields = {}): Logger {
  return new StructuredLogger(
    {
      level: options.level ?? 'info',
      format: options.format ?? 'json',
      write: options.write ?? ((line) => process.stderr.write(line + '\n')),
      now: options.now ?? (() => new Date()),
    },
    bindings,
  );
}

/** A logger that drops everything: for tests that do not assert on logs. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
