// Durations written the way the earlier Go controller took them (`--failed-vpsienode-ttl 30m`),
// so existing manifests keep working: Go's time.ParseDuration units in any combination
// (`1h30m`, `90s`, `1.5h`, `500ms`). Negative durations make no sense for our settings and are
// rejected. Values are resolved to seconds, like every other time setting in the config.

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const WHOLE =
  /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

export const DURATION_EXPECTED =
  'a duration such as 90s, 30m or 1h30m (units h, m, s, ms; a bare number means seconds)';

/** Seconds in a Go-syntax duration, or undefined when `text` is not one. "0" is allowed bare. */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!WHOLE.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  // Sub-second units add binary-float noise (0.1 + 0.2); nanoseconds are the finest unit anyway.
  return Math.round(seconds * 1e9) / 1e9;
}

/**
 * Seconds for a configured duration: a Go duration string, or a plain number of seconds (what a
 * YAML file or a serialised config naturally holds). Undefined when neither.
 */
export function durationToSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return parseGoDuration(value);
}
