// A Logger that keeps what it is told, for tests that assert on what was logged (and how often).
import type { LogFields, Logger, LogLevel } from '../../src/logging/logger';

export interface LoggedLine {
  level: string;
  msg: string;
  fields?: LogFields;
}

/** Records the given levels (all by default); children record into the same list. */
export function recordingLogger(levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']) {
  const lines: LoggedLine[] = [];
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (levels.includes(level)) lines.push({ level, msg, fields });
  };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, lines };
}
