// Reading labels, annotations and timestamps off Kubernetes objects without repeating the
// optional chaining everywhere.
import type { V1ObjectMeta } from '@kubernetes/client-node';

type Meta = { metadata?: V1ObjectMeta };

export function annotationOf(object: Meta, key: string): string | undefined {
  return object.metadata?.annotations?.[key];
}

export function labelsOf(object: Meta): Readonly<Record<string, string>> {
  return object.metadata?.labels ?? {};
}

/** `"true"` (exactly, as Cluster Autoscaler and Karpenter compare it) in the annotations. */
export function annotationIsTrue(object: Meta, key: string): boolean {
  return annotationOf(object, key) === 'true';
}

/**
 * Milliseconds since the epoch of a metadata timestamp. @kubernetes/client-node hands us Date
 * objects, but objects built from raw JSON carry RFC 3339 strings; both are accepted.
 */
export function timestampMs(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
