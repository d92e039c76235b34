// Recorders validate every argument before touching the registry, so a rejected call records
// nothing at all (no half-updated counter/histogram pairs). The error names the argument, the
// value and what would have been accepted, which is what a developer needs to fix the call.
import { sanitizeLabelValue } from './sanitize-label';

export class MetricInputError extends Error {
  override readonly name = 'MetricInputError';

  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid metric input ${argument}=${describe(value)}; allowed: ${allowed}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function oneOf<const T extends string>(
  argument: string,
  allowed: readonly T[],
  value: unknown,
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new MetricInputError(argument, value, allowed.join(', '));
}

/** A duration in seconds: finite and not negative. */
export function durationSeconds(argument: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new MetricInputError(argument, value, 'a finite number of seconds >= 0');
}

/** A count of things (nodes, pods): a whole number, not negative. */
export function count(argument: string, value: unknown, minimum = 0): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return value;
  throw new MetricInputError(argument, value, `a whole number >= ${minimum}`);
}

/** A free-form label value (names from the cluster or from code), sanitised. */
export function labelValue(argument: string, value: unknown): string {
  if (typeof value === 'string') return sanitizeLabelValue(value);
  throw new MetricInputError(argument, value, 'a string');
}
