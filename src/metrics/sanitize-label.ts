// Label values that come from the cluster or from code (NodeGroup names, namespaces, API
// methods) are made safe before they reach Prometheus: only [A-Za-z0-9_.-], at most 128
// characters, never empty. This keeps queries and dashboard variables simple and bounds the
// size of every series key whatever a user names their objects.

export const MAX_LABEL_VALUE_LENGTH = 128;
export const EMPTY_LABEL_VALUE = 'unknown';

// `u` flag: an astral character (e.g. an emoji) is one character and becomes one underscore.
const OUTSIDE_ALLOWED = /[^A-Za-z0-9_.-]/gu;

export function sanitizeLabelValue(value: string): string {
  if (value === '') return EMPTY_LABEL_VALUE;
  return value.replace(OUTSIDE_ALLOWED, '_').slice(0, MAX_LABEL_VALUE_LENGTH);
}
